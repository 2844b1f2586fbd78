SELECT * FROM dq.rejected_rows
WHERE list_contains($months, as_of)
