"""The shipped demo trackers through Dagster, against bulletin #41 and the demo's truth.

The mess it guards against: the published bulletin contradicts itself (TF: 79 completed +
66 ongoing > 132 projects), PBF figures four months older than the bulletin, deliberate bad
rows in the QIP June file, and a corrected QIP file (_v2) re-sent for May.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from demo import truth
from tests import BULLETIN_41
from tests import ROOT as PROJECT_ROOT
from tests.pipeline_helpers import build, figures, rows

pytestmark = pytest.mark.slow

DEMO_TRACKERS = PROJECT_ROOT / "sources" / "trackers"
# The snapshot columns a tracker revision can change (lineage changes with the file name).
BUSINESS = "project_code, title, status, budget_usd, approval_date, start_date, end_date, " \
    "partner, region, category"  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("demo")
    trackers = Path(shutil.copytree(DEMO_TRACKERS, base / "trackers"))
    warehouse = base / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    return trackers, warehouse


def test_june_2018_figures_are_the_generators(demo):
    # Every figure of marts.bulletin_figures, against the figures the demo generator computes
    # from its own ground truth (the reconciliation test below compares them with bulletin
    # #41 as printed). PBF: the February 2018 tracker, the latest on or before June.
    _, warehouse = demo
    found = figures(warehouse, "2018-06-30")
    versions = {"QIP": date(2018, 6, 30), "TF": date(2018, 6, 30), "PBF": date(2018, 2, 28)}
    expected = {
        (fund, name): value
        for fund, day in versions.items()
        for name, value in truth.bulletin_figures(truth.tracker_truth(fund, day)).items()
        if ":" not in name  # shares and window budgets live in marts.budget_breakdown
    }
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, rel=1e-9), key
    assert found[("TF", "projects_ongoing")] == (
        found[("TF", "projects_total")] - found[("TF", "projects_completed")]
    )  # consistent, unlike the printed bulletin (66)


def test_reconciliation_shows_exactly_the_expected_mismatch(demo):
    _, warehouse = demo
    assert rows(
        warehouse,
        "SELECT fund, figure, published, computed, status FROM marts.reconciliation "
        "WHERE as_of = DATE '2018-06-30' AND status <> 'match'",
    ) == [("TF", "projects_ongoing", 66.0, 53.0, "mismatch")]
    printed = len(BULLETIN_41.read_text(encoding="utf-8").splitlines()) - 1  # minus the header
    assert rows(warehouse, "SELECT count(*) FROM marts.reconciliation") == [(printed,)]


def test_pbf_rows_carry_february_data(demo):
    _, warehouse = demo
    for table in ("snapshots.projects", "marts.bulletin_figures", "marts.budget_breakdown"):
        assert rows(
            warehouse,
            f"SELECT DISTINCT data_as_of::VARCHAR FROM {table} WHERE fund = 'PBF'",  # noqa: S608
        ) == [("2018-02-28",)]


def test_dq_lists_the_demos_deliberate_bad_rows(demo):
    _, warehouse = demo
    expected = truth.tracker_truth("QIP", truth.date(2018, 6, 30))["bad_rows"]
    rejected = {(b["source_row"], b["field"]) for b in expected if b["outcome"] == "rejected"}
    flagged = {(b["source_row"], b["rule"]) for b in expected if b["outcome"] == "flagged"}
    assert set(rows(
        warehouse,
        "SELECT source_row, field FROM dq.rejected_rows WHERE fund = 'QIP' "
        "AND as_of = DATE '2018-06-30'",
    )) == rejected  # fmt: skip
    assert flagged <= set(rows(
        warehouse,
        "SELECT source_row, rule FROM dq.rule_flags WHERE fund = 'QIP' "
        "AND as_of = DATE '2018-06-30'",
    ))  # fmt: skip
    assert any(rule == "budget_over_cap" for _, rule in flagged)


def test_may_v2_changes_exactly_the_rows_it_revised(tmp_path):
    trackers = Path(shutil.copytree(DEMO_TRACKERS, tmp_path / "trackers"))
    (v2,) = trackers.rglob("QIPs_Suivi_2018-05-31_v2.xlsx")
    parked = v2.rename(tmp_path / v2.name)
    warehouse = tmp_path / "sr.duckdb"
    query = f"SELECT {BUSINESS} FROM snapshots.projects "  # noqa: S608
    query += "WHERE fund = 'QIP' AND as_of = DATE '2018-05-31'"
    assert build(trackers, warehouse, "2018-05-01").success
    before = set(rows(warehouse, query))
    june_before = rows(warehouse, "SELECT count(*) FROM snapshots.projects")
    parked.rename(v2)
    assert build(trackers, warehouse, "2018-05-01").success
    after = set(rows(warehouse, query))

    v1_truth = truth.tracker_truth("QIP", truth.date(2018, 5, 31), revision=1)
    v2_truth = truth.tracker_truth("QIP", truth.date(2018, 5, 31), revision=2)

    visible = ("title", "status", "budget_usd", "approval_date", "start_date", "end_date",
               "partner", "region", "sector")  # fmt: skip

    def by_code(version: dict) -> dict[str, tuple]:
        return {
            r["project_code"]: tuple(r[c] for c in visible) for r in version["tables"]["projects"]
        }

    v1_rows, v2_rows = by_code(v1_truth), by_code(v2_truth)
    changed_codes = {r[0] for r in before ^ after}
    expected = {c for c in v1_rows.keys() | v2_rows.keys() if v1_rows.get(c) != v2_rows.get(c)}
    assert changed_codes == expected and expected
    assert rows(warehouse, "SELECT count(*) FROM snapshots.projects") == june_before


def test_no_public_number_carries_more_than_two_decimals(demo):
    """Money to the cent, shares and percentages to 0.01 point: a plain SELECT shows what a
    person would write (never 62499999.9976131 or 25.10000054)."""
    _, warehouse = demo
    with duckdb.connect(str(warehouse), read_only=True) as con:
        doubles = con.execute(
            "SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name IN ('snapshots', 'marts', 'dq') AND data_type = 'DOUBLE'"
        ).fetchall()
        assert len(doubles) >= 8  # budgets, shares, figures, published/computed, changes...
        for table, column in doubles:
            values = con.execute("SELECT * FROM query_table(?)", [table]).df()[column].dropna()
            noisy = values[values.round(2) != values]
            assert noisy.empty, (table, column, noisy.head().tolist())
