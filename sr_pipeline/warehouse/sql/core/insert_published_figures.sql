-- `incoming`: the project's own reference data (sr_pipeline/reference/).
INSERT INTO core.published_figures BY NAME
SELECT * FROM incoming
