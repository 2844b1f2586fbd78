DELETE FROM core.schema_digest
