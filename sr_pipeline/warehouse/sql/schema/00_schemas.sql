-- The five layers. raw and core are the pipeline's own; snapshots, marts and dq are the
-- public interface of docs/figures.md. (DuckDB cannot comment on schemas; tables say it all.)
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS snapshots;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS dq;
