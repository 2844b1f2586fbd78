-- core: the reference data the marts group by (funds, gazetteer, statuses, categories,
-- budget lines), the published figures, and which tracker version each built month uses.
-- The models over raw (all funds in one shape, version spans) are views in sql/core/.
CREATE TABLE IF NOT EXISTS core.funds (
    fund VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    abbreviation VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    category_dimension VARCHAR NOT NULL
);
COMMENT ON TABLE core.funds IS 'The funds, in the bulletin''s order (reference funds.csv): names, the unit''s working language, and what category means for the fund.';

CREATE TABLE IF NOT EXISTS core.budget_lines (
    fund VARCHAR NOT NULL,
    category VARCHAR NOT NULL
);
COMMENT ON TABLE core.budget_lines IS 'Categories that are budget lines, not projects (reference budget_lines.csv: the PBF Secrétariat): they count in budgets and breakdowns, in no project count.';

CREATE TABLE IF NOT EXISTS core.regions (
    region VARCHAR NOT NULL,
    pcode VARCHAR,
    region_group VARCHAR NOT NULL
);
COMMENT ON TABLE core.regions IS 'The gazetteer (reference regions.csv): admin-1 region (or National), OCHA P-code, bulletin reporting group.';

CREATE TABLE IF NOT EXISTS core.statuses (
    status VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
COMMENT ON TABLE core.statuses IS 'The canonical project statuses (reference statuses.csv).';

CREATE TABLE IF NOT EXISTS core.breakdown_categories (
    fund VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
COMMENT ON TABLE core.breakdown_categories IS 'Every category of every pie chart, per fund and dimension, in the bulletin''s order (from the reference data).';

CREATE TABLE IF NOT EXISTS core.published_figures (
    bulletin INTEGER NOT NULL,
    line INTEGER NOT NULL,
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    data_as_of DATE,
    figure VARCHAR NOT NULL,
    published DOUBLE NOT NULL,
    "precision" VARCHAR NOT NULL,
    printed VARCHAR,
    note VARCHAR
);
COMMENT ON TABLE core.published_figures IS 'Figures printed in the bulletins, as data (reference published/bulletin-<n>-<YYYY-MM>.csv).';
COMMENT ON COLUMN core.published_figures.line IS 'Line of the figure in its bulletin file (the order printed).';
COMMENT ON COLUMN core.published_figures.precision IS 'count: exact; millions_N: computed/1e6 rounded to N decimals equals published/1e6; percent_0: within 0.5 points.';

CREATE TABLE IF NOT EXISTS core.month_versions (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    report_date DATE NOT NULL,
    revision INTEGER NOT NULL,
    data_as_of DATE NOT NULL
);
COMMENT ON TABLE core.month_versions IS 'The tracker version each built monthly snapshot uses, per fund (from core.versions_feeding: the latest accepted version, highest revision, whose report date is on or before as_of).';

CREATE TABLE IF NOT EXISTS core.month_builds (
    as_of DATE NOT NULL,
    marts_built BOOLEAN NOT NULL,
    dq_built BOOLEAN NOT NULL,
    built_at TIMESTAMP WITH TIME ZONE NOT NULL
);
COMMENT ON TABLE core.month_builds IS 'Months whose snapshot is built, and whether their marts and dq were rebuilt from it since; publishing completes any pending month first.';
COMMENT ON COLUMN core.month_builds.built_at IS 'When a layer of the month was last rebuilt: a lake publication replaces the months whose built_at it has not published yet.';

CREATE TABLE IF NOT EXISTS core.schema_digest (
    digest VARCHAR NOT NULL
);
COMMENT ON TABLE core.schema_digest IS 'SHA-256 of the DDL scripts last applied (sr_pipeline/warehouse/sql/schema/ and the views and macros): they are re-applied only when they change.';
