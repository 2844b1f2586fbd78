SELECT
    (SELECT count(*) FROM raw.tracker_files WHERE refused IS NULL) AS versions,
    (SELECT count(*) FROM core.projects) AS project_rows
