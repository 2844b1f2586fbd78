DELETE FROM marts.data_quality
