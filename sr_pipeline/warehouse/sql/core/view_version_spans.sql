-- docs/figures.md's snapshot rule, stated once. The snapshot of month M (as_of, its last day)
-- uses, per fund, the latest accepted tracker version whose report date is on or before
-- as_of; among versions of one report date the highest revision wins. So each version
-- "feeds" the months from its report date until the report date of the next accepted
-- version after it in `version_order` (exclusive; NULL: still feeding). A refused file is not
-- a version: it feeds nothing, and its span is the months it would have fed, which is where
-- dq.rejected_files shows it. A version in the folder not read yet is neither accepted nor
-- refused. core.versions_feeding(months) applies the spans to months; everything that asks
-- which version feeds a month reads it.
CREATE OR REPLACE VIEW core.version_spans AS
WITH versions AS (
    SELECT
        folder.fund, folder.sha256, folder.source_file, folder.path, folder.report_date,
        folder.revision,
        folder.problem IS NULL AND files.sha256 IS NOT NULL AND files.refused IS NULL
            AS accepted,
        coalesce(folder.problem, files.refused) AS refusal
    FROM raw.tracker_folder AS folder
    LEFT JOIN raw.tracker_files AS files ON files.sha256 = folder.sha256
    WHERE folder.copy_of IS NULL  -- a copy under another name is its version, listed once
),
ordered AS (
    SELECT
        *,
        -- The tie-break: report date, then revision, then the file name (discovery refuses
        -- two files with one report date and revision, so the name only makes it total).
        row_number() OVER (
            PARTITION BY fund ORDER BY report_date, revision, source_file
        ) AS version_order
    FROM versions
),
final AS (
    SELECT
        *,
        report_date AS feeds_from,
        min(report_date) FILTER (WHERE accepted) OVER later AS feeds_until,
        min_by(source_file, version_order) FILTER (WHERE accepted) OVER later AS next_version
    FROM ordered
    WINDOW later AS (
        PARTITION BY fund ORDER BY version_order ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
    )
)
SELECT * FROM final;
COMMENT ON VIEW core.version_spans IS 'Every file of the trackers folder with the months it feeds (accepted) or would have fed (refused): from feeds_from (its report date) until feeds_until (exclusive; NULL: still feeding), when next_version takes over. The one statement of the rule of which tracker version feeds a month.';
