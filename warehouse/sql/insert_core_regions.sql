-- `incoming`: the project's own reference data (sources/).
INSERT INTO core.regions BY NAME
SELECT * FROM incoming
