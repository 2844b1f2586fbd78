-- Versions already in raw, read with today's contract, reference lists and reader code: they
-- are not read again (a reading made with others is read again, and replaced), except under a
-- name stating another fund or report date (the name-dependent checks are made for each name).
SELECT sha256, refused, fund, report_date FROM raw.tracker_files
WHERE reading_digest = $reading_digest
