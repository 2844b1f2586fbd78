-- The section's DuckLake roles in PostgreSQL: one that writes (the pipeline) and one that can
-- only read (analysts). Run once as a PostgreSQL superuser, then catalog.sql for the lake:
--
--   psql -v pipeline_password="$(cat /etc/sr-pipeline/lake-pipeline-password)" \
--        -v analyst_password="$(cat /etc/sr-pipeline/lake-analyst-password)" \
--        -f deploy/ducklake/roles.sql
--
-- Passwords come from files outside the repository (or the environment); never write them
-- here. The tests run these very files against a private cluster.
CREATE ROLE sr_pipeline LOGIN PASSWORD :'pipeline_password';
CREATE ROLE sr_analyst LOGIN PASSWORD :'analyst_password';
