DELETE FROM sr.core.published_builds
