-- Months built since their last publication into the lake (or never published).
SELECT builds.as_of
FROM core.month_builds AS builds
LEFT JOIN lake.core.published_builds AS published ON published.as_of = builds.as_of
WHERE published.built_at IS DISTINCT FROM builds.built_at
ORDER BY builds.as_of
