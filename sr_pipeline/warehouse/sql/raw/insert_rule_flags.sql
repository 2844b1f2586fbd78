-- `incoming`: the reader's DataFrame for one tracker version, with its sha256.
INSERT INTO raw.rule_flags BY NAME
SELECT * FROM incoming
