-- One version's reading notes, in the order the reader listed them (rowid: insertion order).
SELECT fund, source_file, sheet, source_row, excel_column, header, note_code, note_params, note
FROM raw.reading_notes
WHERE sha256 = $sha256
ORDER BY rowid
