-- A month's figures, for python -m sr_pipeline.figures.
SELECT fund, figure, value, data_as_of, source_file
FROM marts.bulletin_figures
WHERE as_of = $as_of
ORDER BY fund, figure
