-- The pie charts. Shares are of the fund's non-cancelled budget (TF: cost_usd). A project
-- over several regions splits its budget equally between them and counts once per group.
-- Amounts to the cent and shares to 0.01 point, each dimension adding up exactly.
INSERT INTO marts.budget_breakdown
WITH versions AS (
    SELECT * FROM core.month_versions
    WHERE list_contains($months, as_of)
),
live AS (
    SELECT *, core.is_budget_line(fund, category) AS is_budget_line
    FROM snapshots.projects
    WHERE list_contains($months, as_of) AND status <> 'cancelled'
),
fund_budgets AS (
    SELECT as_of, fund, sum(budget_usd) AS budget_usd
    FROM live
    GROUP BY ALL
),
region_parts AS (
    SELECT
        live.as_of, live.fund, live.project_code, live.is_budget_line,
        trim(part.region) AS region,
        live.budget_usd / len(string_split(live.region, ';')) AS budget_usd
    FROM live, unnest(string_split(live.region, ';')) AS part(region)
),
by_region_group AS (
    SELECT
        region_parts.as_of, region_parts.fund, 'region_group' AS dimension,
        regions.region_group AS category, sum(region_parts.budget_usd) AS budget_usd,
        count(DISTINCT region_parts.project_code)
            FILTER (WHERE NOT region_parts.is_budget_line) AS projects
    FROM region_parts
    JOIN core.regions AS regions ON regions.region = region_parts.region
    GROUP BY ALL
),
by_category AS (
    SELECT
        live.as_of, live.fund, funds.category_dimension AS dimension, live.category,
        sum(live.budget_usd) AS budget_usd,
        count(DISTINCT live.project_code) FILTER (WHERE NOT live.is_budget_line) AS projects
    FROM live
    JOIN core.funds AS funds ON funds.fund = live.fund
    GROUP BY ALL
),
slices AS (
    SELECT * FROM by_region_group
    UNION ALL SELECT * FROM by_category
),
exact AS (
    SELECT
        versions.as_of, versions.fund, categories.dimension, categories.category,
        coalesce(slices.budget_usd, 0) AS budget_usd,
        fund_budgets.budget_usd AS fund_budget_usd,
        coalesce(slices.projects, 0) AS projects,
        versions.data_as_of,
        categories.sort_order
    FROM versions
    JOIN core.breakdown_categories AS categories ON categories.fund = versions.fund
    LEFT JOIN slices
        ON slices.as_of = versions.as_of AND slices.fund = versions.fund
        AND slices.dimension = categories.dimension AND slices.category = categories.category
    LEFT JOIN fund_budgets
        ON fund_budgets.as_of = versions.as_of AND fund_budgets.fund = versions.fund
),
-- Slices are stored to the cent and shares to 0.01 point, rounded so that each dimension
-- still adds up: to the fund's budget (in cents) and to 100.00. Largest remainder: every
-- slice is rounded down, and the cents (hundredths) still missing go to the slices that lost
-- the most (ties: the bulletin's order).
units AS (
    SELECT
        *,
        round(budget_usd * 100, 6) AS cents,
        CASE WHEN fund_budget_usd > 0
            THEN round(budget_usd / fund_budget_usd * 10000, 6)
        END AS hundredths
    FROM exact
),
floored AS (
    SELECT
        *,
        floor(cents) AS cents_down,
        floor(hundredths) AS hundredths_down,
        round(round(fund_budget_usd, 2) * 100)
            - sum(floor(cents)) OVER dimension AS cents_missing,
        10000 - sum(floor(hundredths)) OVER dimension AS hundredths_missing,
        row_number() OVER (
            PARTITION BY as_of, fund, dimension ORDER BY cents - floor(cents) DESC, sort_order
        ) AS cents_rank,
        row_number() OVER (
            PARTITION BY as_of, fund, dimension
            ORDER BY hundredths - floor(hundredths) DESC, sort_order
        ) AS hundredths_rank
    FROM units
    WINDOW dimension AS (PARTITION BY as_of, fund, dimension)
),
final AS (
    SELECT
        as_of, fund, dimension, category,
        (cents_down + CASE WHEN cents_rank <= cents_missing THEN 1 ELSE 0 END) / 100
            AS budget_usd,
        (hundredths_down + CASE WHEN hundredths_rank <= hundredths_missing THEN 1 ELSE 0 END)
            / 100 AS share_pct,
        projects, data_as_of, sort_order
    FROM floored
)
SELECT as_of, fund, dimension, category, budget_usd, share_pct, projects, data_as_of
FROM final
ORDER BY as_of, core.fund_order(fund),
         dimension <> 'region_group', dimension, sort_order
