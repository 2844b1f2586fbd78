DELETE FROM core.feedback_files WHERE sha256 = $sha256
