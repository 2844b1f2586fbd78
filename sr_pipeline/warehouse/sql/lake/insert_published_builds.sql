INSERT INTO lake.core.published_builds
SELECT as_of, built_at FROM core.month_builds
