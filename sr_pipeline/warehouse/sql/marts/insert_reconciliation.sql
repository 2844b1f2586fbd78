-- Published against computed (docs/figures.md). Figure names: a bulletin_figures figure;
-- share_pct:<dimension>:<category>; budget_usd:<dimension>:<a> + <b> (the sum of slices).
INSERT INTO marts.reconciliation
WITH published AS (
    SELECT *, string_split(figure, ':') AS parts
    FROM core.published_figures
    WHERE list_contains($months, as_of)
),
computed AS (
    SELECT
        published.*,
        CASE
            WHEN len(parts) = 1 THEN (
                SELECT figures.value FROM marts.bulletin_figures AS figures
                WHERE figures.as_of = published.as_of AND figures.fund = published.fund
                    AND figures.figure = published.figure
            )
            WHEN parts[1] = 'share_pct' THEN (
                SELECT slices.share_pct FROM marts.budget_breakdown AS slices
                WHERE slices.as_of = published.as_of AND slices.fund = published.fund
                    AND slices.dimension = parts[2] AND slices.category = parts[3]
            )
            WHEN parts[1] = 'budget_usd' THEN (
                SELECT round(sum(slices.budget_usd), 2) FROM marts.budget_breakdown AS slices
                WHERE slices.as_of = published.as_of AND slices.fund = published.fund
                    AND slices.dimension = parts[2]
                    AND list_contains(string_split(parts[3], ' + '), slices.category)
                HAVING count(*) = len(string_split(parts[3], ' + '))
            )
        END AS computed,
        (
            SELECT versions.data_as_of FROM core.month_versions AS versions
            WHERE versions.as_of = published.as_of AND versions.fund = published.fund
        ) AS computed_data_as_of,
        -- The value of the last printed digit of an amount printed in millions.
        CASE WHEN "precision" LIKE 'millions_%'
            THEN 10 ^ (6 - CAST(split_part("precision", '_', 2) AS INTEGER))
        END AS unit
    FROM published
),
judged AS (
    SELECT
        *,
        CASE
            WHEN computed IS NULL THEN 'missing'
            WHEN "precision" = 'count' AND computed = published THEN 'match'
            WHEN "precision" = 'percent_0' AND abs(computed - published) <= 0.5 THEN 'match'
            -- Printed in millions with N decimals: the computed amount rounds (half up, as a
            -- person rounds) to the printed one, i.e. lies within half a unit of the last
            -- printed digit below it and less than half a unit above (15.9 million: from
            -- 15,850,000 included to 15,950,000 excluded). Compared in USD, never in floating
            -- millions, where 15.85 is 15.8499999...
            WHEN "precision" LIKE 'millions_%'
                AND computed >= published - unit / 2 AND computed < published + unit / 2
                THEN 'match'
            ELSE 'mismatch'
        END AS status
    FROM computed
)
SELECT as_of, fund, figure, published, computed, status, bulletin,
       data_as_of AS published_data_as_of, computed_data_as_of AS data_as_of,
       "precision", printed, note
FROM judged
ORDER BY as_of, bulletin, line
