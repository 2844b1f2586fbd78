DELETE FROM core.breakdown_categories
