-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM dq.rule_flags
WHERE list_contains($months, as_of)
