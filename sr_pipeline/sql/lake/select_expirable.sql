-- Snapshots taken before $before that no publication shows and that are not the current one.
SELECT snapshot_id
FROM ducklake_snapshots('sr')
WHERE snapshot_time < $before
    AND snapshot_id <> (SELECT id FROM ducklake_current_snapshot('sr'))
    AND snapshot_id NOT IN (
        SELECT warehouse_version FROM sr.marts.publications WHERE warehouse_version IS NOT NULL
    )
ORDER BY snapshot_id
