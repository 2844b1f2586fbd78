SELECT * FROM dq.rule_flags
WHERE list_contains($months, as_of)
