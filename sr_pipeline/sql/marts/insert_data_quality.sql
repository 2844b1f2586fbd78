-- marts.data_quality: one row per tracker version known (every version ever read, and every
-- version in the folder now), so the section sees whether a unit's files improve, which
-- months each version feeds, and which versions were never needed. Refreshed whole at each
-- publication (and by the feedback step, which shows it).
INSERT INTO marts.data_quality
WITH flagged AS (
    SELECT sha256, count(DISTINCT (sheet, source_row)) AS rows_flagged
    FROM raw.rule_flags
    GROUP BY sha256
),
used AS (
    SELECT sha256, count(*) AS months_used, min(as_of) AS first_month_used,
           max(as_of) AS last_month_used
    FROM core.month_versions
    GROUP BY sha256
),
folder AS (
    SELECT * FROM core.version_spans WHERE report_date IS NOT NULL
),
read_versions AS (
    SELECT files.*, files.sha256 IN (SELECT sha256 FROM folder WHERE sha256 IS NOT NULL)
        AS in_folder
    FROM raw.tracker_files AS files
),
unread_versions AS (
    -- In the folder and never read: superseded (a newer accepted version of the same report
    -- date took its months), not needed yet by any month built, or refused at discovery.
    SELECT folder.sha256, folder.fund, folder.source_file, folder.report_date, folder.revision,
           folder.refusal AS refused, folder.feeds_until = folder.report_date AS superseded,
           folder.next_version
    FROM folder
    WHERE folder.sha256 IS NULL
        OR folder.sha256 NOT IN (SELECT sha256 FROM raw.tracker_files)
),
final AS (
    SELECT
        f.fund, f.report_date, f.revision, f.source_file, f.sha256, f.refused,
        f.rows_read, f.rows_accepted AS rows_loaded, f.rows_rejected,
        coalesce(flagged.rows_flagged, 0) AS rows_flagged, f.rule_flags AS flags,
        round(100.0 * f.rows_accepted / nullif(f.rows_read, 0), 1) AS loaded_pct,
        fb.feedback_file,
        CASE WHEN f.refused IS NULL THEN 'loaded' ELSE 'refused' END AS status,
        f.in_folder,
        CAST(NULL AS VARCHAR) AS superseded_by,
        coalesce(used.months_used, 0) AS months_used, used.first_month_used,
        used.last_month_used
    FROM read_versions AS f
    LEFT JOIN flagged USING (sha256)
    LEFT JOIN core.feedback_files AS fb USING (sha256)
    LEFT JOIN used USING (sha256)
    UNION ALL
    SELECT
        u.fund, u.report_date, u.revision, u.source_file, u.sha256, u.refused,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        CASE WHEN u.refused IS NOT NULL THEN 'refused'
             WHEN u.superseded THEN 'superseded'
             ELSE 'not read yet' END,
        true,
        CASE WHEN u.superseded THEN u.next_version END,
        0, NULL, NULL
    FROM unread_versions AS u
)
SELECT * FROM final
ORDER BY core.fund_order(fund), report_date, revision, source_file
