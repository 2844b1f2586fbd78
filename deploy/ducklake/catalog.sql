-- A DuckLake catalog database: the pipeline owns and writes it, analysts only read it. Run as
-- a PostgreSQL superuser after roles.sql (lake_db: the database's name, e.g. sr_lake):
--
--   psql -v lake_db=sr_lake -f deploy/ducklake/catalog.sql
CREATE DATABASE :"lake_db" OWNER sr_pipeline;
\connect :"lake_db"
-- Nobody else connects or creates anything; analysts read every catalog table, including
-- those DuckLake creates later (a table of inlined rows appears as the pipeline writes).
REVOKE ALL ON DATABASE :"lake_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"lake_db" TO sr_pipeline, sr_analyst;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO sr_pipeline;
GRANT USAGE ON SCHEMA public TO sr_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sr_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE sr_pipeline IN SCHEMA public GRANT SELECT ON TABLES TO sr_analyst;
