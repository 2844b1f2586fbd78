SELECT as_of, fund, data_as_of, source_file, revision
FROM core.month_versions
WHERE list_contains($months, as_of)
ORDER BY as_of, core.fund_order(fund)
