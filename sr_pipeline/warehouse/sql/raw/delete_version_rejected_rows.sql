-- An earlier reading of a version read again (its reading digest changed).
DELETE FROM raw.rejected_rows WHERE sha256 = $sha256
