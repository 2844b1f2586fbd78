-- core: the funds conformed to one shape, the reference data the marts group by, the
-- published figures, and which tracker version each month uses.
CREATE TABLE IF NOT EXISTS core.regions (
    region VARCHAR NOT NULL,
    pcode VARCHAR,
    region_group VARCHAR NOT NULL
);
COMMENT ON TABLE core.regions IS 'The gazetteer (sources/reference/regions.csv): admin-1 region (or National), OCHA P-code, bulletin reporting group.';

CREATE TABLE IF NOT EXISTS core.statuses (
    status VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
COMMENT ON TABLE core.statuses IS 'The canonical project statuses (sources/reference/statuses.csv).';

CREATE TABLE IF NOT EXISTS core.breakdown_categories (
    fund VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
COMMENT ON TABLE core.breakdown_categories IS 'Every category of every pie chart, per fund and dimension, in the bulletin''s order (from sources/reference).';

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
COMMENT ON TABLE core.published_figures IS 'Figures printed in the bulletins, as data (sources/published/bulletin-<n>-<YYYY-MM>.csv).';
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
COMMENT ON TABLE core.month_versions IS 'The tracker version each monthly snapshot uses, per fund: the latest accepted version (highest revision) whose report date is on or before as_of.';

CREATE OR REPLACE VIEW core.projects AS
SELECT sha256, 'QIP' AS fund, project_code, title, status, budget_usd, approval_date,
       start_date, end_date, partner, region, sector AS category, source_row
FROM raw.qip_projects
UNION ALL
SELECT sha256, 'TF' AS fund, project_code, title, status, budget_usd, approval_date,
       start_date, end_date, partner, region, objective AS category, source_row
FROM raw.tf_projects
UNION ALL
SELECT sha256, 'PBF' AS fund, project_code, title, status, budget_usd,
       CAST(NULL AS DATE) AS approval_date, start_date, end_date, recipients AS partner,
       regions AS region, "window" AS category, source_row
FROM raw.pbf_projects;
COMMENT ON VIEW core.projects IS 'Every accepted project row of every tracker version, in one shape for all funds (category: QIP sector, TF objective, PBF window; PBF partner: its recipients).';

CREATE OR REPLACE VIEW core.contributions AS
SELECT sha256, donor, date_received, amount_usd, earmarked_for, source_row
FROM raw.tf_contributions;
COMMENT ON VIEW core.contributions IS 'Trust Fund contributions of every tracker version, in USD.';

CREATE TABLE IF NOT EXISTS core.month_builds (
    as_of DATE NOT NULL,
    marts_built BOOLEAN NOT NULL,
    dq_built BOOLEAN NOT NULL
);
COMMENT ON TABLE core.month_builds IS 'Months whose snapshot is built, and whether their marts and dq were rebuilt from it since; publishing completes any pending month first.';

CREATE TABLE IF NOT EXISTS core.schema_digest (
    digest VARCHAR NOT NULL
);
COMMENT ON TABLE core.schema_digest IS 'SHA-256 of the DDL scripts last applied (warehouse/sql/ddl/): they are re-applied only when they change.';
