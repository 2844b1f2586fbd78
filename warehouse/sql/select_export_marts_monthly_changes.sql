-- The month's rows of marts.monthly_changes, for the Excel export.
SELECT * FROM marts.monthly_changes
WHERE as_of = $as_of
