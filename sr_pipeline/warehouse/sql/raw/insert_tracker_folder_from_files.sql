-- A folder holding exactly the versions read (a month rebuilt as published).
INSERT INTO raw.tracker_folder
SELECT source_file, source_file, fund, report_date, revision, sha256, NULL, NULL
FROM raw.tracker_files
