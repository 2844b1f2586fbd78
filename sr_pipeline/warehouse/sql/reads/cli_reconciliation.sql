-- A month's reconciliation with the published bulletins: what does not match first (missing,
-- then mismatch: status in descending order), then the matches.
SELECT fund, figure, published, computed, status
FROM marts.reconciliation
WHERE as_of = $as_of
ORDER BY status DESC, fund, figure
