-- `incoming`: the reader's DataFrame for one tracker version, with its sha256.
INSERT INTO raw.rejected_rows BY NAME
SELECT * FROM incoming
