-- `incoming`: the reader's DataFrame for one tracker version; $sha256 names the version.
INSERT INTO raw.rule_flags BY NAME
SELECT *, $sha256 AS sha256 FROM incoming
