-- One version's rejections, in the order the reader listed them (rowid: insertion order).
SELECT fund, source_file, sheet, source_row, project_code, field, value, problem,
       problem_code, problem_params, excel_column, header, suggestion
FROM raw.rejected_rows
WHERE sha256 = $sha256
ORDER BY rowid
