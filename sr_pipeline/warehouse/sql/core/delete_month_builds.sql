DELETE FROM core.month_builds
WHERE list_contains($months, as_of)
