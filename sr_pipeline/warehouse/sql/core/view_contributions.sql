-- core.contributions: the Trust Fund's contributions of every tracker version, in USD.
CREATE OR REPLACE VIEW core.contributions AS
SELECT sha256, donor, donor_key, date_received, amount_usd, earmarked_for, source_row
FROM raw.tf_contributions;
COMMENT ON VIEW core.contributions IS 'Trust Fund contributions of every tracker version, in USD.';
