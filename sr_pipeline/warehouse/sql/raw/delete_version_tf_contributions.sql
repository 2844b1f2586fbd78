-- An earlier reading of a version read again (its reading digest changed).
DELETE FROM raw.tf_contributions WHERE sha256 = $sha256
