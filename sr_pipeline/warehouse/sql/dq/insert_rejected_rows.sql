-- The rejected rows of the versions each month uses.
INSERT INTO dq.rejected_rows
SELECT
    versions.fund, versions.source_file, rejected.sheet, rejected.source_row,
    rejected.project_code, rejected.field, rejected.value, rejected.problem,
    versions.as_of, versions.data_as_of,
    rejected.excel_column, rejected.header, rejected.problem_code,
    rejected.problem_params, rejected.suggestion
FROM core.month_versions AS versions
JOIN raw.rejected_rows AS rejected ON rejected.sha256 = versions.sha256
WHERE list_contains($months, versions.as_of)
ORDER BY versions.as_of, core.fund_order(versions.fund),
         rejected.sheet, rejected.source_row, rejected.field
