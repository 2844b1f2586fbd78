-- `incoming`: the project's own reference data (sources/).
INSERT INTO core.breakdown_categories BY NAME
SELECT * FROM incoming
