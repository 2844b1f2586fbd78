UPDATE core.month_builds SET marts_built = true
WHERE list_contains($months, as_of)
