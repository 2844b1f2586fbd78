-- An earlier reading of a version read again (its reading digest changed, or a forced re-read).
DELETE FROM raw.reading_notes WHERE sha256 = $sha256
