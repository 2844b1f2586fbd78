-- `incoming`: the reader's notes on one tracker version's layout, with its sha256.
INSERT INTO raw.reading_notes BY NAME
SELECT * FROM incoming
