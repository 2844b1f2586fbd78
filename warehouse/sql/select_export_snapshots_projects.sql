-- The month's rows of snapshots.projects, for the Excel export.
SELECT * FROM snapshots.projects
WHERE as_of = $as_of
