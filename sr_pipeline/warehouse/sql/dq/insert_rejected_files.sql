-- A refused file shows in the months it would have fed had it been accepted (its span in
-- core.version_spans): from its report date until a newer accepted version of its fund
-- takes over. Files without a report date (unrecognised names, other formats) show in every
-- month.
INSERT INTO dq.rejected_files
WITH months AS (
    SELECT unnest($months) AS as_of
),
dated AS (
    SELECT source_file, fund, refusal AS problem, as_of
    FROM core.versions_feeding($months)
    WHERE refusal IS NOT NULL
),
undated AS (
    SELECT spans.source_file, spans.fund, spans.refusal AS problem, months.as_of
    FROM months
    CROSS JOIN core.version_spans AS spans
    WHERE spans.report_date IS NULL
),
final AS (
    SELECT * FROM dated
    UNION ALL SELECT * FROM undated
)
SELECT source_file, fund, problem, as_of
FROM final
ORDER BY as_of, source_file
