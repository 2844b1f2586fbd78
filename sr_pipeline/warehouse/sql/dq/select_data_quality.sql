-- marts.data_quality for the asset's metadata.
SELECT fund, report_date, revision, source_file, status, rows_read, rows_loaded, rows_rejected,
       rows_flagged, refused IS NOT NULL AS refused, superseded_by, unknown_columns,
       feedback_file
FROM marts.data_quality
