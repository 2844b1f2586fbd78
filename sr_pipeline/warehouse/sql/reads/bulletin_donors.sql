-- A month's Trust Fund donors, as the bulletin lists them.
SELECT donor FROM marts.donors
WHERE as_of = $as_of
ORDER BY donor_key
