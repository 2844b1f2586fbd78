"""Publishing, called directly on real DuckDB files in ``tmp_path`` (no Dagster run): the
work database a run connects to (created, or set aside when an earlier version laid it out),
the publication that rebuilds the months the work database lost and refuses one with fewer
months, and the published file's replacement.

Guards against: a publication that drops a month analysts saw before (a tracker missing from
the folder, a work database lost after an upgrade) instead of refusing or restoring it; a
refusal that replaces the file all the same, or whose message does not say which months and
what to do; a work database laid out by an earlier version reused (every statement would
fail) or thrown away instead of kept aside under a dated name; a current work database set
aside at every run (the months it held lost); the work folder not created; a publication that
does not say which months it completed or restored, or loses the lake's snapshot number.
"""

from __future__ import annotations

import os
import re
import stat
import time
import warnings
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sr_pipeline.warehouse.lake import Lake
from sr_pipeline.warehouse.layers import rebuild_layer
from sr_pipeline.warehouse.publishing import FewerMonths, Warehouse
from sr_pipeline.warehouse.reference import load_core_reference
from tests.sql.warehouse_rows import Warehouse as Rows

APRIL, MAY, JUNE = date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30)


class FileRows(Rows):
    """The SQL tests' hand-written rows, written into a work database file."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        load_core_reference(con)


def read_trackers(con: duckdb.DuckDBPyConnection, months: dict[date, list[float]]) -> None:
    """What the raw step records for QIP trackers of ``months``: one version each, its
    projects' budgets (none: a tracker read with no project in it)."""
    w = FileRows(con)
    for month, budgets in months.items():
        sha = w.version("QIP", month)
        for n, budget in enumerate(budgets, start=1):
            w.project(sha, "QIP", f"QIP/GAO/2018/{n:03}", budget_usd=budget, source_row=n)


def build(con: duckdb.DuckDBPyConnection, *months: date) -> None:
    for layer in ("snapshots", "marts", "dq"):
        rebuild_layer(con, layer, list(months))


def file_catalog_lake(catalog: Path, data_path: str) -> Lake:
    """A DuckLake with its catalog in a DuckDB file instead of PostgreSQL, which the setting's
    check (``parse_catalog``) would refuse: the lake is built past that check."""
    lake = object.__new__(Lake)
    object.__setattr__(lake, "catalog", f"ducklake:{catalog}")
    object.__setattr__(lake, "data_path", data_path)
    return lake


def published_rows(path: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()


SNAPSHOT = "SELECT as_of, project_code, budget_usd FROM snapshots.projects ORDER BY ALL"
BUDGETS = ("SELECT as_of, value FROM marts.bulletin_figures "
           "WHERE fund = 'QIP' AND figure = 'budget_usd' ORDER BY ALL")  # fmt: skip
BUILDS = "SELECT as_of, marts_built, dq_built FROM core.month_builds ORDER BY ALL"


@pytest.fixture
def may_and_june_published(tmp_path: Path) -> Warehouse:
    """May (one project) and June (two) built and published."""
    target = Warehouse(tmp_path / "sr.duckdb")
    with target.connect() as con:
        read_trackers(con, {MAY: [10_000.0], JUNE: [12_000.0, 30_000.0]})
        build(con, MAY, JUNE)
    publication = target.publish()
    assert (publication.completed, publication.restored) == ([], [])
    assert published_rows(target.published, SNAPSHOT) == [
        (MAY, "QIP/GAO/2018/001", 10_000.0),
        (JUNE, "QIP/GAO/2018/001", 12_000.0),
        (JUNE, "QIP/GAO/2018/002", 30_000.0),
    ]
    return target


# --- the months a publication holds ----------------------------------------------------------


def test_a_lost_work_database_has_the_published_months_rebuilt_not_dropped(
    may_and_june_published: Warehouse,
) -> None:
    """The work database is lost (or set aside) and the next run reads May's and June's
    trackers again but builds June only: May, published before, is rebuilt in every layer
    and published again, and the publication says so."""
    target = may_and_june_published
    target.work.unlink()
    with target.connect() as con:
        read_trackers(con, {MAY: [10_000.0], JUNE: [12_000.0, 30_000.0]})
        build(con, JUNE)
    publication = target.publish()
    assert publication.restored == [MAY]
    assert publication.completed == []
    assert publication.version is None  # a file has no snapshot number
    published = target.published
    assert published_rows(published, SNAPSHOT) == [
        (MAY, "QIP/GAO/2018/001", 10_000.0),
        (JUNE, "QIP/GAO/2018/001", 12_000.0),
        (JUNE, "QIP/GAO/2018/002", 30_000.0),
    ]
    assert published_rows(published, BUDGETS) == [(MAY, 10_000.0), (JUNE, 42_000.0)]
    assert published_rows(published, BUILDS) == [(MAY, True, True), (JUNE, True, True)]


def test_a_publication_with_fewer_months_is_refused_and_the_file_left_as_it_was(
    may_and_june_published: Warehouse,
) -> None:
    """Since May was published, its tracker left the folder (the work database, lost, is
    rebuilt from what is there: June): the publication is refused, with the months it would
    lose and what to do, and the published file is not replaced."""
    target = may_and_june_published
    published = target.published
    before = published.read_bytes()
    inode = published.stat().st_ino
    target.work.unlink()
    with target.connect() as con:
        read_trackers(con, {JUNE: [12_000.0, 30_000.0]})
        build(con, JUNE)
    with pytest.raises(FewerMonths) as refused:
        target.publish()
    assert str(refused.value) == (
        "Not published: the publication holds 2 months and this one would have no projects "
        "for 2018-05-31 (their trackers are not in the trackers folder, or were not read). "
        "Put the trackers back and run again; the publication is left as it was."
    )
    assert published.stat().st_ino == inode and published.read_bytes() == before
    assert sorted(p.name for p in published.parent.iterdir()) == ["sr.duckdb", "sr.work.duckdb"]
    assert published_rows(published, "SELECT DISTINCT as_of FROM snapshots.projects "
                          "ORDER BY ALL") == [(MAY,), (JUNE,)]  # fmt: skip


def test_months_read_empty_are_refused_too_and_named_in_order(
    may_and_june_published: Warehouse,
) -> None:
    """May's and June's trackers are read again but hold no project any more (a clerk's
    emptied copy): both published months would be empty, both are named, in date order."""
    target = may_and_june_published
    target.work.unlink()
    with target.connect() as con:
        read_trackers(con, {JUNE: [], MAY: []})
        build(con, JUNE, MAY)
    with pytest.raises(FewerMonths, match=re.escape(
        "holds 2 months and this one would have no projects for 2018-05-31, 2018-06-30 (their"
    )):  # fmt: skip
        target.publish()
    assert published_rows(target.published, "SELECT count(*) FROM snapshots.projects") == [(3,)]


def test_a_publication_may_hold_more_months_and_completes_the_pending_one(
    may_and_june_published: Warehouse,
) -> None:
    """April added and its marts and dq not built (a run that failed after its snapshot):
    the publication completes April and holds the three months."""
    target = may_and_june_published
    with target.connect() as con:
        read_trackers(con, {APRIL: [5_000.0]})
        rebuild_layer(con, "snapshots", [APRIL])
    publication = target.publish()
    assert publication.completed == [APRIL]
    assert (publication.restored, publication.version) == ([], None)
    assert published_rows(target.published, BUDGETS) == [
        (APRIL, 5_000.0), (MAY, 10_000.0), (JUNE, 42_000.0)
    ]  # fmt: skip
    assert published_rows(target.published, BUILDS) == [
        (APRIL, True, True), (MAY, True, True), (JUNE, True, True)
    ]  # fmt: skip
    assert stat.S_IMODE(os.stat(target.published).st_mode) == 0o444


def test_a_lake_publication_returns_the_lakes_new_snapshot(tmp_path: Path) -> None:
    """Published into a DuckLake (here with its catalog in a DuckDB file instead of
    PostgreSQL, which the setting's check would refuse: the lake is built past that check),
    the publication carries the lake's new snapshot number, which marts.publications records
    for the bulletin."""
    data = tmp_path / "lake-data"
    data.mkdir()
    lake = file_catalog_lake(tmp_path / "catalog.ducklake", str(data))
    with duckdb.connect() as con:
        lake.attach(con)  # the catalog created, as the DBA creates the database
    target = Warehouse(lake=lake, folder=tmp_path / "work")
    assert target.published_version() == 0  # DuckLake's first snapshot: the empty catalog
    with target.connect() as con:
        read_trackers(con, {MAY: [10_000.0], JUNE: [12_000.0]})
        build(con, MAY)
        rebuild_layer(con, "snapshots", [JUNE])
    publication = target.publish()
    assert (publication.completed, publication.restored) == ([JUNE], [])
    assert type(publication.version) is int and publication.version > 0
    assert publication.version == target.published_version()
    with target.read_published() as con:
        assert con.execute(BUDGETS).fetchall() == [(MAY, 10_000.0), (JUNE, 12_000.0)]


# --- the work database ------------------------------------------------------------------------


def test_the_work_database_is_created_with_its_folders_and_kept_between_runs(
    tmp_path: Path,
) -> None:
    published = tmp_path / "srv" / "warehouse" / "sr.duckdb"  # neither folder exists yet
    target = Warehouse(published)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a current work database is never set aside
        with target.connect() as con:
            read_trackers(con, {JUNE: [12_000.0]})
            rebuild_layer(con, "snapshots", [JUNE])
        with target.connect() as con:  # the next run: the same database, its months kept
            assert con.execute(SNAPSHOT).fetchall() == [(JUNE, "QIP/GAO/2018/001", 12_000.0)]
    assert sorted(p.name for p in published.parent.iterdir()) == ["sr.work.duckdb"]
    with duckdb.connect(str(published.with_name("sr.work.duckdb")), read_only=True) as con:
        assert con.execute(BUILDS).fetchall() == [(JUNE, False, False)]


def test_a_work_database_laid_out_by_an_earlier_version_is_kept_aside_and_a_new_one_started(
    tmp_path: Path,
) -> None:
    published = tmp_path / "sr.duckdb"
    target = Warehouse(published)
    with target.connect() as con:
        read_trackers(con, {JUNE: [12_000.0]})
        rebuild_layer(con, "snapshots", [JUNE])
        # As an earlier version laid it out: a column of another name, another digest.
        con.execute('ALTER TABLE raw.rejected_rows RENAME excel_column TO "column"')
        con.execute("UPDATE core.schema_digest SET digest = 'earlier'")
    started = time.strftime("%Y%m%dT%H%M%S")
    with pytest.warns(UserWarning) as caught:
        with target.connect() as con:
            assert con.execute(SNAPSHOT).fetchall() == []  # a new database...
            con.execute("SELECT excel_column FROM raw.rejected_rows")  # ...laid out as now
    ended = time.strftime("%Y%m%dT%H%M%S")
    (aside,) = tmp_path.glob("sr.work.outdated-*.duckdb")
    stamp = re.fullmatch(r"sr\.work\.outdated-(\d{8}T\d{6})\.duckdb", aside.name)
    assert stamp and started <= stamp[1] <= ended, aside.name  # local time, to the second
    assert [str(w.message) for w in caught] == [
        f"{tmp_path / 'sr.work.duckdb'} was laid out by an earlier version: moved to {aside}"
    ]
    # Pointing at the caller's line, not inside the package (stacklevel).
    assert Path(caught[0].filename).name != "publishing.py"
    with duckdb.connect(str(aside), read_only=True) as con:  # kept whole, as it was
        assert con.execute(SNAPSHOT).fetchall() == [(JUNE, "QIP/GAO/2018/001", 12_000.0)]
        assert con.execute("SELECT digest FROM core.schema_digest").fetchall() == [("earlier",)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([aside.name, "sr.work.duckdb"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with target.connect() as con:  # the new one is current: used as it is from now on
            assert con.execute("SELECT count(*) FROM core.schema_digest").fetchall() == [(1,)]
