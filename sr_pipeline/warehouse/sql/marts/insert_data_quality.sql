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
notes AS (
    SELECT
        sha256, count(*) AS reading_notes,
        string_agg(
            CASE WHEN note_code IN ('unknown_column', 'unnamed_column')
                 THEN sheet || ' ' || excel_column || ': '
                      || coalesce(nullif(header, ''), '(no header)') END,
            '; ' ORDER BY sheet, length(excel_column), excel_column
        ) AS unknown_columns
    FROM raw.reading_notes
    GROUP BY sha256
),
folder AS (
    -- Tracker versions, and files named as a fund's tracker but refused before any date
    -- could be trusted (a month not written as the contract writes it, a year typed 2081).
    SELECT * FROM core.version_spans
    WHERE report_date IS NOT NULL OR (fund IS NOT NULL AND refusal IS NOT NULL)
),
superseded AS (
    -- A version read whose every month goes to a newer accepted version of its report date.
    SELECT sha256, bool_and(coalesce(feeds_until = report_date, false)) AS superseded,
           min(next_version) AS next_version
    FROM folder
    WHERE sha256 IS NOT NULL
    GROUP BY sha256
),
read_versions AS (
    SELECT files.*, files.sha256 IN (SELECT sha256 FROM folder WHERE sha256 IS NOT NULL)
        AS in_folder
    FROM raw.tracker_files AS files
),
copies AS (
    SELECT * FROM raw.tracker_folder WHERE copy_of IS NOT NULL
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
        CASE WHEN f.refused IS NOT NULL THEN 'refused'
             WHEN f.in_folder AND s.superseded THEN 'superseded'
             ELSE 'loaded' END AS status,
        f.in_folder,
        CASE WHEN f.refused IS NULL AND f.in_folder AND s.superseded THEN s.next_version END
            AS superseded_by,
        coalesce(used.months_used, 0) AS months_used, used.first_month_used,
        used.last_month_used,
        notes.unknown_columns,
        coalesce(notes.reading_notes, 0) AS reading_notes
    FROM read_versions AS f
    LEFT JOIN flagged USING (sha256)
    LEFT JOIN core.feedback_files AS fb USING (sha256)
    LEFT JOIN used USING (sha256)
    LEFT JOIN superseded AS s USING (sha256)
    LEFT JOIN notes USING (sha256)
    UNION ALL
    SELECT
        u.fund, u.report_date, u.revision, u.source_file, u.sha256, u.refused,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        CASE WHEN u.refused IS NOT NULL THEN 'refused'
             WHEN u.superseded THEN 'superseded'
             ELSE 'not read yet' END,
        true,
        CASE WHEN u.superseded THEN u.next_version END,
        0, NULL, NULL, NULL, NULL
    FROM unread_versions AS u
    UNION ALL
    SELECT
        c.fund, c.report_date, c.revision, c.source_file, c.sha256, NULL,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        'copy', true, c.copy_of, 0, NULL, NULL, NULL, NULL
    FROM copies AS c
)
SELECT * FROM final
ORDER BY core.fund_order(fund), report_date, revision, source_file
