-- The month's rows of marts.budget_breakdown, for the Excel export.
SELECT * FROM marts.budget_breakdown
WHERE as_of = $as_of
