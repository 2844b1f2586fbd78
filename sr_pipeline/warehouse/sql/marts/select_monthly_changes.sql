-- The months' changes per fund, counted (the detail is marts.monthly_changes itself).
SELECT
    as_of, fund,
    count(*) FILTER (WHERE change = 'approved') AS approved,
    count(*) FILTER (WHERE change = 'completed') AS completed,
    count(*) FILTER (WHERE change = 'cancelled') AS cancelled,
    count(*) FILTER (WHERE change = 'removed') AS removed,
    count(*) FILTER (WHERE change = 'rejected') AS rejected,
    round(sum(value) FILTER (WHERE change = 'budget_delta'), 2) AS budget_delta_usd,
    any_value(previous_data_as_of) AS previous_data_as_of,
    any_value(data_as_of) AS data_as_of
FROM marts.monthly_changes
WHERE list_contains($months, as_of)
GROUP BY as_of, fund
ORDER BY as_of, core.fund_order(fund)
