-- The rule flags of the versions each month uses.
INSERT INTO dq.rule_flags
SELECT
    versions.fund, versions.source_file, flags.sheet, flags.source_row, flags.project_code,
    flags.rule, flags.detail, versions.as_of, versions.data_as_of,
    flags.field, flags.excel_column, flags.header, flags.detail_code,
    flags.detail_params
FROM core.month_versions AS versions
JOIN raw.rule_flags AS flags ON flags.sha256 = versions.sha256
WHERE list_contains($months, versions.as_of)
ORDER BY versions.as_of, core.fund_order(versions.fund),
         flags.sheet, flags.source_row, flags.rule
