-- The months' marts are built; the month after each changed too (its monthly changes
-- compare with them).
UPDATE core.month_builds
SET marts_built = marts_built OR list_contains($months, as_of), built_at = now()
WHERE list_contains($months, as_of) OR list_contains($months, last_day(as_of - INTERVAL 1 MONTH))
