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

SQL is package data in ``sr_pipeline/sql/``, one folder per layer (``schema``, ``raw``,
``core``, ``snapshots``, ``marts``, ``dq``, and ``reads`` for what the bulletin, the export
and the UI previews read): one statement per file, named for what it does, addressed as
``"<layer>/<name>"`` and run with bound parameters (``$name``) through :func:`run`. A
DataFrame is handed to SQL as the view ``incoming``. Values are never formatted into SQL.
Scripts that define something together with its documentation (a table and its ``COMMENT
ON`` lines in ``schema/``; a view, ``view_*.sql``, or a macro, ``macro_*.sql``, in its
layer's folder) are the one exception to one-statement files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

if TYPE_CHECKING:
    from sr_pipeline.lake import Lake

SQL_ROOT = resources.files("sr_pipeline") / "sql"
# The layers in the order data flows; views and macros are defined in this order too.
LAYERS = ("raw", "core", "snapshots", "marts", "dq")
PUBLISHED_MODE = 0o444  # the published file is never written in place
# Reading what is published finds nothing yet: no tables (CatalogException), or a lake whose
# catalog was never created (InvalidInputException: "Existing DuckLake ... does not exist").
NOTHING_PUBLISHED = (duckdb.CatalogException, duckdb.InvalidInputException)


@cache
def sql(name: str) -> str:
    """The text of ``sr_pipeline/sql/<name>.sql`` (``name`` is ``"<layer>/<statement>"``)."""
    return (SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute the statement in ``sr_pipeline/sql/<name>.sql`` with bound parameters."""
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


def _dates(values: pd.Series) -> list:
    """A DATE column as sorted ``datetime.date`` values."""
    return sorted(pd.to_datetime(values).dt.date)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    "snapshots": ("core/month_versions", "snapshots/projects", "core/month_builds"),
    "marts": (
        "marts/bulletin_figures",
        "marts/budget_breakdown",
        "marts/reconciliation",
        "marts/monthly_changes",
        "marts/donors",
    ),
    "dq": ("dq/rejected_rows", "dq/rule_flags", "dq/rejected_files"),
}
# The public tables with a month's rows (as_of): what analysts query month by month.
MONTHLY_PUBLIC_TABLES = tuple(
    table.replace("/", ".")
    for layer in ("snapshots", "marts", "dq")
    for table in MONTH_LAYERS[layer]
    if not table.startswith("core/")
)


def refresh_data_quality(con: duckdb.DuckDBPyConnection) -> None:
    """marts.data_quality anew (one row per tracker version known): at each publication."""
    with transaction(con):
        run(con, "marts/delete_data_quality")
        run(con, "marts/insert_data_quality")


def rebuild_layer(con: duckdb.DuckDBPyConnection, layer: str, months: list) -> None:
    """Rebuild ``months`` of one layer, all or nothing. Rebuilding snapshots marks the months'
    marts and dq as pending until they are rebuilt too."""
    params = {"months": months}
    with transaction(con):
        for table in MONTH_LAYERS[layer]:
            folder, name = table.split("/")
            run(con, f"{folder}/delete_{name}", params)
            run(con, f"{folder}/insert_{name}", params)
        if layer != "snapshots":
            run(con, f"{layer}/mark_built", params)


@dataclass(frozen=True)
class _PublishProbe:
    """For the kill tests only (``tests/test_warehouse_kill.py``): with ``SR_PUBLISH_PROBE``
    naming a folder, each publication of a run is numbered (1, 2, ... across the run's
    processes), marks each point it reaches (``<n>-staged``: the staging copy complete, the
    published file not yet replaced; ``<n>-replaced``: just replaced) and waits there until the
    test releases it (``<n>-<point>.go``) or kills the run. Unset (always, outside those
    tests), it does nothing."""

    folder: Path | None
    number: int = 0

    @classmethod
    def start(cls) -> _PublishProbe:
        folder = os.environ.get("SR_PUBLISH_PROBE")
        if not folder:
            return cls(None)
        number = len(list(Path(folder).glob("*-started"))) + 1
        (Path(folder) / f"{number}-started").touch()
        return cls(Path(folder), number)

    def reached(self, point: str) -> None:
        if self.folder is None:
            return
        marker = self.folder / f"{self.number}-{point}"
        marker.touch()
        deadline = time.monotonic() + 120
        while not marker.with_name(f"{marker.name}.go").exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{marker} was never released")
            time.sleep(0.01)


@dataclass(frozen=True)
class Publication:
    """What a publication did: the months it completed (a failed run had left them with a new
    snapshot but old marts or dq), the published months it rebuilt (the work database had
    lost them) and, for a lake, the snapshot it created."""

    completed: list
    version: int | None = None
    restored: list = field(default_factory=list)  # published months the work database lacked


class FewerMonths(Exception):
    """A publication would hold fewer months than the one it replaces."""


class Warehouse:
    """Where a run builds (the private work database) and what it publishes to: the DuckDB
    file analysts open (``published``), or a DuckLake (``lake``, ``sr_pipeline.lake``). The
    work database, the bulletins and the feedback workbooks are in ``folder``: beside the
    published file, or for a lake the folder given (``SR_WORK_DIR``)."""

    def __init__(
        self, published: Path | None = None, lake: Lake | None = None, folder: Path | None = None
    ) -> None:
        if (published is None) == (lake is None):
            raise ValueError("a warehouse is either a published file or a lake")
        self.published = Path(published) if published is not None else None
        self.lake = lake
        if self.published is not None:
            self.folder = self.published.parent
            self.work = self.published.with_name(f"{self.published.stem}.work.duckdb")
        else:
            self.folder = Path(folder) if folder is not None else Path("warehouse")
            self.work = self.folder / "sr.work.duckdb"

    @property
    def label(self) -> str:
        """What was published to, for people: the file, or the lake's catalog."""
        return str(self.published) if self.lake is None else self.lake.label

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the work database (created, and its schema brought up to date).

        A work database whose tables an earlier version of the pipeline laid out differently
        is moved aside (``<name>.outdated-<time>.duckdb``, kept) and a new one started: raw
        is a cache of the trackers folder, so the next run reads the versions it needs again.
        """
        self.work.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.work))
        if not is_current(con):
            con.close()
            stamp = time.strftime("%Y%m%dT%H%M%S")
            aside = self.work.with_name(f"{self.work.stem}.outdated-{stamp}.duckdb")
            os.replace(self.work, aside)
            message = f"{self.work} was laid out by an earlier version: moved to {aside}"
            warnings.warn(message, stacklevel=3)
            con = duckdb.connect(str(self.work))
        try:
            apply_schema(con)
            yield con
        finally:
            con.close()

    def published_months(self) -> list:
        """The months the current publication holds (as_of dates; empty: nothing yet)."""
        if self.published is not None and not self.published.exists():
            return []
        try:
            with self.read_published_for_checks() as con:
                return _dates(frame(con, "reads/published_months")["as_of"])
        except NOTHING_PUBLISHED:
            return []

    def unbuilt_months(self, con: duckdb.DuckDBPyConnection, months: list) -> list:
        """Which of ``months`` the work database has no snapshot of (lost, or moved aside)."""
        built = set(_dates(frame(con, "core/select_built_months")["as_of"]))
        return [m for m in months if m not in built]

    def publish(self) -> Publication:
        """Rebuild every month the current publication holds and the work database lacks,
        complete any month a failed run left pending, then publish: atomically replace the
        published file by a copy of the work database, or copy what changed into the lake in
        one transaction. Refused (:class:`FewerMonths`) when a month published before would
        be missing or empty: a publication never holds fewer months than the one it
        replaces."""
        before = self.published_months()
        with self.connect() as con:
            restored = self.unbuilt_months(con, before)
            for layer in ("snapshots", "marts", "dq") if restored else ():
                rebuild_layer(con, layer, restored)
            counts = frame(con, "snapshots/count_projects", {"months": before})
            lost = sorted(set(before) - set(_dates(counts["as_of"])))
            if lost:
                raise FewerMonths(
                    f"Not published: the publication holds {len(before)} months and this one "
                    f"would have no projects for {', '.join(str(m) for m in lost)} (their "
                    "trackers are not in the trackers folder, or were not read). Put the "
                    "trackers back and run again; the publication is left as it was."
                )
            pending = [row[0] for row in run(con, "core/select_pending_months").fetchall()]
            if pending:
                rebuild_layer(con, "marts", pending)
                rebuild_layer(con, "dq", pending)
            refresh_data_quality(con)
            if self.lake is not None:
                _, version = self.lake.publish(con)
                return Publication(pending, version, restored)
            con.execute("CHECKPOINT")
        staging = self.published.with_name(f"{self.published.name}.tmp")
        staging.unlink(missing_ok=True)  # left by a run killed while publishing
        probe = _PublishProbe.start()
        shutil.copyfile(self.work, staging)
        # Read-only for everyone: an analyst's DuckDB in its default (read-write) mode is
        # refused at once ("Permission denied") instead of locking the file for the others and
        # writing a WAL beside it (root ignores file modes: see the README).
        os.chmod(staging, PUBLISHED_MODE)
        _fsync(staging)
        probe.reached("staged")
        os.replace(staging, self.published)
        probe.reached("replaced")
        # A WAL beside the published file was written by a read-write session on a file this
        # one replaces: every reader would replay it into the new file. It is not ours: drop it.
        self.published.with_name(f"{self.published.name}.wal").unlink(missing_ok=True)
        _fsync(self.published.parent)
        return Publication(pending, restored=restored)

    def remove_leftovers(self) -> list[Path]:
        """Temporary files and folders a killed run left beside the published file (the
        publishing copy, half-written feedback workbooks and templates, a bulletin month being
        rendered). Called at the start of a run, when nothing of its own exists yet."""
        folder = self.folder
        found = [
            *folder.glob("*.duckdb.tmp"),
            *folder.glob("feedback/*/.*.tmp"),
            *folder.glob("templates/.*.tmp"),
            *folder.glob("bulletins/.*"),
        ]
        removed = []
        for path in found:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink(missing_ok=True)
            else:
                continue
            removed.append(path)
        return removed

    def published_version(self) -> int | None:
        """The lake's current snapshot (what a reader sees now); None for the DuckDB file."""
        if self.lake is None:
            return None
        with self.lake.reader() as con:
            return int(run(con, "lake/select_current_version").fetchone()[0])

    def known_refusals(self) -> frozenset[str]:
        """The sha256 of the versions the published warehouse knows are refused."""
        if self.published is not None and not self.published.exists():
            return frozenset()
        try:
            with self.read_published() as con:
                rows = run(con, "raw/select_refused_versions").fetchall()
        except (duckdb.IOException, duckdb.CatalogException):  # held read-write, or empty
            return frozenset()
        return frozenset(row[0] for row in rows)

    def published_month_versions(self, months: list) -> pd.DataFrame:
        """core.month_versions as published, for ``months`` (empty: nothing published yet)."""
        columns = ["as_of", "fund", "sha256", "source_file", "report_date", "revision"]
        if self.published is not None and not self.published.exists():
            return pd.DataFrame(columns=columns)
        try:
            with self.read_published_for_checks() as con:
                return frame(con, "reads/published_month_versions", {"months": months})
        except NOTHING_PUBLISHED:
            return pd.DataFrame(columns=columns)

    @contextmanager
    def read_published_for_checks(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """What is published, to check a run against it: :meth:`read_published`, or when a
        read-write session holds the file's lock (an analyst, see the README), a private copy
        of the file beside it (the publication is its main file; the session's log is not)."""
        if self.lake is not None:
            with self.read_published() as con:
                yield con
            return
        copy = None
        try:
            con = duckdb.connect(str(self.published), read_only=True)
        except duckdb.IOException:
            copy = self.published.with_name(f"{self.published.name}.{os.getpid()}.duckdb.tmp")
            shutil.copyfile(self.published, copy)
            con = duckdb.connect(str(copy), read_only=True)
        try:
            yield con
        finally:
            con.close()
            if copy is not None:
                copy.unlink(missing_ok=True)

    @contextmanager
    def read_published(self, version: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to what is published, as an analyst opens it: the file, or
        the lake (``USE sr``; its current snapshot, or snapshot ``version``)."""
        if self.lake is not None:
            with self.lake.reader(version) as con:
                yield con
            return
        con = duckdb.connect(str(self.published), read_only=True)
        try:
            yield con
        finally:
            con.close()
