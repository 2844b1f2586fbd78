CREATE TABLE IF NOT EXISTS marts.bulletin_figures (
    as_of DATE NOT NULL,
    fund VARCHAR NOT NULL,
    figure VARCHAR NOT NULL,
    value DOUBLE,
    data_as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL
);
COMMENT ON TABLE marts.bulletin_figures IS 'The bulletin''s headline figures, one row per month, fund and figure (FIGURES.md). Rejected rows count in no figure; flagged rows count as usual.';
COMMENT ON COLUMN marts.bulletin_figures.as_of IS 'The month: its last day.';
COMMENT ON COLUMN marts.bulletin_figures.fund IS 'QIP, TF or PBF.';
COMMENT ON COLUMN marts.bulletin_figures.figure IS 'projects_total, projects_<status> (completed, ongoing, not_started, suspended, cancelled); budget_usd (QIP, PBF: approved budgets, cancelled excluded; TF: contributions received by data_as_of); TF cost_usd and allocated_pct.';
COMMENT ON COLUMN marts.bulletin_figures.value IS 'The figure: a count, USD, or a percentage (allocated_pct = cost_usd / budget_usd * 100).';
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
COMMENT ON COLUMN marts.budget_breakdown.budget_usd IS 'Non-cancelled approved budget in USD falling in the slice (PBF Secrétariat line included).';
COMMENT ON COLUMN marts.budget_breakdown.share_pct IS 'budget_usd as a percentage of the fund''s non-cancelled budget (TF: of cost_usd); the slices of a dimension sum to 100.';
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
