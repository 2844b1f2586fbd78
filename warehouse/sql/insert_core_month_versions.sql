-- FIGURES.md: per fund, the latest accepted version (highest revision) whose report date is
-- on or before the last day of the month. Only files in the folder now count; a refused file
-- is not a version.
INSERT INTO core.month_versions
WITH months AS (
    SELECT unnest($months) AS as_of
),
accepted AS (
    SELECT folder.fund, folder.sha256, folder.source_file, folder.report_date, folder.revision
    FROM raw.tracker_folder AS folder
    JOIN raw.tracker_files AS files ON files.sha256 = folder.sha256
    WHERE folder.problem IS NULL AND files.refused IS NULL
),
ranked AS (
    SELECT
        months.as_of, accepted.*,
        row_number() OVER (
            PARTITION BY months.as_of, accepted.fund
            ORDER BY accepted.report_date DESC, accepted.revision DESC, accepted.source_file
        ) AS rank
    FROM months
    JOIN accepted ON accepted.report_date <= months.as_of
)
SELECT as_of, fund, sha256, source_file, report_date, revision, report_date AS data_as_of
FROM ranked
WHERE rank = 1
ORDER BY as_of, list_position(['QIP', 'TF', 'PBF'], fund)
