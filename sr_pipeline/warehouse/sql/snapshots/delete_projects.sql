-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM snapshots.projects
WHERE list_contains($months, as_of)
