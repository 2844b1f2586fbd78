"""The published warehouse as analysts meet it: the public tables exactly as docs/figures.md,
documented; a run killed with SIGKILL mid-write leaves the previous content intact; an
analyst's open read-only session neither fails a run nor sees a half-written month; the
DuckDB CLI the setup installs opens the file.

Real processes throughout: the killed run and the analyst are subprocesses, synchronised
through their stdin/stdout pipes (no sleeps).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

import sr_pipeline.defs.assets_marts as marts_step
from tests import ROOT
from tests.pipeline_helpers import (
    build,
    figures,
    rows,
    write_qip_june_v2,
    write_small_trackers,
)

pytestmark = pytest.mark.slow

PROJECT_ROOT = ROOT

# docs/figures.md, verbatim: the public columns in order (dq tables may add columns after them).
PUBLIC_COLUMNS = {
    "snapshots.projects": "as_of fund project_code title status budget_usd approval_date "
    "start_date end_date partner region category data_as_of source_file source_row",
    "marts.bulletin_figures": "as_of fund figure value data_as_of source_file",
    "marts.budget_breakdown": "as_of fund dimension category budget_usd share_pct projects "
    "data_as_of",
    "marts.reconciliation": "as_of fund figure published computed status",
    "dq.rejected_rows": "fund source_file sheet source_row project_code field value problem",
    "dq.rejected_files": "source_file fund problem",
    "dq.rule_flags": "fund source_file sheet source_row project_code rule detail",
}
# Every column of the section's table definitions, with its type (dates DATE, money and
# figures DOUBLE rounded to the cent, counts and rows INTEGER, the rest text).
PUBLIC_TYPES = {
    "snapshots.projects": "as_of DATE, fund VARCHAR, project_code VARCHAR, title VARCHAR, "
    "status VARCHAR, budget_usd DOUBLE, approval_date DATE, start_date DATE, end_date DATE, "
    "partner VARCHAR, region VARCHAR, category VARCHAR, data_as_of DATE, "
    "source_file VARCHAR, source_row INTEGER",
    "marts.bulletin_figures": "as_of DATE, fund VARCHAR, figure VARCHAR, value DOUBLE, "
    "data_as_of DATE, source_file VARCHAR",
    "marts.budget_breakdown": "as_of DATE, fund VARCHAR, dimension VARCHAR, category VARCHAR, "
    "budget_usd DOUBLE, share_pct DOUBLE, projects INTEGER, data_as_of DATE",
    "marts.reconciliation": "as_of DATE, fund VARCHAR, figure VARCHAR, published DOUBLE, "
    "computed DOUBLE, status VARCHAR",
    "dq.rejected_rows": "fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, "
    "project_code VARCHAR, field VARCHAR, value VARCHAR, problem VARCHAR",
    "dq.rejected_files": "source_file VARCHAR, fund VARCHAR, problem VARCHAR",
    "dq.rule_flags": "fund VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row INTEGER, "
    "project_code VARCHAR, rule VARCHAR, detail VARCHAR",
}


@pytest.fixture()
def june_v1(tmp_path) -> tuple[Path, Path]:
    """June 2018 published from the original QIP file."""
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    return trackers, warehouse


def test_public_tables_are_exactly_figures_md_and_documented(june_v1):
    _, warehouse = june_v1
    for table, expected in PUBLIC_COLUMNS.items():
        schema, name = table.split(".")
        columns = rows(
            warehouse,
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        )
        names = [c[0] for c in columns]
        assert names[: len(expected.split())] == expected.split()
        if not schema == "dq" and table != "marts.reconciliation":
            assert names == expected.split()  # no extra columns where docs/figures.md fixes them
        assert all(comment for _, _, comment in columns), f"{table}: undocumented column"
        typed = [tuple(c.split()) for c in PUBLIC_TYPES[table].split(", ")]
        assert [(name, data_type) for name, data_type, _ in columns[: len(typed)]] == typed
        (comment,) = rows(
            warehouse,
            "SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
            [schema, name],
        )[0]
        assert comment


ANALYST = textwrap.dedent(
    """
    import json, sys
    import duckdb

    QUERY = "SELECT value FROM marts.bulletin_figures WHERE fund = 'QIP' AND figure = ?"

    def figures(con):
        return [con.execute(QUERY, [f]).fetchone()[0] for f in ("budget_usd", "projects_total")]

    con = duckdb.connect(sys.argv[1], read_only=True)
    print(json.dumps(figures(con)), flush=True)
    sys.stdin.readline()  # the run happens now
    print(json.dumps(figures(con)), flush=True)  # same session
    con.close()
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(json.dumps(figures(con)), flush=True)  # a new session
    """
)


def test_open_analyst_session_neither_blocks_a_run_nor_sees_it_half_done(june_v1):
    trackers, warehouse = june_v1
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        old = json.loads(analyst.stdout.readline())
        assert old == [110_000, 4]
        write_qip_june_v2(trackers)
        assert build(trackers, warehouse, "2018-06-01").success  # while the session is open
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        assert json.loads(analyst.stdout.readline()) == old  # consistent, old month
        assert json.loads(analyst.stdout.readline()) == [115_000, 3]  # the new month, whole
        assert analyst.wait(timeout=30) == 0
    finally:
        analyst.kill()


def test_duckdb_cli_from_setup_opens_the_published_file(june_v1):
    _, warehouse = june_v1
    cli = Path(sys.executable).parent / "duckdb"
    assert cli.exists(), "the setup installs the DuckDB CLI (duckdb-cli) next to python"
    query = (
        "SELECT fund, value FROM marts.bulletin_figures "
        "WHERE figure = 'projects_total' ORDER BY fund"
    )
    done = subprocess.run(
        [str(cli), "-readonly", "-json", str(warehouse), "-c", query],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [
        {"fund": "PBF", "value": 2.0},
        {"fund": "QIP", "value": 4.0},
        {"fund": "TF", "value": 3.0},
    ]


def test_only_the_published_file_and_the_work_database_remain(june_v1):
    _, warehouse = june_v1
    names = sorted(p.name for p in warehouse.parent.iterdir())
    # Besides the two databases, only the folders of what runs render for people (the
    # bulletin's months, the fund units' feedback workbooks and templates, the bulletin's
    # sending record and outbox): no temporary file.
    assert [n for n in names if n not in {"bulletins", "feedback", "templates", "sending"}] == [
        "sr.duckdb",
        "sr.work.duckdb",
    ]
    assert [p.name for p in (warehouse.parent / "bulletins").iterdir()] == ["2018-06"]
    assert not list((warehouse.parent / "templates").glob("*.tmp"))


def test_a_month_left_half_built_by_a_failed_run_is_never_published_half_built(
    june_v1, monkeypatch
):
    """The June run dies after its new snapshot (the revision) but before its marts; a later
    run for May publishes. June must be whole: its marts agree with its snapshot."""
    trackers, warehouse = june_v1
    write_qip_june_v2(trackers)
    real_build = marts_step.rebuild_layer

    def failing(con, layer, months):
        raise RuntimeError("the marts step crashed")

    monkeypatch.setattr(marts_step, "rebuild_layer", failing)
    assert not build(trackers, warehouse, "2018-06-01", raise_on_error=False).success
    monkeypatch.setattr(marts_step, "rebuild_layer", real_build)
    assert figures(warehouse, "2018-06-30")[("QIP", "budget_usd")] == 110_000  # untouched

    assert build(trackers, warehouse, "2018-05-01").success
    snapshot_budget = rows(
        warehouse,
        "SELECT sum(budget_usd) FROM snapshots.projects WHERE fund = 'QIP' "
        "AND as_of = DATE '2018-06-30' AND status <> 'cancelled'",
    )[0][0]
    assert snapshot_budget == 115_000  # the revision's snapshot...
    assert figures(warehouse, "2018-06-30")[("QIP", "budget_usd")] == 115_000  # ...and marts
    assert rows(warehouse, "SELECT count(*) FROM core.month_builds "
                "WHERE NOT (marts_built AND dq_built)") == [(0,)]  # fmt: skip


def test_a_work_database_laid_out_by_an_earlier_version_is_set_aside(tmp_path):
    """Upgrading the pipeline over an existing work database: tables whose columns changed
    would fail every statement; the old file is kept aside and the month rebuilt."""
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    work = warehouse.with_name("sr.work.duckdb")
    with duckdb.connect(str(work)) as con:  # as an earlier version laid it out
        con.execute('ALTER TABLE raw.rejected_rows RENAME excel_column TO "column"')
        con.execute("UPDATE core.schema_digest SET digest = 'earlier'")
    before = figures(warehouse, "2018-06-30")
    with pytest.warns(UserWarning, match="laid out by an earlier version"):
        assert build(trackers, warehouse, "2018-06-01").success
    assert figures(warehouse, "2018-06-30") == before
    (aside,) = warehouse.parent.glob("sr.work.outdated-*.duckdb")
    assert aside.stat().st_size > 0
