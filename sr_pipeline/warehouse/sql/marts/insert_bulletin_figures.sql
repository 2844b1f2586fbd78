-- docs/figures.md's figure table. Counts exclude budget lines (core.is_budget_line: the PBF
-- Secrétariat is not a project); budgets exclude cancelled projects, include budget lines.
INSERT INTO marts.bulletin_figures
WITH versions AS (
    SELECT * FROM core.month_versions
    WHERE list_contains($months, as_of)
),
projects AS (
    SELECT * FROM snapshots.projects
    WHERE list_contains($months, as_of)
),
counted AS (
    SELECT * FROM projects
    WHERE NOT core.is_budget_line(fund, category)
),
status_counts AS (
    SELECT
        versions.as_of, versions.fund, 'projects_' || statuses.status AS figure,
        count(counted.project_code) AS value, 10 + statuses.sort_order AS sort_order
    FROM versions
    CROSS JOIN core.statuses AS statuses
    LEFT JOIN counted
        ON counted.as_of = versions.as_of AND counted.fund = versions.fund
        AND counted.status = statuses.status
    GROUP BY ALL
),
totals AS (
    SELECT versions.as_of, versions.fund, 'projects_total' AS figure,
           count(counted.project_code) AS value, 1 AS sort_order
    FROM versions
    LEFT JOIN counted ON counted.as_of = versions.as_of AND counted.fund = versions.fund
    GROUP BY ALL
),
budgets AS (
    SELECT
        versions.as_of, versions.fund,
        CASE WHEN versions.fund = 'TF' THEN 'cost_usd' ELSE 'budget_usd' END AS figure,
        round(coalesce(
            sum(projects.budget_usd) FILTER (WHERE projects.status <> 'cancelled'), 0
        ), 2) AS value,
        CASE WHEN versions.fund = 'TF' THEN 21 ELSE 20 END AS sort_order
    FROM versions
    LEFT JOIN projects ON projects.as_of = versions.as_of AND projects.fund = versions.fund
    GROUP BY ALL
),
received AS (
    -- Trust Fund contributions received on or before the tracker's report date.
    SELECT versions.as_of, versions.fund, contributions.amount_usd, contributions.donor_key
    FROM versions
    LEFT JOIN core.contributions AS contributions
        ON contributions.sha256 = versions.sha256
        AND contributions.date_received <= versions.data_as_of
    WHERE versions.fund = 'TF'
),
contributions AS (
    SELECT as_of, fund, 'budget_usd' AS figure,
           round(coalesce(sum(amount_usd), 0), 2) AS value, 20 AS sort_order
    FROM received
    GROUP BY ALL
),
donors AS (
    SELECT as_of, fund, 'donors' AS figure, count(DISTINCT donor_key) AS value,
           23 AS sort_order
    FROM received
    GROUP BY ALL
),
allocated AS (
    SELECT cost.as_of, cost.fund, 'allocated_pct' AS figure,
           CASE WHEN budget.value > 0 THEN round(cost.value / budget.value * 100, 2) END
               AS value,
           22 AS sort_order
    FROM budgets AS cost
    JOIN contributions AS budget ON budget.as_of = cost.as_of AND budget.fund = cost.fund
),
figures AS (
    SELECT * FROM totals
    UNION ALL SELECT * FROM status_counts
    UNION ALL SELECT * FROM budgets
    UNION ALL SELECT * FROM contributions
    UNION ALL SELECT * FROM allocated
    UNION ALL SELECT * FROM donors
)
SELECT figures.as_of, figures.fund, figures.figure, CAST(figures.value AS DOUBLE) AS value,
       versions.data_as_of, versions.source_file
FROM figures
JOIN versions ON versions.as_of = figures.as_of AND versions.fund = figures.fund
ORDER BY figures.as_of, core.fund_order(figures.fund), figures.sort_order
