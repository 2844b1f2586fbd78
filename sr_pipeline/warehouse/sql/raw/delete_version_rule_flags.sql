-- An earlier reading of a version read again (its reading digest changed).
DELETE FROM raw.rule_flags WHERE sha256 = $sha256
