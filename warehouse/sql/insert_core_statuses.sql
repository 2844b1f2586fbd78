-- `incoming`: the project's own reference data (sources/).
INSERT INTO core.statuses BY NAME
SELECT * FROM incoming
