-- core.projects: every accepted project row of every tracker version, all funds in one
-- shape. Each fund's raw table is renamed into the shared columns: `category` is what the
-- fund breaks its budget down by (funds.csv: QIP sector, TF objective, PBF window); a PBF
-- project has no approval date, and its recipients are its partner.
CREATE OR REPLACE VIEW core.projects AS
WITH qip AS (
    SELECT sha256, 'QIP' AS fund, project_code, title, status, budget_usd, approval_date,
           start_date, end_date, partner, region, sector AS category, source_row
    FROM raw.qip_projects
),
tf AS (
    SELECT sha256, 'TF' AS fund, project_code, title, status, budget_usd, approval_date,
           start_date, end_date, partner, region, objective AS category, source_row
    FROM raw.tf_projects
),
pbf AS (
    SELECT sha256, 'PBF' AS fund, project_code, title, status, budget_usd,
           CAST(NULL AS DATE) AS approval_date, start_date, end_date,
           recipients AS partner, regions AS region, "window" AS category, source_row
    FROM raw.pbf_projects
),
final AS (
    SELECT * FROM qip
    UNION ALL SELECT * FROM tf
    UNION ALL SELECT * FROM pbf
)
SELECT * FROM final;
COMMENT ON VIEW core.projects IS 'Every accepted project row of every tracker version, in one shape for all funds (category: QIP sector, TF objective, PBF window; PBF partner: its recipients).';
