-- Rebuilding a month replaces its changes and those of the month after it, whose baseline
-- it is (see insert_marts_monthly_changes.sql).
DELETE FROM marts.monthly_changes
WHERE list_contains($months, as_of)
    OR list_contains($months, last_day(as_of - INTERVAL 1 MONTH))
