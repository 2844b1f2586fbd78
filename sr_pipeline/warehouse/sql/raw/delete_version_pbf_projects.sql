-- An earlier reading of a version read again (its reading digest changed).
DELETE FROM raw.pbf_projects WHERE sha256 = $sha256
