-- Tracker files dated within the month (or with no readable date) that feed none of its
-- figures: superseded by a newer revision, copies of a version under another name, refused.
-- The page lists them, so that a version nobody used is never invisible.
SELECT fund, source_file, status, superseded_by, refused
FROM marts.data_quality
WHERE status IN ('superseded', 'copy', 'refused')
    AND in_folder
    AND (report_date IS NULL
         OR report_date BETWEEN last_day(CAST($as_of AS DATE) - INTERVAL 1 MONTH) + 1
                            AND CAST($as_of AS DATE))
ORDER BY core.fund_order(fund), report_date, revision, source_file
