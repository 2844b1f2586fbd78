-- The Trust Fund's donors as the bulletin names them: every donor with a contribution
-- received on or before the tracker's report date, one row per donor (donor_key: names
-- compared as headers are, a leading "the" ignored), named as first written.
INSERT INTO marts.donors
WITH versions AS (
    SELECT * FROM core.month_versions
    WHERE list_contains($months, as_of) AND fund = 'TF'
),
received AS (
    SELECT versions.as_of, versions.fund, versions.data_as_of, contributions.*
    FROM versions
    JOIN core.contributions AS contributions
        ON contributions.sha256 = versions.sha256
        AND contributions.date_received <= versions.data_as_of
),
final AS (
    SELECT
        as_of, fund,
        first(donor ORDER BY date_received, source_row) AS donor,
        count(*) AS contributions,
        round(sum(amount_usd), 2) AS amount_usd,
        min(date_received) AS first_received,
        max(date_received) AS last_received,
        data_as_of,
        donor_key
    FROM received
    GROUP BY as_of, fund, data_as_of, donor_key
)
SELECT as_of, fund, donor, donor_key, contributions, amount_usd, first_received,
       last_received, data_as_of
FROM final
ORDER BY as_of, donor_key
