-- Versions already in raw, read with today's contract, reference lists and reader code: they
-- are never read again (a reading made with others is read again, and replaced).
SELECT sha256, refused FROM raw.tracker_files WHERE reading_digest = $reading_digest
