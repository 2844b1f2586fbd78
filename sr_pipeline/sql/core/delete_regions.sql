DELETE FROM core.regions
