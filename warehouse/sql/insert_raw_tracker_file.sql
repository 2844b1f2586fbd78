INSERT INTO raw.tracker_files (
    sha256, fund, source_file, report_date, revision, refused,
    rows_read, rows_accepted, rows_rejected, rule_flags
)
VALUES (
    $sha256, $fund, $source_file, $report_date, $revision, $refused,
    $rows_read, $rows_accepted, $rows_rejected, $rule_flags
)
