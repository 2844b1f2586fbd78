-- The month's rows of dq.rule_flags, for the Excel export.
SELECT * FROM dq.rule_flags
WHERE as_of = $as_of
