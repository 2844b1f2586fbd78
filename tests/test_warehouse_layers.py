"""The Python that runs the month layers' SQL and publishes the result (``rebuild_layer`` in
sr_pipeline/warehouse/layers.py, ``transaction`` in sql.py, ``Warehouse.publish`` in
publishing.py), in process, on hand-written rows.
The killed-run and analyst tests (tests/test_warehouse.py, tests/test_warehouse_kill.py) run
the real commands; these are the fast ones the mutation score is measured with.

Guards against: a rebuild that touches months it was not given, or adds a month twice; a
month's layer half-rebuilt when one statement fails (the transaction not rolled back, or the
failure swallowed); marts and dq marked built by the snapshot step, or never marked; a month
left pending by a failed run published half-built; the publishing copy left behind, a stale
copy or a stale write-ahead log beside the published file reaching readers, a published file
that can be opened read-write.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sr_pipeline.warehouse import layers
from sr_pipeline.warehouse.layers import rebuild_layer
from sr_pipeline.warehouse.publishing import Warehouse
from sr_pipeline.warehouse.reference import load_core_reference
from sr_pipeline.warehouse.sql import transaction
from tests.sql.warehouse_rows import Warehouse as Rows

MAY, JUNE = date(2018, 5, 31), date(2018, 6, 30)


class FileRows(Rows):
    """The SQL tests' hand-written rows, written into a work database file."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        load_core_reference(con)


@pytest.fixture
def rows() -> Rows:
    """QIP: May with one project, June with two (one of them cancelled); snapshots only."""
    w = Rows()
    may = w.version("QIP", MAY)
    w.project(may, "QIP", "QIP/GAO/2018/001", budget_usd=10_000.0)
    june = w.version("QIP", JUNE)
    w.project(june, "QIP", "QIP/GAO/2018/001", budget_usd=12_000.0)
    w.project(june, "QIP", "QIP/GAO/2018/002", budget_usd=30_000.0, status="cancelled")
    return w


def snapshot(w: Rows) -> list[tuple]:
    return w.rows("SELECT as_of, project_code, budget_usd FROM snapshots.projects ORDER BY ALL")


def budget_figures(w: Rows) -> list[tuple]:
    return w.rows(
        "SELECT as_of, value FROM marts.bulletin_figures "
        "WHERE fund = 'QIP' AND figure = 'budget_usd' ORDER BY ALL"
    )


def builds(w: Rows) -> list[tuple]:
    return w.rows("SELECT as_of, marts_built, dq_built FROM core.month_builds ORDER BY ALL")


def test_a_rebuild_replaces_exactly_the_months_given(rows: Rows) -> None:
    rebuild_layer(rows.con, "snapshots", [MAY, JUNE])
    rebuild_layer(rows.con, "snapshots", [JUNE])  # again: replaced, not added twice
    assert snapshot(rows) == [
        (MAY, "QIP/GAO/2018/001", 10_000.0),
        (JUNE, "QIP/GAO/2018/001", 12_000.0),
        (JUNE, "QIP/GAO/2018/002", 30_000.0),
    ]
    rows.con.execute("DELETE FROM snapshots.projects WHERE as_of = ?", [MAY])
    rebuild_layer(rows.con, "snapshots", [JUNE])
    assert [r[0] for r in snapshot(rows)] == [JUNE, JUNE]  # May is not June's to rebuild


def test_marts_and_dq_are_pending_after_a_snapshot_until_each_is_rebuilt(rows: Rows) -> None:
    rebuild_layer(rows.con, "snapshots", [MAY, JUNE])
    assert builds(rows) == [(MAY, False, False), (JUNE, False, False)]
    rebuild_layer(rows.con, "marts", [JUNE])
    assert builds(rows) == [(MAY, False, False), (JUNE, True, False)]
    assert budget_figures(rows) == [(JUNE, 12_000.0)]  # the cancelled project is not counted
    rebuild_layer(rows.con, "dq", [JUNE])
    assert builds(rows) == [(MAY, False, False), (JUNE, True, True)]
    rebuild_layer(rows.con, "dq", [MAY])
    assert builds(rows) == [(MAY, False, True), (JUNE, True, True)]
    rebuild_layer(rows.con, "snapshots", [JUNE])  # a new snapshot: June pending again
    assert builds(rows) == [(MAY, False, True), (JUNE, False, False)]


def test_every_month_layer_is_rebuilt_by_delete_then_insert() -> None:
    # A month rebuilt twice holds one copy: each table's delete runs before its insert.
    assert layers.MONTH_LAYERS == {
        "snapshots": ("core/month_versions", "snapshots/projects", "core/month_builds"),
        "marts": ("marts/bulletin_figures", "marts/budget_breakdown", "marts/reconciliation",
                  "marts/monthly_changes", "marts/donors"),
        "dq": ("dq/rejected_rows", "dq/rule_flags", "dq/rejected_files"),
    }  # fmt: skip


def test_a_failing_statement_leaves_the_whole_layer_as_it_was(rows: Rows, monkeypatch) -> None:
    rebuild_layer(rows.con, "snapshots", [JUNE])
    rebuild_layer(rows.con, "marts", [JUNE])
    before = rows.rows("SELECT * FROM marts.bulletin_figures ORDER BY ALL")
    rows.con.execute("DELETE FROM core.month_builds")  # so that mark_built would show
    real_run = layers.run

    def failing(con, name, params=None):
        if name == "marts/insert_reconciliation":  # deletes done, some inserts done
            raise duckdb.IOException("disk full")
        return real_run(con, name, params)

    monkeypatch.setattr(layers, "run", failing)
    with pytest.raises(duckdb.IOException, match="disk full"):
        rebuild_layer(rows.con, "marts", [JUNE])
    monkeypatch.setattr(layers, "run", real_run)
    assert rows.rows("SELECT * FROM marts.bulletin_figures ORDER BY ALL") == before
    assert builds(rows) == []
    rebuild_layer(rows.con, "marts", [JUNE])  # no transaction left open: the next one runs
    assert rows.rows("SELECT * FROM marts.bulletin_figures ORDER BY ALL") == before


def test_a_transaction_commits_on_success_and_rolls_back_on_any_exception() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (x INTEGER)")
    with transaction(con) as inside:
        assert inside is con
        con.execute("INSERT INTO t VALUES (1)")
    for error in (ValueError("bad row"), KeyboardInterrupt()):  # Ctrl-C too
        with pytest.raises(type(error)):
            with transaction(con):
                con.execute("INSERT INTO t VALUES (2)")
                raise error
    assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
    con.execute("BEGIN TRANSACTION")  # nothing was left open
    con.execute("ROLLBACK")


# --- publishing ---------------------------------------------------------------------------


def work_with_june_pending(published: Path) -> Warehouse:
    """A work database whose June snapshot is built but whose marts and dq are not: a run
    that failed after its snapshot step."""
    target = Warehouse(published)
    with target.connect() as con:
        w = FileRows(con)
        june = w.version("QIP", JUNE)
        w.project(june, "QIP", "QIP/GAO/2018/001", budget_usd=12_000.0)
        rebuild_layer(con, "snapshots", [JUNE])
    return target


def published_rows(path: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()


def test_publish_completes_a_pending_month_and_replaces_the_published_file(tmp_path) -> None:
    published = tmp_path / "sr.duckdb"
    target = work_with_june_pending(published)
    assert target.work == tmp_path / "sr.work.duckdb"
    assert target.publish().completed == [JUNE]  # the months it had to complete
    assert published_rows(published, "SELECT as_of, value FROM marts.bulletin_figures "
                          "WHERE figure = 'budget_usd'") == [(JUNE, 12_000.0)]  # fmt: skip
    assert published_rows(
        published, "SELECT as_of, marts_built, dq_built FROM core.month_builds"
    ) == [(JUNE, True, True)]
    assert published_rows(published, "SELECT count(*) FROM snapshots.projects") == [(1,)]
    # Read-only for everyone: an analyst's read-write DuckDB is refused instead of locking it.
    assert stat.S_IMODE(os.stat(published).st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sr.duckdb", "sr.work.duckdb"]
    assert target.publish().completed == []  # nothing pending any more
    assert published_rows(published, "SELECT count(*) FROM marts.bulletin_figures") != [(0,)]


def test_publish_replaces_leftovers_of_a_killed_run(tmp_path) -> None:
    published = tmp_path / "sr.duckdb"
    target = work_with_june_pending(published)
    # A copy a killed run left half-written, and a write-ahead log a read-write session left
    # beside the published file: neither may reach the file readers open.
    (tmp_path / "sr.duckdb.tmp").write_bytes(b"half a database")
    (tmp_path / "sr.duckdb.wal").write_bytes(b"not ours")
    target.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sr.duckdb", "sr.work.duckdb"]
    assert published_rows(published, "SELECT count(*) FROM snapshots.projects") == [(1,)]
