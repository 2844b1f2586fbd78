-- The months among $months that have figures to render (a backfill skips the others).
SELECT DISTINCT as_of FROM marts.bulletin_figures
WHERE list_contains($months, as_of)
ORDER BY as_of
