SELECT count(*) AS versions FROM marts.data_quality
