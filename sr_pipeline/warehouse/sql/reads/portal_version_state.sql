-- A tracker version as the portal shows a clerk where it stands: read (and refused?) by a
-- build, the months whose snapshot uses it, the bulletins rendered from it.
WITH read AS (
    SELECT sha256, refused FROM raw.tracker_files WHERE sha256 = $sha256
),
months AS (
    SELECT list(DISTINCT as_of) AS months FROM core.month_versions WHERE sha256 = $sha256
),
bulletins AS (
    SELECT list(DISTINCT as_of) AS bulletins
    FROM marts.publications
    WHERE list_contains(
          list_transform(list_filter(tracker_versions, v -> v.month = as_of), v -> v.sha256),
          $sha256
      )
)
SELECT read.sha256, read.refused, months.months, bulletins.bulletins
FROM read, months, bulletins
