-- What changed since last month, per fund (COMMENT ON marts.monthly_changes). Built for the
-- months rebuilt and for the built month after each: a revised May file changes June's
-- baseline. The baseline is the version that feeds the previous month (core.versions_feeding,
-- which the raw step reads too), so a month's changes do not depend on whether the previous
-- month was ever built.
INSERT INTO marts.monthly_changes
WITH targets AS (
    SELECT as_of, fund, sha256, data_as_of
    FROM core.month_versions
    WHERE list_contains($months, as_of)
        OR list_contains($months, last_day(as_of - INTERVAL 1 MONTH))
),
baselines AS (
    SELECT targets.as_of, targets.fund, targets.data_as_of,
           previous.sha256 AS previous_sha256, previous.report_date AS previous_data_as_of
    FROM targets
    JOIN core.versions_feeding(
        (SELECT list(DISTINCT last_day(as_of - INTERVAL 1 MONTH)) FROM targets)
    ) AS previous
        ON previous.accepted AND previous.fund = targets.fund
        AND previous.as_of = last_day(targets.as_of - INTERVAL 1 MONTH)
),
current_rows AS (
    SELECT
        snap.as_of, snap.fund, snap.project_code, snap.title, snap.status, snap.budget_usd,
        snap.approval_date, snap.region, core.is_budget_line(snap.fund, snap.category)
            AS is_budget_line
    FROM snapshots.projects AS snap
    JOIN baselines ON baselines.as_of = snap.as_of AND baselines.fund = snap.fund
),
previous_rows AS (
    SELECT
        baselines.as_of, baselines.fund, projects.project_code, projects.title,
        projects.status, projects.budget_usd, projects.region,
        core.is_budget_line(projects.fund, projects.category) AS is_budget_line
    FROM baselines
    JOIN core.projects AS projects
        ON projects.sha256 = baselines.previous_sha256 AND projects.fund = baselines.fund
),
current_rejected AS (
    -- Projects still in this month's tracker whose row was rejected: not "removed".
    SELECT DISTINCT targets.as_of, targets.fund, rejected.project_code
    FROM targets
    JOIN raw.rejected_rows AS rejected ON rejected.sha256 = targets.sha256
    WHERE rejected.project_code IS NOT NULL
),
current_projects AS (
    SELECT as_of, fund, project_code,
           first(title ORDER BY title) AS title, first(status ORDER BY status) AS status,
           round(sum(budget_usd), 2) AS budget_usd, max(approval_date) AS approval_date,
           first(region ORDER BY region) AS region
    FROM current_rows
    WHERE NOT is_budget_line AND project_code IS NOT NULL
    GROUP BY ALL
),
previous_projects AS (
    SELECT as_of, fund, project_code,
           first(title ORDER BY title) AS title, first(status ORDER BY status) AS status,
           round(sum(budget_usd), 2) AS budget_usd, first(region ORDER BY region) AS region
    FROM previous_rows
    WHERE NOT is_budget_line AND project_code IS NOT NULL
    GROUP BY ALL
),
compared AS (
    SELECT
        coalesce(cur.as_of, prev.as_of) AS as_of, coalesce(cur.fund, prev.fund) AS fund,
        coalesce(cur.project_code, prev.project_code) AS project_code,
        cur.title, cur.status, cur.budget_usd, cur.approval_date, cur.region,
        prev.project_code IS NOT NULL AS was_there, prev.title AS previous_title,
        prev.status AS previous_status, prev.budget_usd AS previous_budget_usd,
        prev.region AS previous_region, cur.project_code IS NOT NULL AS is_there,
        rejected.project_code IS NOT NULL AS is_rejected
    FROM current_projects AS cur
    FULL OUTER JOIN previous_projects AS prev
        ON prev.as_of = cur.as_of AND prev.fund = cur.fund
        AND prev.project_code = cur.project_code
    LEFT JOIN current_rejected AS rejected
        ON rejected.as_of = coalesce(cur.as_of, prev.as_of)
        AND rejected.fund = coalesce(cur.fund, prev.fund)
        AND rejected.project_code = coalesce(cur.project_code, prev.project_code)
),
project_changes AS (
    SELECT as_of, fund, 'approved' AS change, project_code, title, region, budget_usd AS value
    FROM compared
    WHERE is_there AND (NOT was_there
        OR approval_date BETWEEN date_trunc('month', as_of) AND as_of)
    UNION ALL
    SELECT as_of, fund, 'completed', project_code, title, region, budget_usd
    FROM compared
    WHERE status = 'completed' AND coalesce(previous_status, '') <> 'completed'
    UNION ALL
    SELECT as_of, fund, 'cancelled', project_code, title, region, budget_usd
    FROM compared
    WHERE status = 'cancelled' AND coalesce(previous_status, '') <> 'cancelled'
    UNION ALL
    SELECT as_of, fund,
           CASE WHEN is_rejected THEN 'rejected' ELSE 'removed' END,
           project_code, previous_title, previous_region, previous_budget_usd
    FROM compared
    WHERE NOT is_there
),
budgets AS (
    SELECT
        baselines.as_of, baselines.fund,
        round(
            coalesce((SELECT sum(budget_usd) FROM current_rows AS cur
                      WHERE cur.as_of = baselines.as_of AND cur.fund = baselines.fund
                      AND cur.status <> 'cancelled'), 0)
            - coalesce((SELECT sum(budget_usd) FROM previous_rows AS prev
                        WHERE prev.as_of = baselines.as_of AND prev.fund = baselines.fund
                        AND prev.status <> 'cancelled'), 0),
            2
        ) AS value
    FROM baselines
),
budget_changes AS (
    SELECT as_of, fund, 'budget_delta' AS change, CAST(NULL AS VARCHAR) AS project_code,
           CAST(NULL AS VARCHAR) AS title, CAST(NULL AS VARCHAR) AS region, value
    FROM budgets
),
final AS (
    SELECT changes.*, baselines.data_as_of, baselines.previous_data_as_of
    FROM (SELECT * FROM project_changes UNION ALL SELECT * FROM budget_changes) AS changes
    JOIN baselines ON baselines.as_of = changes.as_of AND baselines.fund = changes.fund
)
SELECT as_of, fund, change, project_code, title, region, value, data_as_of,
       previous_data_as_of
FROM final
ORDER BY as_of, core.fund_order(fund),
         core.change_order(change),
         project_code
