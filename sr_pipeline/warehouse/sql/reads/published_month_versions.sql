-- The version each fund's published month came from (for the months a run rebuilds): a run
-- that would replace it with an older one, or none, must say so.
SELECT as_of, fund, sha256, source_file, report_date, revision
FROM core.month_versions
WHERE list_contains($months, as_of)
ORDER BY as_of, core.fund_order(fund)
