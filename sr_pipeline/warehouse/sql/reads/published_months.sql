-- The months the published warehouse holds, latest first.
SELECT as_of, count(*) AS projects, count(DISTINCT fund) AS funds
FROM snapshots.projects
GROUP BY as_of
ORDER BY as_of DESC
