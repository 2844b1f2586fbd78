"""The warehouse's definitions: tables (``sql/schema/``), then each layer's views and macros,
applied to a database when they changed (their digest is stored), and whether a database was
laid out by these definitions."""

from __future__ import annotations

import hashlib
from functools import cache

import duckdb

from sr_pipeline.warehouse.sql import SQL_ROOT, run, sql, transaction

# The layers in the order data flows; views and macros are defined in this order too.
LAYERS = ("raw", "core", "snapshots", "marts", "dq")


def _definition_scripts() -> list[str]:
    """Tables (``schema/``), then each layer's views and macros, in the layers' order."""
    names = sorted(f"schema/{p.name[:-4]}" for p in (SQL_ROOT / "schema").iterdir())
    for layer in LAYERS:
        files = sorted(p.name for p in (SQL_ROOT / layer).iterdir())
        for prefix in ("view_", "macro_"):
            names += [f"{layer}/{f[:-4]}" for f in files if f.startswith(prefix)]
    return [sql(name) for name in names]


@cache
def ddl_scripts() -> tuple[tuple[str, ...], str]:
    """The definition scripts in order, and their digest."""
    scripts = tuple(_definition_scripts())
    return scripts, hashlib.sha256("\n".join(scripts).encode()).hexdigest()


@cache
def _expected_columns() -> frozenset[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every table the definitions create."""
    with duckdb.connect() as con:
        apply_schema(con)
        return _table_columns(con)


def _table_columns(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str, str, str]]:
    rows = run(con, "core/select_table_columns", {"schemas": list(LAYERS)}).fetchall()
    return frozenset(rows)


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """False when a table of this database has other columns than the definitions give it,
    more or fewer (a work database built by an earlier version of the pipeline)."""
    try:
        if run(con, "core/select_schema_digest").fetchall() == [(ddl_scripts()[1],)]:
            return True
    except duckdb.CatalogException:
        return True  # empty: everything will be created
    existing = _table_columns(con)
    expected = _expected_columns()
    shared = {c[:2] for c in existing} & {c[:2] for c in expected}
    return {c for c in existing if c[:2] in shared} == {c for c in expected if c[:2] in shared}


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (schemas, tables, views, macros) and (re)write every COMMENT
    ON, when the definitions changed since they were last applied to this database."""
    scripts, digest = ddl_scripts()
    try:
        applied = run(con, "core/select_schema_digest").fetchall()
    except duckdb.CatalogException:
        applied = []
    if applied == [(digest,)]:
        return
    with transaction(con):
        for script in scripts:
            con.execute(script)
        run(con, "core/delete_schema_digest")
        run(con, "core/insert_schema_digest", {"digest": digest})
