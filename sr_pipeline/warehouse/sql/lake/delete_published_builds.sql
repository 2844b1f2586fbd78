DELETE FROM lake.core.published_builds
