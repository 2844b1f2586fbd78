CREATE TABLE IF NOT EXISTS snapshots.projects (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    project_code VARCHAR,
    title VARCHAR,
    status VARCHAR,
    budget_usd DOUBLE,
    approval_date DATE,
    start_date DATE,
    end_date DATE,
    partner VARCHAR,
    region VARCHAR,
    category VARCHAR,
    data_as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row INTEGER
);
COMMENT ON TABLE snapshots.projects IS 'One row per project per month: for each fund, the latest accepted tracker version whose report date is on or before as_of. Rejected rows are absent (see dq.rejected_rows); the PBF Secrétariat budget line is present with category Secrétariat.';
COMMENT ON COLUMN snapshots.projects.as_of IS 'The month of the snapshot: its last day.';
COMMENT ON COLUMN snapshots.projects.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN snapshots.projects.project_code IS 'The fund''s project code, exactly as text (PBF: 8-digit MPTF number).';
COMMENT ON COLUMN snapshots.projects.title IS 'Project title as in the tracker.';
COMMENT ON COLUMN snapshots.projects.status IS 'Canonical status: completed, ongoing, not_started, suspended or cancelled.';
COMMENT ON COLUMN snapshots.projects.budget_usd IS 'Approved budget in USD to the cent (converted at the reference rate of the approval month: an approximate market average, reference/fx_rates.csv).';
COMMENT ON COLUMN snapshots.projects.approval_date IS 'Approval date (PBF trackers have none: NULL).';
COMMENT ON COLUMN snapshots.projects.start_date IS 'Start date.';
COMMENT ON COLUMN snapshots.projects.end_date IS 'End or completion date.';
COMMENT ON COLUMN snapshots.projects.partner IS 'Implementing partner (PBF: recipient organisations, ''; ''-joined).';
COMMENT ON COLUMN snapshots.projects.region IS 'Admin-1 region of the gazetteer, or National; multi-region PBF projects: ''; ''-joined.';
COMMENT ON COLUMN snapshots.projects.category IS 'QIP sector in English, TF objective number 1-5, PBF window.';
COMMENT ON COLUMN snapshots.projects.data_as_of IS 'Report date of the tracker version the row comes from.';
COMMENT ON COLUMN snapshots.projects.source_file IS 'File name of that tracker version (without folder).';
COMMENT ON COLUMN snapshots.projects.source_row IS 'Excel row number in the data sheet, 1-based.';
