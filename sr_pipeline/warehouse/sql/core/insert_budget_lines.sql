-- `incoming`: the project's own reference data (sr_pipeline/reference/).
INSERT INTO core.budget_lines BY NAME
SELECT * FROM incoming
