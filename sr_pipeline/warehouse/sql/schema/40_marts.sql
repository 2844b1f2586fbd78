CREATE TABLE IF NOT EXISTS marts.bulletin_figures (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    figure VARCHAR NOT NULL,
    value DOUBLE,
    data_as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL
);
COMMENT ON TABLE marts.bulletin_figures IS 'The bulletin''s headline figures, one row per month, fund and figure (docs/figures.md). Rejected rows count in no figure; flagged rows count as usual.';
COMMENT ON COLUMN marts.bulletin_figures.as_of IS 'The month: its last day.';
COMMENT ON COLUMN marts.bulletin_figures.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN marts.bulletin_figures.figure IS 'projects_total, projects_<status> (completed, ongoing, not_started, suspended, cancelled); budget_usd (QIP, PBF: approved budgets, cancelled excluded; TF: contributions received by data_as_of); TF cost_usd, allocated_pct and donors (distinct donors with a contribution received by data_as_of, see marts.donors).';
COMMENT ON COLUMN marts.bulletin_figures.value IS 'The figure: a count, USD to the cent, or a percentage to 0.01 point (allocated_pct = cost_usd / budget_usd * 100).';
COMMENT ON COLUMN marts.bulletin_figures.data_as_of IS 'Report date of the tracker version the figure comes from.';
COMMENT ON COLUMN marts.bulletin_figures.source_file IS 'File name of that tracker version.';

CREATE TABLE IF NOT EXISTS marts.budget_breakdown (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    budget_usd DOUBLE,
    share_pct DOUBLE,
    projects INTEGER,
    data_as_of DATE NOT NULL
);
COMMENT ON TABLE marts.budget_breakdown IS 'The bulletin''s pie charts: non-cancelled budget by region group (every fund), QIP sector, TF objective, PBF window. A multi-region project splits its budget equally between its regions and counts once in every group it touches.';
COMMENT ON COLUMN marts.budget_breakdown.as_of IS 'The month: its last day.';
COMMENT ON COLUMN marts.budget_breakdown.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN marts.budget_breakdown.dimension IS 'region_group, sector (QIP), objective (TF) or window (PBF).';
COMMENT ON COLUMN marts.budget_breakdown.category IS 'The slice, spelled as in the bulletin (e.g. Timbuktu / Taoudénit, Public Infrastructures, 3, Phase II).';
COMMENT ON COLUMN marts.budget_breakdown.budget_usd IS 'Non-cancelled approved budget in USD falling in the slice, to the cent (PBF Secrétariat line included); the slices of a dimension add up to the fund''s budget.';
COMMENT ON COLUMN marts.budget_breakdown.share_pct IS 'budget_usd as a percentage of the fund''s non-cancelled budget (TF: of cost_usd), to 0.01 point; the slices of a dimension sum to exactly 100 (largest remainder).';
COMMENT ON COLUMN marts.budget_breakdown.projects IS 'Non-cancelled projects in the slice (the Secrétariat line is not a project).';
COMMENT ON COLUMN marts.budget_breakdown.data_as_of IS 'Report date of the tracker version the slice comes from.';

CREATE TABLE IF NOT EXISTS marts.reconciliation (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    figure VARCHAR NOT NULL,
    published DOUBLE,
    computed DOUBLE,
    status VARCHAR NOT NULL,
    bulletin INTEGER,
    published_data_as_of DATE,
    data_as_of DATE,
    "precision" VARCHAR,
    printed VARCHAR,
    note VARCHAR
);
COMMENT ON TABLE marts.reconciliation IS 'Every figure printed in a bulletin against the value computed from the trackers for the same month.';
COMMENT ON COLUMN marts.reconciliation.as_of IS 'The bulletin''s month: its last day.';
COMMENT ON COLUMN marts.reconciliation.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN marts.reconciliation.figure IS 'A marts.bulletin_figures figure, share_pct:<dimension>:<category>, or budget_usd:<dimension>:<category>[ + <category>...] (the sum of those slices).';
COMMENT ON COLUMN marts.reconciliation.published IS 'As printed, in units (15.9 million is 15900000; 25% is 25).';
COMMENT ON COLUMN marts.reconciliation.computed IS 'From marts.bulletin_figures or marts.budget_breakdown; NULL when not computable.';
COMMENT ON COLUMN marts.reconciliation.status IS 'match, mismatch, or missing (published but not computable). Amounts printed in millions match when the computed value rounds to them; whole percentages within 0.5 points; counts exactly.';
COMMENT ON COLUMN marts.reconciliation.bulletin IS 'Bulletin number.';
COMMENT ON COLUMN marts.reconciliation.published_data_as_of IS 'The date the bulletin gives for the fund''s figures.';
COMMENT ON COLUMN marts.reconciliation.data_as_of IS 'Report date of the tracker version the computed value comes from.';
COMMENT ON COLUMN marts.reconciliation.precision IS 'How the figure was printed: count, millions_N (N decimals), percent_0.';
COMMENT ON COLUMN marts.reconciliation.printed IS 'The words of the bulletin.';
COMMENT ON COLUMN marts.reconciliation.note IS 'Caveat on the published figure (e.g. a pie-chart label that is our reading of the chart).';

CREATE TABLE IF NOT EXISTS marts.donors (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    donor VARCHAR NOT NULL,
    donor_key VARCHAR NOT NULL,
    contributions INTEGER NOT NULL,
    amount_usd DOUBLE,
    first_received DATE,
    last_received DATE,
    data_as_of DATE NOT NULL
);
COMMENT ON TABLE marts.donors IS 'The Trust Fund''s donors per month, as the bulletin names them: every donor with a contribution received on or before the tracker''s report date (marts.bulletin_figures counts them as donors).';
COMMENT ON COLUMN marts.donors.as_of IS 'The month: its last day.';
COMMENT ON COLUMN marts.donors.fund IS 'TF (only the Trust Fund has donors).';
COMMENT ON COLUMN marts.donors.donor IS 'The donor as first written in the tracker; names that differ only in case, accents, spaces or a leading "the" are one donor (the Netherlands = Netherlands).';
COMMENT ON COLUMN marts.donors.donor_key IS 'Who the donor is: the name in lower case without accents, spaces collapsed, a leading "the" dropped (the same from month to month; the bulletin lists donors in this order).';
COMMENT ON COLUMN marts.donors.contributions IS 'Contributions received from the donor by data_as_of.';
COMMENT ON COLUMN marts.donors.amount_usd IS 'Their sum in USD (the recorded USD equivalent, else converted at the reference rate of the month received).';
COMMENT ON COLUMN marts.donors.first_received IS 'Date of the donor''s first contribution.';
COMMENT ON COLUMN marts.donors.last_received IS 'Date of its latest contribution by data_as_of.';
COMMENT ON COLUMN marts.donors.data_as_of IS 'Report date of the tracker version the row comes from.';

CREATE TABLE IF NOT EXISTS marts.publications (
    as_of DATE NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE NOT NULL,
    warehouse VARCHAR NOT NULL,
    warehouse_version BIGINT,
    tracker_versions STRUCT(month DATE, fund VARCHAR, source_file VARCHAR, sha256 VARCHAR, data_as_of DATE)[] NOT NULL,
    bulletin_folder VARCHAR NOT NULL
);
COMMENT ON TABLE marts.publications IS 'Every bulletin rendered: its month, when, from which tracker versions and which warehouse version. With a DuckLake warehouse, SELECT ... FROM <table> AT (VERSION => warehouse_version) reads exactly what the bulletin showed; in either mode python -m sr_pipeline.warehouse.as_published rebuilds the month from the recorded tracker versions.';
COMMENT ON COLUMN marts.publications.as_of IS 'The bulletin''s month: its last day.';
COMMENT ON COLUMN marts.publications.published_at IS 'When the bulletin was rendered.';
COMMENT ON COLUMN marts.publications.warehouse IS 'file (the DuckDB file) or the DuckLake catalog it was read from (without password).';
COMMENT ON COLUMN marts.publications.warehouse_version IS 'The DuckLake snapshot the bulletin shows (AT (VERSION => n)); NULL for the DuckDB file.';
COMMENT ON COLUMN marts.publications.tracker_versions IS 'The tracker versions behind it: for the month and the month before (its changes compare with it), each fund''s file, sha256 and report date.';
COMMENT ON COLUMN marts.publications.bulletin_folder IS 'Where the page, charts and Excel export were written (relative to the warehouse folder).';
