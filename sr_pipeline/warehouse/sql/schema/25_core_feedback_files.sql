-- Feedback workbooks written for the fund units (marts.data_quality reads it).
CREATE TABLE IF NOT EXISTS core.feedback_files (
    sha256 VARCHAR NOT NULL,
    fund VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    feedback_file VARCHAR NOT NULL,
    problems INTEGER NOT NULL
);
COMMENT ON TABLE core.feedback_files IS 'The feedback workbook written for each tracker version (feedback/<fund>/<name>_feedback.xlsx beside the warehouse file).';
COMMENT ON COLUMN core.feedback_files.feedback_file IS 'Path of the feedback workbook, relative to the warehouse folder.';
COMMENT ON COLUMN core.feedback_files.problems IS 'Lines on its summary sheet: rejections, flags, or 1 for a refused file.';
