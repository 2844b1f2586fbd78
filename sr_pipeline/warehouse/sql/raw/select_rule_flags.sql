-- One version's rule flags, in the order the reader listed them (rowid: insertion order).
SELECT fund, source_file, sheet, source_row, project_code, rule, detail, field, detail_code,
       detail_params, excel_column, header
FROM raw.rule_flags
WHERE sha256 = $sha256
ORDER BY rowid
