-- In the lake only: the build of each month it holds (core.month_builds.built_at when it was
-- published), so that a publication replaces only the months rebuilt since.
CREATE TABLE IF NOT EXISTS lake.core.published_builds (
    as_of DATE NOT NULL,
    built_at TIMESTAMP WITH TIME ZONE NOT NULL
);
COMMENT ON TABLE lake.core.published_builds IS 'The build of each month the lake holds: the work database''s core.month_builds.built_at when it was published.';
