-- Months a failed run left with a new snapshot but old marts or dq.
SELECT as_of FROM core.month_builds
WHERE NOT (marts_built AND dq_built)
ORDER BY as_of
