-- The project codes of one version's accepted rows (a suggested code must not be one).
SELECT project_code FROM core.projects WHERE sha256 = $sha256
