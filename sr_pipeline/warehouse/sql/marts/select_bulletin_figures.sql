-- The latest month of the run, as the bulletin would print it.
SELECT fund, figure, round(value, 2) AS value, data_as_of, source_file
FROM marts.bulletin_figures
WHERE as_of = (SELECT max(m) FROM (SELECT unnest($months) AS m))
