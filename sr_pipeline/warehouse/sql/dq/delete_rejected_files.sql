-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM dq.rejected_files
WHERE list_contains($months, as_of)
