CREATE TABLE IF NOT EXISTS marts.monthly_changes (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    change VARCHAR NOT NULL,
    project_code VARCHAR,
    title VARCHAR,
    region VARCHAR,
    value DOUBLE,
    data_as_of DATE NOT NULL,
    previous_data_as_of DATE NOT NULL
);
COMMENT ON TABLE marts.monthly_changes IS 'What changed since last month, per fund: the month''s snapshot compared with the one the month before would have (each fund''s latest accepted tracker version on or before the previous month''s last day, docs/figures.md). A fund with no earlier version has no rows; a fund whose version did not change has only its budget_delta row (0). The PBF Secrétariat line counts in budget_delta only.';
COMMENT ON COLUMN marts.monthly_changes.as_of IS 'The month: its last day.';
COMMENT ON COLUMN marts.monthly_changes.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN marts.monthly_changes.change IS 'approved: in this month''s tracker and not in last month''s, or approval_date within the month; completed: status completed now, not last month (or new); cancelled: status cancelled now, not last month (or new); removed: in last month''s tracker, its code gone from this one; rejected: counted last month, still in this month''s tracker but its row was rejected (dq.rejected_rows), so it counts in no figure this month; budget_delta: one row per fund, the change of the non-cancelled budget (TF: cost_usd).';
COMMENT ON COLUMN marts.monthly_changes.project_code IS 'The project (NULL on the budget_delta row).';
COMMENT ON COLUMN marts.monthly_changes.title IS 'Project title as in this month''s tracker (removed, rejected: last month''s).';
COMMENT ON COLUMN marts.monthly_changes.region IS 'Project region as in the tracker (admin-1 or National, ''; ''-joined).';
COMMENT ON COLUMN marts.monthly_changes.value IS 'USD: the project''s budget_usd this month (removed, rejected: last month); budget_delta: this month''s non-cancelled budget minus last month''s.';
COMMENT ON COLUMN marts.monthly_changes.data_as_of IS 'Report date of the tracker version this month uses.';
COMMENT ON COLUMN marts.monthly_changes.previous_data_as_of IS 'Report date of the tracker version the previous month uses (equal to data_as_of: no new tracker).';
