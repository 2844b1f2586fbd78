-- marts.data_quality: one row per tracker version known (every version ever read, and every
-- version in the folder now), so the section sees whether a unit's files improve, which
-- months each version feeds, and which versions were never needed.
CREATE OR REPLACE VIEW marts.data_quality AS
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
ORDER BY core.fund_order(fund), report_date, revision, source_file;
COMMENT ON VIEW marts.data_quality IS 'Data quality over time: one row per tracker version known (ever read, or in the trackers folder now): rows read, loaded, rejected and flagged, the feedback workbook sent back to the unit, which built months use it, and why a version was never read.';
COMMENT ON COLUMN marts.data_quality.refused IS 'Why the whole file was refused (NULL when it was read, or not read yet).';
COMMENT ON COLUMN marts.data_quality.rows_read IS 'Data rows read (blank rows, region group headers and TOTAL rows are not data); NULL when the version was never read.';
COMMENT ON COLUMN marts.data_quality.rows_loaded IS 'Rows accepted into the warehouse (flagged rows included).';
COMMENT ON COLUMN marts.data_quality.rows_rejected IS 'Rows rejected by validation (each listed in dq.rejected_rows with its reasons).';
COMMENT ON COLUMN marts.data_quality.rows_flagged IS 'Loaded rows that breach a business rule (QIP cap, QIP duration, TF expenditure).';
COMMENT ON COLUMN marts.data_quality.flags IS 'Rule-flag lines (a row can breach several rules).';
COMMENT ON COLUMN marts.data_quality.loaded_pct IS 'rows_loaded / rows_read, in per cent: is the unit''s file improving?';
COMMENT ON COLUMN marts.data_quality.feedback_file IS 'The feedback workbook for this version, relative to the warehouse folder.';
COMMENT ON COLUMN marts.data_quality.status IS 'loaded; refused; superseded (never read: a newer accepted version of the same report date took its months); not read yet (no month built needs it).';
COMMENT ON COLUMN marts.data_quality.in_folder IS 'False when the file has since left the trackers folder (its rows stay in the warehouse; no new month will use it).';
COMMENT ON COLUMN marts.data_quality.superseded_by IS 'For a superseded version: the file that feeds its months instead.';
COMMENT ON COLUMN marts.data_quality.months_used IS 'Built months whose snapshot uses this version.';
COMMENT ON COLUMN marts.data_quality.first_month_used IS 'The first built month (as_of) that uses it.';
COMMENT ON COLUMN marts.data_quality.last_month_used IS 'The last built month (as_of) that uses it.';
