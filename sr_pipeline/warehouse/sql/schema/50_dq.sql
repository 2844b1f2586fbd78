CREATE TABLE IF NOT EXISTS dq.rejected_rows (
    fund VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    sheet VARCHAR,
    source_row INTEGER,
    project_code VARCHAR,
    field VARCHAR,
    value VARCHAR,
    problem VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    data_as_of DATE NOT NULL,
    excel_column VARCHAR,
    header VARCHAR,
    problem_code VARCHAR,
    problem_params VARCHAR,
    suggestion VARCHAR
);
COMMENT ON TABLE dq.rejected_rows IS 'Rows of the tracker versions a month uses that failed validation and count in no figure; one line per problem (a row with two bad fields has two lines).';
COMMENT ON COLUMN dq.rejected_rows.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN dq.rejected_rows.source_file IS 'Tracker file name, without folder.';
COMMENT ON COLUMN dq.rejected_rows.sheet IS 'Sheet name as in the workbook.';
COMMENT ON COLUMN dq.rejected_rows.source_row IS 'Excel row number, 1-based.';
COMMENT ON COLUMN dq.rejected_rows.project_code IS 'The row''s project code as written, when there is one.';
COMMENT ON COLUMN dq.rejected_rows.field IS 'The field at fault.';
COMMENT ON COLUMN dq.rejected_rows.value IS 'The value as written in the cell.';
COMMENT ON COLUMN dq.rejected_rows.problem IS 'What is wrong, in a sentence the fund unit can act on.';
COMMENT ON COLUMN dq.rejected_rows.as_of IS 'The monthly snapshot that uses this tracker version.';
COMMENT ON COLUMN dq.rejected_rows.data_as_of IS 'Report date of the tracker version.';
COMMENT ON COLUMN dq.rejected_rows.excel_column IS 'Column letter of the field in the sheet.';
COMMENT ON COLUMN dq.rejected_rows.header IS 'The header of that column as written in the workbook.';
COMMENT ON COLUMN dq.rejected_rows.problem_code IS 'The problem as a stable code (for feedback in the unit''s language).';
COMMENT ON COLUMN dq.rejected_rows.problem_params IS 'The values the problem sentence quotes, as JSON.';
COMMENT ON COLUMN dq.rejected_rows.suggestion IS 'A likely correction (the nearest gazetteer or vocabulary entry, the day-first reading of a date, the number in a text amount, a well-formed code), never applied; NULL when none is clearly likely. The feedback workbook shows it in the unit''s language.';

CREATE TABLE IF NOT EXISTS dq.rejected_files (
    source_file VARCHAR NOT NULL,
    fund VARCHAR,
    problem VARCHAR NOT NULL,
    as_of DATE NOT NULL
);
COMMENT ON TABLE dq.rejected_files IS 'Files in the trackers folder that are not (usable) tracker versions. A refused version is listed for the months it would have fed; the month falls back to the latest accepted version. Files with no report date are listed for every month.';
COMMENT ON COLUMN dq.rejected_files.source_file IS 'File name, without folder.';
COMMENT ON COLUMN dq.rejected_files.fund IS 'QIP, TF or PBF; NULL when not even that is known.';
COMMENT ON COLUMN dq.rejected_files.problem IS 'Why the file was refused, in a sentence the fund unit can act on.';
COMMENT ON COLUMN dq.rejected_files.as_of IS 'The monthly snapshot the refusal affects.';

CREATE TABLE IF NOT EXISTS dq.rule_flags (
    fund VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    sheet VARCHAR,
    source_row INTEGER,
    project_code VARCHAR,
    rule VARCHAR NOT NULL,
    detail VARCHAR,
    as_of DATE NOT NULL,
    data_as_of DATE NOT NULL,
    field VARCHAR,
    excel_column VARCHAR,
    header VARCHAR,
    detail_code VARCHAR,
    detail_params VARCHAR
);
COMMENT ON TABLE dq.rule_flags IS 'Business-rule breaches in the tracker versions a month uses (budget_over_cap, duration_over_6_months, expenditure_over_budget): the row is loaded and counted, the unit should check it.';
COMMENT ON COLUMN dq.rule_flags.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN dq.rule_flags.source_file IS 'Tracker file name, without folder.';
COMMENT ON COLUMN dq.rule_flags.sheet IS 'Sheet name as in the workbook.';
COMMENT ON COLUMN dq.rule_flags.source_row IS 'Excel row number, 1-based.';
COMMENT ON COLUMN dq.rule_flags.project_code IS 'The row''s project code.';
COMMENT ON COLUMN dq.rule_flags.rule IS 'The business rule breached.';
COMMENT ON COLUMN dq.rule_flags.detail IS 'The breach, in a sentence the fund unit can act on.';
COMMENT ON COLUMN dq.rule_flags.as_of IS 'The monthly snapshot that uses this tracker version.';
COMMENT ON COLUMN dq.rule_flags.data_as_of IS 'Report date of the tracker version.';
COMMENT ON COLUMN dq.rule_flags.field IS 'The field the rule is about.';
COMMENT ON COLUMN dq.rule_flags.excel_column IS 'Column letter of the field in the sheet.';
COMMENT ON COLUMN dq.rule_flags.header IS 'The header of that column as written in the workbook.';
COMMENT ON COLUMN dq.rule_flags.detail_code IS 'The breach as a stable code (for feedback in the unit''s language).';
COMMENT ON COLUMN dq.rule_flags.detail_params IS 'The values the detail sentence quotes, as JSON.';
