"""Build, then publish: the work database a run builds in, and the one interface
(:class:`Publisher`) with its two strategies, the DuckDB file analysts open
(:class:`PublishedFile`, here) and the section's DuckLake (``sr_pipeline.warehouse.lake``).

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
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from sr_pipeline import settings
from sr_pipeline.warehouse.lake import Lake, configured_lake
from sr_pipeline.warehouse.layers import rebuild_layer, refresh_data_quality
from sr_pipeline.warehouse.schema import apply_schema, is_current
from sr_pipeline.warehouse.sql import frame, run

PUBLISHED_MODE = 0o444  # the published file is never written in place
# Reading what is published finds nothing yet: no tables (CatalogException), or a lake whose
# catalog was never created (InvalidInputException: "Existing DuckLake ... does not exist").
NOTHING_PUBLISHED = (duckdb.CatalogException, duckdb.InvalidInputException)


class Publisher(Protocol):
    """Where a run publishes to, as the warehouse uses it."""

    @property
    def label(self) -> str:
        """What was published to, for people (no secret in it)."""

    def absent(self) -> bool:
        """True when nothing can have been published yet (no file)."""

    def publish(self, work: duckdb.DuckDBPyConnection) -> int | None:
        """Put the work database's content where readers see it, or get it ready to be
        (:meth:`finish`); the lake's new snapshot, None for a file."""

    def finish(self, work: Path) -> None:
        """Complete the publication once the work database is closed."""

    def reader(self, version: int | None = None) -> AbstractContextManager:
        """A read-only connection to what is published, as an analyst opens it."""

    def reader_for_checks(self) -> AbstractContextManager:
        """What is published, to check a run against it, even while an analyst holds it."""

    def version(self) -> int | None:
        """The current snapshot (what a reader sees now); None for a file."""


def _dates(values: pd.Series) -> list:
    """A DATE column as sorted ``datetime.date`` values."""
    return sorted(pd.to_datetime(values).dt.date)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
class PublishedFile:
    """The DuckDB file analysts open, replaced atomically by a copy of the work database."""

    path: Path

    @property
    def label(self) -> str:
        return str(self.path)

    def absent(self) -> bool:
        return not self.path.exists()

    def publish(self, work: duckdb.DuckDBPyConnection) -> int | None:
        work.execute("CHECKPOINT")
        return None

    def finish(self, work: Path) -> None:
        staging = self.path.with_name(f"{self.path.name}.tmp")
        staging.unlink(missing_ok=True)  # left by a run killed while publishing
        probe = _PublishProbe.start()
        shutil.copyfile(work, staging)
        # Read-only for everyone: an analyst's DuckDB in its default (read-write) mode is
        # refused at once ("Permission denied") instead of locking the file for the others and
        # writing a WAL beside it (root ignores file modes: see the README).
        os.chmod(staging, PUBLISHED_MODE)
        _fsync(staging)
        probe.reached("staged")
        os.replace(staging, self.path)
        probe.reached("replaced")
        # A WAL beside the published file was written by a read-write session on a file this
        # one replaces: every reader would replay it into the new file. It is not ours: drop it.
        self.path.with_name(f"{self.path.name}.wal").unlink(missing_ok=True)
        _fsync(self.path.parent)

    @contextmanager
    def reader(self, version: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def reader_for_checks(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """:meth:`reader`, or when a read-write session holds the file's lock (an analyst, see
        the README), a private copy of the file beside it (the publication is its main file;
        the session's log is not)."""
        copy = None
        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.IOException:
            copy = self.path.with_name(f"{self.path.name}.{os.getpid()}.duckdb.tmp")
            shutil.copyfile(self.path, copy)
            con = duckdb.connect(str(copy), read_only=True)
        try:
            yield con
        finally:
            con.close()
            if copy is not None:
                copy.unlink(missing_ok=True)

    def version(self) -> int | None:
        return None


@dataclass(frozen=True)
class PublishedLake:
    """The section's DuckLake as a :class:`Publisher` (the lake itself is in ``lake.py``)."""

    lake: Lake

    @property
    def label(self) -> str:
        return self.lake.label

    def absent(self) -> bool:
        return False

    def publish(self, work: duckdb.DuckDBPyConnection) -> int | None:
        return self.lake.publish(work)[1]

    def finish(self, work: Path) -> None:
        return None  # committed in the lake by publish

    def reader(self, version: int | None = None) -> AbstractContextManager:
        return self.lake.reader(version)

    def reader_for_checks(self) -> AbstractContextManager:
        return self.lake.reader()

    def version(self) -> int | None:
        with self.lake.reader() as con:
            return int(run(con, "lake/select_current_version").fetchone()[0])


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
    file analysts open (``published``), or a DuckLake (``lake``, ``sr_pipeline.warehouse.lake``),
    each a :class:`Publisher`. The work database, the bulletins and the feedback workbooks are
    in ``folder``: beside the published file, or for a lake the folder given (``SR_WORK_DIR``)."""

    def __init__(
        self, published: Path | None = None, lake: Lake | None = None, folder: Path | None = None
    ) -> None:
        if (published is None) == (lake is None):
            raise ValueError("a warehouse is either a published file or a lake")
        self.published = Path(published) if published is not None else None
        self.lake = lake
        if self.published is not None:
            self.publisher: Publisher = PublishedFile(self.published)
            self.folder = self.published.parent
            self.work = self.published.with_name(f"{self.published.stem}.work.duckdb")
        else:
            self.publisher = PublishedLake(lake)
            self.folder = Path(folder) if folder is not None else Path("warehouse")
            self.work = self.folder / "sr.work.duckdb"

    @property
    def label(self) -> str:
        """What was published to, for people: the file, or the lake's catalog."""
        return self.publisher.label

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
        if self.publisher.absent():
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
        complete any month a failed run left pending, then publish through the
        :class:`Publisher`: atomically replace the published file by a copy of the work
        database, or copy what changed into the lake in one transaction. Refused
        (:class:`FewerMonths`) when a month published before would be missing or empty: a
        publication never holds fewer months than the one it replaces."""
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
            version = self.publisher.publish(con)
        self.publisher.finish(self.work)
        return Publication(pending, version, restored)

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
        return self.publisher.version()

    def known_refusals(self) -> frozenset[str]:
        """The sha256 of the versions the published warehouse knows are refused."""
        if self.publisher.absent():
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
        if self.publisher.absent():
            return pd.DataFrame(columns=columns)
        try:
            with self.read_published_for_checks() as con:
                return frame(con, "reads/published_month_versions", {"months": months})
        except NOTHING_PUBLISHED:
            return pd.DataFrame(columns=columns)

    def read_published_for_checks(self) -> AbstractContextManager:
        """What is published, to check a run against it (:meth:`Publisher.reader_for_checks`)."""
        return self.publisher.reader_for_checks()

    def read_published(self, version: int | None = None) -> AbstractContextManager:
        """A read-only connection to what is published, as an analyst opens it: the file, or
        the lake (``USE sr``; its current snapshot, or snapshot ``version``)."""
        return self.publisher.reader(version)


def configured(
    setting: str | None = None, lake_data: str | None = None, work_dir: str | None = None
) -> Warehouse:
    """The warehouse the settings name (arguments override the environment)."""
    lake = configured_lake(setting, lake_data)
    if lake is not None:
        return Warehouse(lake=lake, folder=settings.work_dir(work_dir))
    return Warehouse(published=settings.resolve(setting or settings.warehouse_setting()))
