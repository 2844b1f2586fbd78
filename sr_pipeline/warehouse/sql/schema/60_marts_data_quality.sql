-- marts.data_quality (its query: sql/marts/insert_data_quality.sql).
CREATE TABLE IF NOT EXISTS marts.data_quality (
    fund VARCHAR,
    report_date DATE,
    revision INTEGER,
    source_file VARCHAR NOT NULL,
    sha256 VARCHAR,
    refused VARCHAR,
    rows_read INTEGER,
    rows_loaded INTEGER,
    rows_rejected INTEGER,
    rows_flagged BIGINT,
    flags INTEGER,
    loaded_pct DOUBLE,
    feedback_file VARCHAR,
    status VARCHAR NOT NULL,
    in_folder BOOLEAN NOT NULL,
    superseded_by VARCHAR,
    months_used BIGINT NOT NULL,
    first_month_used DATE,
    last_month_used DATE,
    unknown_columns VARCHAR,
    reading_notes INTEGER
);
COMMENT ON TABLE marts.data_quality IS 'Data quality over time: one row per tracker version known (ever read, or in the trackers folder now): rows read, loaded, rejected and flagged, the feedback workbook sent back to the unit, which built months use it, and why a version was never read.';
COMMENT ON COLUMN marts.data_quality.fund IS 'QIP, TF or PBF (NULL when not even the fund is known from the file name).';
COMMENT ON COLUMN marts.data_quality.report_date IS 'The report date its file name states (NULL when the name states none).';
COMMENT ON COLUMN marts.data_quality.revision IS 'Its revision: 1 for a plain name, 2 for _rev/_corrigé, N for _vN.';
COMMENT ON COLUMN marts.data_quality.source_file IS 'The file name, without its folder.';
COMMENT ON COLUMN marts.data_quality.sha256 IS 'SHA-256 of the workbook bytes: the identity of the version (NULL when discovery refused the file unread).';
COMMENT ON COLUMN marts.data_quality.refused IS 'Why the whole file was refused (NULL when it was read, or not read yet).';
COMMENT ON COLUMN marts.data_quality.rows_read IS 'Data rows read (blank rows, region group headers and TOTAL rows are not data); NULL when the version was never read.';
COMMENT ON COLUMN marts.data_quality.rows_loaded IS 'Rows accepted into the warehouse (flagged rows included).';
COMMENT ON COLUMN marts.data_quality.rows_rejected IS 'Rows rejected by validation (each listed in dq.rejected_rows with its reasons).';
COMMENT ON COLUMN marts.data_quality.rows_flagged IS 'Loaded rows that breach a business rule (QIP cap, QIP duration, TF expenditure).';
COMMENT ON COLUMN marts.data_quality.flags IS 'Rule-flag lines (a row can breach several rules).';
COMMENT ON COLUMN marts.data_quality.loaded_pct IS 'rows_loaded / rows_read, in per cent: is the unit''s file improving?';
COMMENT ON COLUMN marts.data_quality.feedback_file IS 'The feedback workbook for this version, relative to the warehouse folder.';
COMMENT ON COLUMN marts.data_quality.status IS 'loaded; refused; superseded (a newer accepted version of the same report date, superseded_by, takes every month it would feed: read or not, it feeds none); copy (the same content as superseded_by under another name or folder: one version, read once as that file); not read yet (no month built needs it, e.g. dated after the months built).';
COMMENT ON COLUMN marts.data_quality.in_folder IS 'False when the file has since left the trackers folder (its rows stay in the warehouse; no new month will use it).';
COMMENT ON COLUMN marts.data_quality.superseded_by IS 'For a superseded version: the file that feeds its months instead; for a copy: the file it is a copy of.';
COMMENT ON COLUMN marts.data_quality.months_used IS 'Built months whose snapshot uses this version.';
COMMENT ON COLUMN marts.data_quality.first_month_used IS 'The first built month (as_of) that uses it.';
COMMENT ON COLUMN marts.data_quality.last_month_used IS 'The last built month (as_of) that uses it.';
COMMENT ON COLUMN marts.data_quality.unknown_columns IS 'Columns of the version the contract does not know, each with its sheet and column letter (a renamed column such as Monnaie for Devise shows here): kept as extras, never read as a field. NULL when none.';
COMMENT ON COLUMN marts.data_quality.reading_notes IS 'Lines the reader noted on the layout (unknown columns, subtotal rows read past, merged ranges counted for each row they cover), each in the unit''s feedback workbook; NULL when the version was never read.';
