INSERT INTO raw.tracker_files (
    sha256, fund, source_file, report_date, revision, refused, refused_code, refused_params,
    rows_read, rows_accepted, rows_rejected, rule_flags, reading_digest
)
VALUES (
    $sha256, $fund, $source_file, $report_date, $revision, $refused, $refused_code,
    $refused_params, $rows_read, $rows_accepted, $rows_rejected, $rule_flags, $reading_digest
)
