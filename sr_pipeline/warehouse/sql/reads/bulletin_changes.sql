-- A month's changes since the month before, every fund, in the mart's order.
SELECT fund, change, project_code, title, region, value, data_as_of, previous_data_as_of
FROM marts.monthly_changes
WHERE as_of = $as_of
ORDER BY core.fund_order(fund),
         core.change_order(change),
         project_code
