-- `incoming`: the project's own reference data (sr_pipeline/reference/).
INSERT INTO core.regions BY NAME
SELECT * FROM incoming
