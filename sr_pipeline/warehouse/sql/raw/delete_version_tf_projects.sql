-- An earlier reading of a version read again (its reading digest changed).
DELETE FROM raw.tf_projects WHERE sha256 = $sha256
