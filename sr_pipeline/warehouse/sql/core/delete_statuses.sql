DELETE FROM core.statuses
