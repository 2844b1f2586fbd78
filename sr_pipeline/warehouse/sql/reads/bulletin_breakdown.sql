-- A month's pie-chart slices, every fund and dimension, largest first.
SELECT fund, dimension, category, budget_usd, share_pct, projects, data_as_of
FROM marts.budget_breakdown
WHERE as_of = $as_of
ORDER BY core.fund_order(fund), dimension, budget_usd DESC, category
