SELECT * FROM snapshots.projects
WHERE list_contains($months, as_of)
