"""The one helper that runs SQL files: the statement files in ``sr_pipeline/warehouse/sql/``,
addressed as ``"<layer>/<name>"``, run with bound parameters (``$name``), and transactions.

SQL is package data, one folder per layer (``schema``, ``raw``, ``core``, ``snapshots``,
``marts``, ``dq``, ``lake``, and ``reads`` for what the bulletin, the export and the UI previews
read): one statement per file, named for what it does. A DataFrame is handed to SQL as the view
``incoming``. Values are never formatted into SQL. Scripts that define something together with
its documentation (a table and its ``COMMENT ON`` lines in ``schema/``; a view, ``view_*.sql``,
or a macro, ``macro_*.sql``, in its layer's folder) are the one exception to one-statement files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

SQL_ROOT = resources.files("sr_pipeline.warehouse") / "sql"


@cache
def sql(name: str) -> str:
    """The text of ``sr_pipeline/warehouse/sql/<name>.sql`` (``name`` is
    ``"<layer>/<statement>"``)."""
    return (SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute the statement in ``sr_pipeline/warehouse/sql/<name>.sql`` with bound parameters."""
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
