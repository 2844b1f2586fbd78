-- One version's record: counts and refusal (for its feedback workbook).
SELECT * FROM raw.tracker_files WHERE sha256 = $sha256
