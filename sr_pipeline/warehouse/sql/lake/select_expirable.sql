-- Snapshots taken before $before that no publication shows and that are not the current one.
SELECT snapshot_id
FROM ducklake_snapshots('lake')
WHERE snapshot_time < $before
    AND snapshot_id <> (SELECT id FROM ducklake_current_snapshot('lake'))
    AND snapshot_id NOT IN (
        SELECT warehouse_version FROM lake.marts.publications WHERE warehouse_version IS NOT NULL
    )
ORDER BY snapshot_id
