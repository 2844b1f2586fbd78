-- The lake's current snapshot: the warehouse version a reader sees now.
SELECT id FROM ducklake_current_snapshot('lake')
