-- Tracker files that touch the month but feed none of its figures: superseded by a newer
-- revision, copies of a version under another name, refused. A file touches the month when
-- it is dated within it, or on the report date of a version the month shows (the PBF's
-- February tracker in June), or when it has no readable date at all. The page lists them, so
-- that a version nobody used is never invisible.
SELECT fund, source_file, status, superseded_by, refused
FROM marts.data_quality
WHERE status IN ('superseded', 'copy', 'refused')
    AND in_folder
    AND (report_date IS NULL
         OR report_date BETWEEN last_day(CAST($as_of AS DATE) - INTERVAL 1 MONTH) + 1
                            AND CAST($as_of AS DATE)
         OR (fund, report_date) IN (
             SELECT (fund, data_as_of) FROM core.month_versions WHERE as_of = $as_of
         ))
ORDER BY core.fund_order(fund), report_date, revision, source_file
