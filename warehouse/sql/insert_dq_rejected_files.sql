-- A refused file shows in the months it would have fed had it been accepted: from its report
-- date until a newer accepted version of its fund takes over. Files without a report date
-- (unrecognised names, other formats) show in every month.
INSERT INTO dq.rejected_files
WITH months AS (
    SELECT unnest($months) AS as_of
),
refusals AS (
    SELECT folder.source_file, folder.fund, folder.report_date, folder.revision,
           coalesce(folder.problem, files.refused) AS problem
    FROM raw.tracker_folder AS folder
    LEFT JOIN raw.tracker_files AS files ON files.sha256 = folder.sha256
    WHERE folder.problem IS NOT NULL OR files.refused IS NOT NULL
)
SELECT refusals.source_file, refusals.fund, refusals.problem, months.as_of
FROM months
JOIN refusals
    ON refusals.report_date IS NULL
    OR (
        refusals.report_date <= months.as_of
        AND NOT EXISTS (
            SELECT 1 FROM core.month_versions AS versions
            WHERE versions.as_of = months.as_of AND versions.fund = refusals.fund
                AND (
                    versions.report_date > refusals.report_date
                    OR (versions.report_date = refusals.report_date
                        AND versions.revision > refusals.revision)
                )
        )
    )
ORDER BY months.as_of, refusals.source_file
