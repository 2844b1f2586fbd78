-- One version's rows of one raw table ($table: from a fixed list), to copy them.
SELECT * FROM query_table($table)
WHERE sha256 = $sha256
