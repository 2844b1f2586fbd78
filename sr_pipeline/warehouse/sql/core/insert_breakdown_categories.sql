-- `incoming`: the project's own reference data (sr_pipeline/reference/).
INSERT INTO core.breakdown_categories BY NAME
SELECT * FROM incoming
