-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM core.month_versions
WHERE list_contains($months, as_of)
