-- Versions already in raw: they are never read again.
SELECT sha256, refused FROM raw.tracker_files
