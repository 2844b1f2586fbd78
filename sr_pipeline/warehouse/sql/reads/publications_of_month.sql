-- The bulletins published for a month, oldest first.
SELECT * FROM marts.publications
WHERE as_of = $as_of
ORDER BY published_at
