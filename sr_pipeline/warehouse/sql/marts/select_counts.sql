SELECT
    (SELECT count(*) FROM marts.bulletin_figures WHERE list_contains($months, as_of))
        AS bulletin_figures,
    (SELECT count(*) FROM marts.budget_breakdown WHERE list_contains($months, as_of))
        AS budget_breakdown,
    (SELECT count(*) FROM marts.monthly_changes WHERE list_contains($months, as_of))
        AS monthly_changes,
    (SELECT count(*) FROM marts.donors WHERE list_contains($months, as_of)) AS donors
