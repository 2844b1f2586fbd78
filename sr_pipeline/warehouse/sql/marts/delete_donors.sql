-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM marts.donors
WHERE list_contains($months, as_of)
