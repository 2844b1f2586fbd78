-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM marts.reconciliation
WHERE list_contains($months, as_of)
