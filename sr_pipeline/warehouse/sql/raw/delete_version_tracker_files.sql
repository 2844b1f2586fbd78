-- An earlier reading of a version read again (its reading digest changed).
DELETE FROM raw.tracker_files WHERE sha256 = $sha256
