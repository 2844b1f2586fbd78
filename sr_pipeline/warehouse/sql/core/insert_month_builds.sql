-- A rebuilt snapshot leaves the month's marts and dq pending until they are rebuilt.
INSERT INTO core.month_builds
SELECT unnest($months) AS as_of, false AS marts_built, false AS dq_built, now() AS built_at
