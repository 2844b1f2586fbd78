-- How many problems of each kind the month's trackers have.
SELECT 'rejected rows', count(*) FROM dq.rejected_rows WHERE as_of = $as_of
UNION ALL SELECT 'rejected files', count(*) FROM dq.rejected_files WHERE as_of = $as_of
UNION ALL SELECT 'rule flags', count(*) FROM dq.rule_flags WHERE as_of = $as_of
