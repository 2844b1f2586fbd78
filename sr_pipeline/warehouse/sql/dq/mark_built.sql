UPDATE core.month_builds SET dq_built = true, built_at = now()
WHERE list_contains($months, as_of)
