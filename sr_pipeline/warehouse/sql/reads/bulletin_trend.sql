-- Completed and ongoing projects per fund for every month built up to $as_of (the trend
-- since the mission's start; a month never built has no row).
SELECT as_of, fund, figure, value
FROM marts.bulletin_figures
WHERE as_of <= $as_of
  AND figure IN ('projects_completed', 'projects_ongoing')
ORDER BY as_of, core.fund_order(fund), figure
