SELECT as_of, fund, figure, published, round(computed, 2) AS computed, status, note
FROM marts.reconciliation
WHERE list_contains($months, as_of)
