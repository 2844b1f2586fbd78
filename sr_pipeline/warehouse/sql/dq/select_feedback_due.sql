-- Tracker versions in the folder that were loaded into raw, with the feedback file recorded
-- for them (NULL when none was written yet).
SELECT t.sha256, t.fund, t.source_file, folder.path, fb.feedback_file
FROM raw.tracker_files AS t
JOIN raw.tracker_folder AS folder USING (sha256)
LEFT JOIN core.feedback_files AS fb USING (sha256)
WHERE folder.copy_of IS NULL
ORDER BY t.fund, t.report_date, t.revision
