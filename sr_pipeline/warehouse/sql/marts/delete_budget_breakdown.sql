-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM marts.budget_breakdown
WHERE list_contains($months, as_of)
