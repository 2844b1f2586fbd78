-- A month's rows of one public table ($table: a name from the export's fixed list), for the
-- Excel export. query_table() takes the name as a bound value: nothing is formatted in.
SELECT * FROM query_table($table)
WHERE as_of = $as_of
