-- The rows of each month the run built: how many slices its validation takes.
SELECT as_of, count(*) AS projects
FROM snapshots.projects
WHERE list_contains($months, as_of)
GROUP BY as_of
ORDER BY as_of
