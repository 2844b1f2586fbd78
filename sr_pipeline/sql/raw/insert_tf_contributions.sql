-- `incoming`: the reader's DataFrame for one tracker version, with its sha256.
INSERT INTO raw.tf_contributions BY NAME
SELECT * FROM incoming
