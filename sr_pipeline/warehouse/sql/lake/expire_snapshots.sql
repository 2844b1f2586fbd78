CALL ducklake_expire_snapshots('lake', versions => $versions)
