-- One slice of a month's rows, for validation in bounded memory. Split on a hash of the key,
-- so that two rows with the same (fund, project_code) always fall in the same slice and the
-- schema's uniqueness check still sees them together.
SELECT * FROM snapshots.projects
WHERE as_of = $as_of AND hash(fund, project_code) % $parts = $part
