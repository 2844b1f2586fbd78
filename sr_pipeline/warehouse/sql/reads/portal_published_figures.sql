-- A fund's published figures for a month, or for the latest month before it that has them:
-- what the portal shows beside the figures an uploaded file would give.
SELECT as_of, figure, value
FROM marts.bulletin_figures
WHERE fund = $fund
  AND as_of = (
      SELECT max(as_of) FROM marts.bulletin_figures WHERE fund = $fund AND as_of <= $as_of
  )
ORDER BY figure
