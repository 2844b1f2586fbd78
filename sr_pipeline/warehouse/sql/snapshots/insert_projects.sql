-- One row per project per month, from the version core.month_versions chose.
INSERT INTO snapshots.projects
WITH versions AS (
    SELECT * FROM core.month_versions
    WHERE list_contains($months, as_of)
),
final AS (
    SELECT
        versions.as_of, versions.fund, projects.project_code, projects.title, projects.status,
        projects.budget_usd, projects.approval_date, projects.start_date, projects.end_date,
        projects.partner, projects.region, projects.category,
        versions.data_as_of, versions.source_file, projects.source_row
    FROM versions
    JOIN core.projects AS projects
        ON projects.sha256 = versions.sha256 AND projects.fund = versions.fund
)
SELECT * FROM final
ORDER BY as_of, core.fund_order(fund), source_row
