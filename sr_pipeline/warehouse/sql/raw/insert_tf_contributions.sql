-- `incoming`: the reader's DataFrame for one tracker version (its sha256 a column already).
INSERT INTO raw.tf_contributions BY NAME
SELECT * FROM incoming
