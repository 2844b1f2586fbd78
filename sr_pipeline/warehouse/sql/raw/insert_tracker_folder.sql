-- `incoming`: the files found in the trackers folder by this scan.
INSERT INTO raw.tracker_folder BY NAME
SELECT source_file, path, fund, report_date, revision, sha256, problem, copy_of FROM incoming
