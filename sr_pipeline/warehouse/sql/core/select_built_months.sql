-- The months this work database has a snapshot of (a publication must hold every month the
-- one it replaces held).
SELECT as_of FROM core.month_builds ORDER BY as_of
