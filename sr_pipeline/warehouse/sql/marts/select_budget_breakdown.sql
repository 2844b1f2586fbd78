-- The latest month of the run's pie charts.
SELECT fund, dimension, category, round(budget_usd) AS budget_usd,
       round(share_pct, 1) AS share_pct, projects
FROM marts.budget_breakdown
WHERE as_of = (SELECT max(m) FROM (SELECT unnest($months) AS m))
