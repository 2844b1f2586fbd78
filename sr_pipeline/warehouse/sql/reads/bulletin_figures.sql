-- A month's headline figures, every fund, for the Main Figures box.
SELECT fund, figure, value, data_as_of, source_file
FROM marts.bulletin_figures
WHERE as_of = $as_of
ORDER BY core.fund_order(fund), figure
