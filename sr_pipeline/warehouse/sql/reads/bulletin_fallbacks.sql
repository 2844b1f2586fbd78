-- Per fund of a month: the trackers dated within the month that were refused while the month
-- uses an older month's tracker (published only because the data team accepted it).
SELECT spans.fund, spans.source_file, spans.refusal, versions.data_as_of
FROM core.version_spans AS spans
LEFT JOIN core.month_versions AS versions
    ON versions.as_of = $as_of AND versions.fund = spans.fund
WHERE spans.refusal IS NOT NULL
    AND spans.report_date BETWEEN date_trunc('month', $as_of) AND $as_of
    AND (versions.data_as_of IS NULL OR versions.data_as_of < date_trunc('month', $as_of))
ORDER BY core.fund_order(spans.fund), spans.source_file
