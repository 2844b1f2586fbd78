-- raw: what the reader accepted from each tracker version, as read, keyed by the file's
-- sha256. A version is loaded once and kept: rebuilding any month needs no re-read.
CREATE TABLE IF NOT EXISTS raw.tracker_files (
    sha256 VARCHAR NOT NULL,
    fund VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    report_date DATE NOT NULL,
    revision INTEGER NOT NULL,
    refused VARCHAR,
    refused_code VARCHAR,
    refused_params VARCHAR,
    rows_read INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    rule_flags INTEGER NOT NULL,
    reading_digest VARCHAR
);
-- A lake laid out before readings recorded their digest gains the column (its readings then
-- count as made with another digest).
ALTER TABLE raw.tracker_files ADD COLUMN IF NOT EXISTS reading_digest VARCHAR;
COMMENT ON TABLE raw.tracker_files IS 'Every tracker version read, once, by content (sha256): accepted, or refused with the reason.';
COMMENT ON COLUMN raw.tracker_files.sha256 IS 'SHA-256 of the workbook bytes: the identity of a version.';
COMMENT ON COLUMN raw.tracker_files.source_file IS 'File name when first read.';
COMMENT ON COLUMN raw.tracker_files.refused IS 'Why the whole file was refused; NULL when accepted.';
COMMENT ON COLUMN raw.tracker_files.refused_code IS 'The refusal as a stable message code (the feedback workbook renders it in the unit''s language).';
COMMENT ON COLUMN raw.tracker_files.refused_params IS 'The values the refusal sentence quotes, as JSON.';
COMMENT ON COLUMN raw.tracker_files.reading_digest IS 'SHA-256 of the contract, reference lists and reader code the version was read with: a reading made with others is read again (a spelling added or a rate corrected reaches the figures).';

CREATE TABLE IF NOT EXISTS raw.tracker_folder (
    source_file VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    fund VARCHAR,
    report_date DATE,
    revision INTEGER,
    sha256 VARCHAR,
    problem VARCHAR,
    copy_of VARCHAR
);
COMMENT ON TABLE raw.tracker_folder IS 'The trackers folder as last scanned: every file found, recognised or refused at discovery. Snapshots choose among these versions only.';
COMMENT ON COLUMN raw.tracker_folder.path IS 'Path relative to the trackers folder (SR_TRACKERS_DIR).';
COMMENT ON COLUMN raw.tracker_folder.problem IS 'Why discovery refused the file (unrecognised name, not .xlsx, a month not written as the contract writes it, a report date later than the day of reading, two different files claiming one version); NULL for a tracker version.';
COMMENT ON COLUMN raw.tracker_folder.copy_of IS 'For a file whose content is identical to a version of the same report date and revision under another name (an archived copy, a _v1 beside the plain name): that version''s file name. A copy is no version of its own: it is read once, as that version.';

CREATE TABLE IF NOT EXISTS raw.qip_projects (
    sha256 VARCHAR NOT NULL,
    project_code VARCHAR, title VARCHAR, region VARCHAR, locality VARCHAR, sector VARCHAR,
    partner VARCHAR, sponsor VARCHAR, budget DOUBLE, currency VARCHAR, budget_usd DOUBLE,
    approval_date DATE, start_date DATE, duration_months INTEGER, end_date DATE,
    status VARCHAR, remarks VARCHAR,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, extras VARCHAR
);
COMMENT ON TABLE raw.qip_projects IS 'Accepted rows of each QIP tracker version (canonical values: admin-1 region, English sector, canonical status, budget_usd converted).';
COMMENT ON COLUMN raw.qip_projects.extras IS 'Columns the unit added that the contract does not know, as JSON {header: value}.';

CREATE TABLE IF NOT EXISTS raw.tf_projects (
    sha256 VARCHAR NOT NULL,
    project_code VARCHAR, title VARCHAR, objective VARCHAR, region VARCHAR, partner VARCHAR,
    donor VARCHAR, budget DOUBLE, budget_usd DOUBLE, expenditure DOUBLE,
    approval_date DATE, start_date DATE, end_date DATE, status VARCHAR,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, extras VARCHAR
);
COMMENT ON TABLE raw.tf_projects IS 'Accepted rows of each Trust Fund tracker version, sheet Projects (objective as 1-5).';

CREATE TABLE IF NOT EXISTS raw.tf_contributions (
    sha256 VARCHAR NOT NULL,
    donor VARCHAR, date_received DATE, amount DOUBLE, currency VARCHAR,
    usd_equivalent DOUBLE, earmarked_for VARCHAR, amount_usd DOUBLE, donor_key VARCHAR,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, extras VARCHAR
);
COMMENT ON TABLE raw.tf_contributions IS 'Accepted rows of each Trust Fund tracker version, sheet Contributions (amount_usd: the recorded USD equivalent, else converted at the reference rate of the month received: an approximate market average, reference/fx_rates.csv).';
COMMENT ON COLUMN raw.tf_contributions.donor_key IS 'Who the donor is: the name compared as headers are, a leading "the" ignored (the Netherlands = NETHERLANDS).';

CREATE TABLE IF NOT EXISTS raw.pbf_projects (
    sha256 VARCHAR NOT NULL,
    project_code VARCHAR, title VARCHAR, "window" VARCHAR, recipients VARCHAR, regions VARCHAR,
    budget DOUBLE, budget_usd DOUBLE, start_date DATE, duration_months INTEGER,
    end_date DATE, status VARCHAR,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, extras VARCHAR
);
COMMENT ON TABLE raw.pbf_projects IS 'Accepted rows of each PBF tracker version (regions and recipients ''; ''-joined; the Secrétariat line included).';

CREATE TABLE IF NOT EXISTS raw.rejected_rows (
    sha256 VARCHAR NOT NULL,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, project_code VARCHAR,
    field VARCHAR, value VARCHAR, problem VARCHAR,
    problem_code VARCHAR, problem_params VARCHAR, excel_column VARCHAR, header VARCHAR,
    suggestion VARCHAR
);
COMMENT ON TABLE raw.rejected_rows IS 'Rows of each tracker version rejected by validation, one line per problem.';

CREATE TABLE IF NOT EXISTS raw.rule_flags (
    sha256 VARCHAR NOT NULL,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, project_code VARCHAR,
    rule VARCHAR, detail VARCHAR,
    field VARCHAR, detail_code VARCHAR, detail_params VARCHAR, excel_column VARCHAR, header VARCHAR
);
COMMENT ON TABLE raw.rule_flags IS 'Business-rule breaches of accepted rows of each tracker version (the row still counts).';

CREATE TABLE IF NOT EXISTS raw.reading_notes (
    sha256 VARCHAR NOT NULL,
    fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, excel_column VARCHAR,
    header VARCHAR, note_code VARCHAR, note_params VARCHAR, note VARCHAR
);
COMMENT ON TABLE raw.reading_notes IS 'What the reader did with each tracker version''s layout that the unit should know, the rows being read all the same: a column the contract does not know (note_code unknown_column, unnamed_column), a total row read past as a subtotal (subtotal_row), a merged range whose value counts for every row it covers (merged_cells).';
COMMENT ON COLUMN raw.reading_notes.source_row IS 'The Excel row the note is about (an unknown column: its header row); NULL when about no row.';
COMMENT ON COLUMN raw.reading_notes.note_code IS 'The note as a stable message code (the feedback workbook renders it in the unit''s language from note_params).';
COMMENT ON COLUMN raw.reading_notes.note IS 'The note in English.';
