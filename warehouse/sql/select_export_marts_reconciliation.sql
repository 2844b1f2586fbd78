-- The month's rows of marts.reconciliation, for the Excel export.
SELECT * FROM marts.reconciliation
WHERE as_of = $as_of
