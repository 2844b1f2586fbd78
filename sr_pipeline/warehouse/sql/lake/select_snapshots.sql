-- The lake's snapshots, with the months whose published bulletin shows each (such a snapshot
-- is never expired).
SELECT
    snapshots.snapshot_id AS version,
    snapshots.snapshot_time,
    string_agg(DISTINCT strftime(publications.as_of, '%Y-%m'), ', ') AS bulletins
FROM ducklake_snapshots('lake') AS snapshots
LEFT JOIN lake.marts.publications AS publications
    ON publications.warehouse_version = snapshots.snapshot_id
GROUP BY ALL
ORDER BY snapshots.snapshot_id
