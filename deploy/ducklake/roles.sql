-- The section's DuckLake roles in PostgreSQL: one that writes (the pipeline) and one that can
-- only read (analysts). Run once as a PostgreSQL superuser, then catalog.sql for the lake:
--
--   psql -v pipeline_password_file=/etc/sr-pipeline/lake-pipeline-password \
--        -v analyst_password_file=/etc/sr-pipeline/lake-analyst-password \
--        -f deploy/ducklake/roles.sql
--
-- The command line names the files, never a password: psql reads each file itself (the
-- backquoted command below sees only the file's name), so no password shows in `ps` or in a
-- shell's history. The files live outside the repository, readable by the DBA only (0600).
-- The tests run these very files against a private cluster.
\set pipeline_password `cat :'pipeline_password_file'`
\set analyst_password `cat :'analyst_password_file'`
CREATE ROLE sr_pipeline LOGIN PASSWORD :'pipeline_password';
CREATE ROLE sr_analyst LOGIN PASSWORD :'analyst_password';
