-- `incoming`: the project's own reference data (sr_pipeline/reference/).
INSERT INTO core.statuses BY NAME
SELECT * FROM incoming
