SELECT digest FROM core.schema_digest
