-- Every column of the warehouse's own tables (views excluded), to tell an outdated layout.
SELECT schema_name, table_name, column_name, data_type
FROM duckdb_columns()
WHERE list_contains($schemas, schema_name)
    AND (schema_name, table_name) IN (SELECT (schema_name, table_name) FROM duckdb_tables())
