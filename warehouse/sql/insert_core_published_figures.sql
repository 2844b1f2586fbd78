-- `incoming`: the project's own reference data (sources/).
INSERT INTO core.published_figures BY NAME
SELECT * FROM incoming
