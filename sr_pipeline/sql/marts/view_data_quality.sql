-- marts.data_quality: one row per tracker version read, so the section sees whether a
-- unit's files improve.
CREATE OR REPLACE VIEW marts.data_quality AS
WITH flagged AS (
    SELECT sha256, count(DISTINCT (sheet, source_row)) AS rows_flagged
    FROM raw.rule_flags
    GROUP BY sha256
)
SELECT
    f.fund,
    f.report_date,
    f.revision,
    f.source_file,
    f.sha256,
    f.refused,
    f.rows_read,
    f.rows_accepted AS rows_loaded,
    f.rows_rejected,
    coalesce(flagged.rows_flagged, 0) AS rows_flagged,
    f.rule_flags AS flags,
    round(100.0 * f.rows_accepted / nullif(f.rows_read, 0), 1) AS loaded_pct,
    fb.feedback_file
FROM raw.tracker_files AS f
LEFT JOIN flagged USING (sha256)
LEFT JOIN core.feedback_files AS fb USING (sha256)
ORDER BY f.fund, f.report_date, f.revision;
COMMENT ON VIEW marts.data_quality IS 'Data quality over time: per fund and tracker version loaded, rows read, loaded, rejected and flagged, and the feedback workbook sent back to the unit.';
COMMENT ON COLUMN marts.data_quality.refused IS 'Why the whole file was refused (NULL when it was read).';
COMMENT ON COLUMN marts.data_quality.rows_read IS 'Data rows read (blank rows, region group headers and TOTAL rows are not data).';
COMMENT ON COLUMN marts.data_quality.rows_loaded IS 'Rows accepted into the warehouse (flagged rows included).';
COMMENT ON COLUMN marts.data_quality.rows_rejected IS 'Rows rejected by validation (each listed in dq.rejected_rows with its reasons).';
COMMENT ON COLUMN marts.data_quality.rows_flagged IS 'Loaded rows that breach a business rule (QIP cap, QIP duration, TF expenditure).';
COMMENT ON COLUMN marts.data_quality.flags IS 'Rule-flag lines (a row can breach several rules).';
COMMENT ON COLUMN marts.data_quality.loaded_pct IS 'rows_loaded / rows_read, in per cent: is the unit''s file improving?';
COMMENT ON COLUMN marts.data_quality.feedback_file IS 'The feedback workbook for this version, relative to the warehouse folder.';
