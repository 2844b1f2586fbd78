UPDATE core.month_builds SET dq_built = true
WHERE list_contains($months, as_of)
