-- Rebuilding a month replaces it: rerunnable and idempotent.
DELETE FROM marts.bulletin_figures
WHERE list_contains($months, as_of)
