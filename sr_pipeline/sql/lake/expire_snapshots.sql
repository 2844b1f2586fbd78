CALL ducklake_expire_snapshots('sr', versions => $versions)
