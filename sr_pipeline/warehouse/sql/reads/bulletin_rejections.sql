-- Per fund of a month: the version used, how many of its rows were rejected (a row with two
-- bad fields counts once) and the feedback workbook that lists them for the unit.
WITH rejected AS (
    SELECT fund, count(DISTINCT (source_file, sheet, source_row)) AS rows_rejected
    FROM dq.rejected_rows
    WHERE as_of = $as_of
    GROUP BY fund
)
SELECT
    versions.fund, versions.source_file, coalesce(rejected.rows_rejected, 0) AS rows_rejected,
    (SELECT min(quality.feedback_file) FROM marts.data_quality AS quality
     WHERE quality.sha256 = versions.sha256) AS feedback_file
FROM core.month_versions AS versions
LEFT JOIN rejected ON rejected.fund = versions.fund
WHERE versions.as_of = $as_of
ORDER BY core.fund_order(versions.fund)
