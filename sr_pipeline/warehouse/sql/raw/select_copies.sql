-- The files in the trackers folder whose content is this version's under another name.
SELECT path
FROM raw.tracker_folder
WHERE sha256 = $sha256 AND copy_of IS NOT NULL
ORDER BY path
