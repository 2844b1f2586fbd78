-- The month's rows of marts.bulletin_figures, for the Excel export.
SELECT * FROM marts.bulletin_figures
WHERE as_of = $as_of
