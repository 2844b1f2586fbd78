"""The DuckDB warehouse: the one helper that runs SQL files, and build-then-publish.

Analysts keep the published file (``SR_WAREHOUSE``) open while runs happen, so a run never
writes to it. Runs write the private work database beside it (``<name>.work.duckdb``), each
step one transaction per layer; the last step publishes: it completes any month a failed run
left half-built (marts and dq are pure SQL of the month's snapshot, so a pending month is
finished, never shown half-done), ``CHECKPOINT``s, copies the work database to a temporary
file in the same folder, ``fsync``s it and ``os.replace``s it onto the published path. The
rename is atomic: a reader sees the old file or the new one, and a session that already has
the old file open keeps reading it (its inode lives on) and never blocks the run. A run that
crashes or is killed (even mid-transaction: DuckDB rolls back what was not committed) leaves
the published file untouched.

SQL lives in ``warehouse/sql/``: one statement per file, named for what it does, run with
bound parameters (``$name``) through :func:`run`. A DataFrame is handed to SQL as the view
``incoming``. Values are never formatted into SQL. The DDL scripts in ``warehouse/sql/ddl/``
(a table and its ``COMMENT ON`` lines, no values) are the one exception to one-statement
files: a table and its documentation belong together.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sr_pipeline.settings import SQL_DIR

DDL_DIR = SQL_DIR / "ddl"


@cache
def sql(name: str) -> str:
    """The text of ``warehouse/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute the statement in ``warehouse/sql/<name>.sql`` with bound parameters."""
    return con.execute(sql(name), dict(params or {}))


def frame(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None):
    """Run a query file and return its result as a DataFrame."""
    return run(con, name, params).df()


def run_with(
    con: duckdb.DuckDBPyConnection,
    name: str,
    incoming: pd.DataFrame,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Run a statement that reads the DataFrame ``incoming`` (registered as a view)."""
    con.register("incoming", incoming)
    try:
        run(con, name, params)
    finally:
        con.unregister("incoming")


@cache
def ddl_scripts() -> tuple[tuple[str, ...], str]:
    """The DDL scripts in order, and their digest."""
    scripts = tuple(p.read_text(encoding="utf-8") for p in sorted(DDL_DIR.glob("*.sql")))
    return scripts, hashlib.sha256("\n".join(scripts).encode()).hexdigest()


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (schemas, tables, views) and (re)write every COMMENT ON, when
    the DDL changed since it was last applied to this database."""
    scripts, digest = ddl_scripts()
    try:
        applied = run(con, "select_core_schema_digest").fetchall()
    except duckdb.CatalogException:
        applied = []
    if applied == [(digest,)]:
        return
    with transaction(con):
        for script in scripts:
            con.execute(script)
        run(con, "delete_core_schema_digest")
        run(con, "insert_core_schema_digest", {"digest": digest})


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit on success, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


# The month-level layers, each rebuilt for a list of months by delete-then-insert statements
# (in this order) in one transaction. A snapshot rebuild resets the month's bookkeeping
# (core.month_builds: marts and dq pending); marts and dq mark themselves built.
MONTH_LAYERS: dict[str, tuple[str, ...]] = {
    "snapshots": ("core_month_versions", "snapshots_projects", "core_month_builds"),
    "marts": (
        "marts_bulletin_figures",
        "marts_budget_breakdown",
        "marts_reconciliation",
        "marts_monthly_changes",
    ),
    "dq": ("dq_rejected_rows", "dq_rule_flags", "dq_rejected_files"),
}


def build_months(con: duckdb.DuckDBPyConnection, layer: str, months: list) -> None:
    """Rebuild ``months`` of one layer, all or nothing. Rebuilding snapshots marks the months'
    marts and dq as pending until they are rebuilt too."""
    params = {"months": months}
    with transaction(con):
        for table in MONTH_LAYERS[layer]:
            run(con, f"delete_{table}", params)
            run(con, f"insert_{table}", params)
        if layer != "snapshots":
            run(con, f"mark_{layer}_built", params)


class Warehouse:
    """The published DuckDB file, and the work database beside it that runs write."""

    def __init__(self, published: Path) -> None:
        self.published = Path(published)
        self.work = self.published.with_name(f"{self.published.stem}.work.duckdb")

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the work database (created, and its schema brought up to date)."""
        self.work.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.work))
        try:
            apply_schema(con)
            yield con
        finally:
            con.close()

    def publish(self) -> list:
        """Complete any month a failed run left pending, then atomically replace the published
        file by a copy of the work database. Returns the months completed here."""
        with self.connect() as con:
            pending = [row[0] for row in run(con, "select_pending_months").fetchall()]
            if pending:
                build_months(con, "marts", pending)
                build_months(con, "dq", pending)
            con.execute("CHECKPOINT")
        staging = self.published.with_name(f"{self.published.name}.tmp")
        shutil.copyfile(self.work, staging)
        fd = os.open(staging, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(staging, self.published)
        dir_fd = os.open(self.published.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return pending

    @contextmanager
    def read_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the published file, as an analyst would open it."""
        con = duckdb.connect(str(self.published), read_only=True)
        try:
            yield con
        finally:
            con.close()
