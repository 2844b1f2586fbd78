-- The tracker versions behind a month's bulletin: the month's own, and the month before's
-- (what its changes compare with).
WITH versions AS (
    SELECT CAST($as_of AS DATE) AS month, fund, source_file, sha256, data_as_of
    FROM core.month_versions
    WHERE as_of = $as_of
    UNION ALL
    SELECT as_of AS month, fund, source_file, sha256, report_date AS data_as_of
    FROM core.versions_feeding([last_day(CAST($as_of AS DATE) - INTERVAL 1 MONTH)])
    WHERE accepted
)
SELECT * FROM versions
ORDER BY month DESC, core.fund_order(fund)
