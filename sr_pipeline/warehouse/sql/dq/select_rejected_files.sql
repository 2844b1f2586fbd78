SELECT * FROM dq.rejected_files
WHERE list_contains($months, as_of)
