-- `incoming`: the reader's DataFrame for one tracker version, with its sha256.
INSERT INTO raw.pbf_projects BY NAME
SELECT * FROM incoming
