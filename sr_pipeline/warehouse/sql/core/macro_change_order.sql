-- The order of a fund's changes in marts.monthly_changes, the bulletin and the export:
-- ORDER BY core.change_order(change).
CREATE OR REPLACE MACRO core.change_order(change_kind) AS
    list_position(['approved', 'completed', 'cancelled', 'removed', 'rejected', 'budget_delta'], change_kind);
