DELETE FROM core.published_figures
