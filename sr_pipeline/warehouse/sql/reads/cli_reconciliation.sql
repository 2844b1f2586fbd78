-- A month's reconciliation with the published bulletins, mismatches first.
SELECT fund, figure, published, computed, status
FROM marts.reconciliation
WHERE as_of = $as_of
ORDER BY status DESC, fund, figure
