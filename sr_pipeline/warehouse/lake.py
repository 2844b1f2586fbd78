"""The shared warehouse: a DuckLake (catalog in PostgreSQL, data as Parquet files).

``SR_WAREHOUSE=ducklake:postgres:<libpq connection string>`` with ``SR_LAKE_DATA`` (the folder
or object-store path of the Parquet files) publishes into a lake instead of a DuckDB file.
Runs still build in their private work database (local, and the same SQL in both modes);
publishing copies into the lake, in ONE DuckLake transaction, the public tables of the months
rebuilt since the last publication (``core.month_builds.built_at`` against the lake's
``core.published_builds``) and the small tables whole (the versions read, the reference data,
the publications). A reader sees the previous snapshot or the new one, never half a month; a
run killed mid-publication commits nothing; two writers at once conflict in DuckLake's
optimistic commit, and the one that lost tries its step again.

The lake holds the same definitions as the work database (tables with their ``COMMENT ON``,
views, macros): an analyst's query reads the same names in both modes. The rows read from each
tracker version (``raw.qip_projects`` ...) stay in the pipeline's work database; in the lake
those tables are empty.

Analysts attach the catalog ``READ_ONLY``, with a PostgreSQL role that may only read it
(``deploy/ducklake/roles.sql``) and a data path they may only read. Each publication is a
DuckLake snapshot; ``marts.publications`` records, per rendered bulletin, the snapshot it shows,
and ``AT (VERSION => n)`` reads exactly that. The extensions come from PyPI packages
(``duckdb-extension-ducklake``, ``duckdb-extension-postgres-scanner``, built for duckdb 1.5.5)
and are ``LOAD``ed from there: ``INSTALL`` would download them, and there is no internet.

The catalog's password never travels in ``SR_WAREHOUSE`` (a setting shown in run
configurations, process lists and error messages): a connection string holding one is refused,
and libpq reads it from ``PGPASSFILE`` (``~/.pgpass``) or ``PGPASSWORD``. The connection string
is parsed as libpq parses it; what public outputs show (the bulletin's footer,
``marts.publications``, run metadata) is :attr:`Lake.label`, the database name alone (no host,
no user). An error while attaching is raised again with any password taken out.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb

from sr_pipeline import settings
from sr_pipeline.warehouse.layers import MONTHLY_PUBLIC_TABLES
from sr_pipeline.warehouse.schema import apply_schema
from sr_pipeline.warehouse.sql import run, sql, transaction

PREFIX = "ducklake:postgres:"
ALIAS = "lake"  # the name the pipeline attaches the lake under (analysts: "sr", their choice)
EXTENSIONS = ("ducklake", "postgres_scanner")
RETRIES = 5  # a step that lost its commit to a concurrent writer is tried again
T = TypeVar("T")
# Files of expired snapshots are deleted once scheduled this long ago: DuckLake's advice, since
# a query that started before the expiry may still be scanning them.
FILES_GRACE = timedelta(days=2)

# Tables with rows per month (the months rebuilt are replaced), and tables copied whole.
MONTH_TABLES = (*MONTHLY_PUBLIC_TABLES, "core.month_versions")
WHOLE_TABLES = (
    "marts.publications",
    "marts.data_quality",
    "raw.tracker_files",
    "raw.tracker_folder",
    "core.feedback_files",
    "core.funds",
    "core.budget_lines",
    "core.regions",
    "core.statuses",
    "core.breakdown_categories",
    "core.published_figures",
)


def extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file shipped by ``duckdb-extension-<name>``."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or spec.origin is None:
        raise RuntimeError(f"duckdb-extension-{name.replace('_', '-')} is not installed")
    version = f"v{duckdb.__version__}"
    path = Path(spec.origin).parent / "extensions" / version / f"{name}.duckdb_extension"
    if not path.exists():
        raise RuntimeError(f"{path} is missing: the extension must match duckdb {version}")
    return path


def sql_literal(value: str) -> str:
    """A SQL string literal, for the statements that take no bound parameters (``LOAD``,
    ``ATTACH``): their values are the operator's settings and the package's own files, quoted
    here, control characters refused. Nowhere else does a value enter SQL text."""
    if any(ord(ch) < 32 for ch in value):
        raise ValueError("a lake setting holds a control character")
    return "'" + value.replace("'", "''") + "'"


class LakeSettingError(ValueError):
    """A lake setting that cannot be used; the message says why, never the secret."""


def parse_catalog(catalog: str) -> dict[str, str]:
    """The libpq keywords of a ``ducklake:postgres:`` catalog, parsed as libpq parses them
    (``key=value`` words, quoted values, or a ``postgresql://`` URI); refused if a password is
    among them."""
    from psycopg2 import ProgrammingError
    from psycopg2.extensions import parse_dsn

    if not catalog.startswith(PREFIX):
        raise LakeSettingError(f"a lake catalog starts with {PREFIX}")
    try:
        keywords = parse_dsn(catalog[len(PREFIX) :])
    except ProgrammingError:
        raise LakeSettingError(
            f"the lake catalog after {PREFIX} is not a libpq connection string "
            "(dbname=... host=... user=...)"
        ) from None
    if "password" in keywords:
        raise LakeSettingError(
            "the lake catalog (SR_WAREHOUSE) holds a password: take it out and give it to "
            "libpq in the service user's ~/.pgpass (or the file PGPASSFILE names, mode 0600) "
            "or in PGPASSWORD; a setting is shown in run configurations and error messages"
        )
    return keywords


_PASSWORD_WORD = re.compile(r"password\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_URI_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every password taken out: ``password=...`` words (quoted or not), the
    password of a ``postgresql://user:password@`` URI, and PGPASSWORD's value wherever it
    appears."""
    text = _PASSWORD_WORD.sub("password=***", text)
    text = _URI_PASSWORD.sub(r"\1:***@", text)
    secret = os.environ.get("PGPASSWORD", "")
    return text.replace(secret, "***") if len(secret) >= 4 else text


def _copy_statements(table: str, by_month: bool) -> tuple[str, str]:
    """Delete and insert statements copying one of the whitelisted tables from the work
    database into the lake (identifiers from MONTH_TABLES / WHOLE_TABLES, never values)."""
    if table not in MONTH_TABLES + WHOLE_TABLES:
        raise ValueError(table)
    where = " WHERE list_contains($months, as_of)" if by_month else ""
    # Identifiers from the constant lists above; the months are a bound parameter.
    return (
        f"DELETE FROM {ALIAS}.{table}{where}",  # noqa: S608
        f"INSERT INTO {ALIAS}.{table} SELECT * FROM {table}{where}",  # noqa: S608
    )


@dataclass(frozen=True)
class Lake:
    """A DuckLake catalog (``ducklake:postgres:...``) and the path of its data files."""

    catalog: str
    data_path: str

    def __post_init__(self) -> None:
        parse_catalog(self.catalog)
        if not self.data_path:
            raise ValueError("SR_LAKE_DATA (where the lake's data files go) is not set")

    @property
    def label(self) -> str:
        """The catalog as public outputs name it (the bulletin, ``marts.publications``, run
        metadata): its database alone, neither host nor user."""
        dbname = parse_catalog(self.catalog).get("dbname", "")
        return f"{PREFIX}dbname={dbname}" if dbname else f"{PREFIX}(the user's database)"

    def attach(
        self, con: duckdb.DuckDBPyConnection, read_only: bool = False, version: int | None = None
    ) -> None:
        """Attach the lake as ``lake`` (at snapshot ``version``, when given). The first attach
        of an empty catalog creates DuckLake's tables in it."""
        for name in EXTENSIONS:
            con.execute(f"LOAD {sql_literal(str(extension_file(name)))}")
        data = self.data_path if "://" in self.data_path else f"{Path(self.data_path)}/"
        options = [f"DATA_PATH {sql_literal(data)}"]
        if read_only:
            options.append("READ_ONLY")
        if version is not None:
            options.append(f"SNAPSHOT_VERSION {int(version)}")
        try:
            con.execute(f"ATTACH {sql_literal(self.catalog)} AS {ALIAS} ({', '.join(options)})")
        except duckdb.Error as error:
            # The same kind of error (the retries look at it), its text without a password.
            raise type(error)(redact(str(error))) from None

    @contextmanager
    def reader(self, version: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection reading the lake as an analyst does (``READ_ONLY``, then ``USE``): its
        current snapshot, or snapshot ``version``."""
        con = duckdb.connect()
        try:
            self.attach(con, read_only=True, version=version)
            con.execute(f"USE {ALIAS}")
            yield con
        finally:
            con.close()

    def publish(self, work: duckdb.DuckDBPyConnection) -> tuple[list[date], int]:
        """Copy what changed since the last publication into the lake, in one transaction.
        Each step is tried again when a concurrent writer won the commit. Returns the months
        replaced and the lake's snapshot after the publication."""
        _retrying(lambda: self.attach(work))
        try:
            _retrying(lambda: self._define(work))
            months = _retrying(lambda: self._copy_changed(work))
            return months, int(run(work, "lake/select_current_version").fetchone()[0])
        finally:
            work.execute(f"DETACH {ALIAS}")

    def _copy_changed(self, work: duckdb.DuckDBPyConnection) -> list[date]:
        with transaction(work):
            months = [r[0] for r in run(work, "lake/select_changed_months").fetchall()]
            self._copy(work, months)
        return months

    def _define(self, work: duckdb.DuckDBPyConnection) -> None:
        """The work database's definitions in the lake (when they changed), and the lake's own
        bookkeeping table."""
        home = run(work, "lake/select_work_database").fetchone()[0]
        work.execute(f"USE {ALIAS}")
        try:
            apply_schema(work)
        finally:
            work.execute(f"USE {_identifier(home)}")
        work.execute(sql("lake/define_published_builds"))

    def _copy(self, work: duckdb.DuckDBPyConnection, months: list[date]) -> None:
        for table in MONTH_TABLES:
            for statement in _copy_statements(table, by_month=True):
                work.execute(statement, {"months": months})
        for table in WHOLE_TABLES:
            for statement in _copy_statements(table, by_month=False):
                work.execute(statement)
        run(work, "lake/delete_published_builds")
        run(work, "lake/insert_published_builds")

    def expire(self, before: datetime, files_grace: timedelta = FILES_GRACE) -> list[int]:
        """Expire the snapshots taken before ``before``, except every snapshot a publication
        shows (a published bulletin stays queryable ``AT (VERSION => n)``) and the current
        one; then delete the data files expiries scheduled for deletion more than
        ``files_grace`` ago (a reader may still be scanning newer ones). Returns the versions
        expired."""
        con = duckdb.connect()
        try:
            self.attach(con)
            versions = [
                int(r[0]) for r in run(con, "lake/select_expirable", {"before": before}).fetchall()
            ]
            if versions:
                run(con, "lake/expire_snapshots", {"versions": versions})
            scheduled_before = datetime.now(UTC) - files_grace
            run(con, "lake/cleanup_old_files", {"scheduled_before": scheduled_before})
            return versions
        finally:
            con.close()

    def snapshots(self) -> list[tuple]:
        """(version, time, months whose bulletin shows it) for every snapshot of the lake."""
        con = duckdb.connect()
        try:
            self.attach(con, read_only=True)
            return run(con, "lake/select_snapshots").fetchall()
        finally:
            con.close()


def configured_lake(setting: str | None = None, lake_data: str | None = None) -> Lake | None:
    """The lake ``SR_WAREHOUSE`` (or ``setting``) names; None when it names a DuckDB file."""
    value = setting or settings.warehouse_setting()
    if not value.startswith("ducklake:"):
        return None
    return Lake(value, settings.lake_data(lake_data))


def main(argv: list[str] | None = None) -> int:
    """``python -m sr_pipeline.warehouse.lake extensions`` prints the ``LOAD`` statements of the
    extensions this venv ships; ``snapshots`` lists the lake's snapshots;
    ``python -m sr_pipeline.warehouse.lake expire --before 2026-01-01`` expires those older (never a
    published one) and deletes their files after the grace period."""
    parser = argparse.ArgumentParser(
        prog="python -m sr_pipeline.warehouse.lake", description=main.__doc__
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extensions", help="the LOAD statements of the shipped extensions")
    commands.add_parser("snapshots", help="list the snapshots and the bulletins showing them")
    expire = commands.add_parser("expire", help="expire unpublished snapshots older than a date")
    expire.add_argument("--before", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    expire.add_argument("--files-grace-days", type=float, default=FILES_GRACE.days)
    args = parser.parse_args(argv)
    if args.command == "extensions":
        for name in EXTENSIONS:
            print(f"LOAD {sql_literal(str(extension_file(name)))};")
        return 0
    lake = configured_lake()
    if lake is None:
        print("SR_WAREHOUSE names a DuckDB file, not a lake: nothing to do", file=sys.stderr)
        return 1
    if args.command == "snapshots":
        for version, taken, bulletins in lake.snapshots():
            print(f"{version:>6}  {taken:%Y-%m-%d %H:%M:%S %Z}  {bulletins or ''}")
        return 0
    before = datetime.combine(args.before, datetime.min.time(), tzinfo=UTC)
    expired = lake.expire(before, timedelta(days=args.files_grace_days))
    print(f"expired {len(expired)} snapshots" + (f": {expired}" if expired else ""))
    return 0


def _retrying(step: Callable[[], T]) -> T:
    """``step()``, tried again (up to RETRIES times, backing off) when a concurrent writer got
    there first: DuckLake refused the commit, or two first runs both created the catalog's
    tables. Steps are idempotent."""
    for attempt in range(1, RETRIES + 1):
        try:
            return step()
        except duckdb.Error as error:
            if attempt == RETRIES or not _lost_to_concurrent_writer(error):
                raise
            time.sleep(0.25 * attempt)
    raise AssertionError("unreachable")


# DuckDB's text of an error starts with its kind: "Catalog Error: Failed to initialize DuckLake:
# Table with name "ducklake_snapshot" already exists!" when another run created the catalog.
_CATALOG_CREATED_MEANWHILE = re.compile(r"(?:[A-Za-z ]+ Error: )?Failed to initialize DuckLake")


def _lost_to_concurrent_writer(error: duckdb.Error) -> bool:
    return isinstance(error, duckdb.TransactionException) or bool(
        _CATALOG_CREATED_MEANWHILE.match(str(error))
    )


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


if __name__ == "__main__":
    sys.exit(main())
