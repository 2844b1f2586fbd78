-- The version spans applied to a list of months (as_of dates): one row per month and version
-- that feeds it (accepted) or would have fed it (refused, or not read yet). Files without a
-- report date (unrecognised names) feed no month.
CREATE OR REPLACE MACRO core.versions_feeding(months) AS TABLE
SELECT months.as_of, spans.*
FROM (SELECT unnest(months) AS as_of) AS months
JOIN core.version_spans AS spans
    ON spans.feeds_from <= months.as_of
    AND (spans.feeds_until IS NULL OR months.as_of < spans.feeds_until);
