-- The month's rows of dq.rejected_rows, for the Excel export.
SELECT * FROM dq.rejected_rows
WHERE as_of = $as_of
