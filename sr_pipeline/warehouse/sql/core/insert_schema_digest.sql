INSERT INTO core.schema_digest VALUES ($digest)
