INSERT INTO core.feedback_files (sha256, fund, source_file, feedback_file, problems)
VALUES ($sha256, $fund, $source_file, $feedback_file, $problems)
