-- Stale: the tracker's report date is before the last day of the month `months_back`
-- months before as_of (June 2018 with February data: stale).
SELECT as_of, fund, data_as_of, source_file
FROM core.month_versions
WHERE list_contains($months, as_of)
    AND data_as_of < last_day(as_of - to_months($months_back))
ORDER BY as_of, core.fund_order(fund)
