-- Delete the data files DuckLake scheduled for deletion (those of expired snapshots) before
-- $scheduled_before: a reader still scanning a file gets a grace period.
CALL ducklake_cleanup_old_files('lake', older_than => $scheduled_before)
