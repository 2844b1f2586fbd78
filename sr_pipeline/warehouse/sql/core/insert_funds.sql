-- `incoming`: the project's own reference data (sr_pipeline/reference/).
INSERT INTO core.funds BY NAME
SELECT * FROM incoming
