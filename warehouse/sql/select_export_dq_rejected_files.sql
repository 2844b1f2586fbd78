-- The month's rows of dq.rejected_files, for the Excel export.
SELECT * FROM dq.rejected_files
WHERE as_of = $as_of
