"""The marts' SQL on a few hand-written rows (docs/figures.md's definitions, one at a time).

Guards against: a multi-region PBF project counted once per region or its budget split
unequally; the Secrétariat budget line counted as a project or left out of the budget; a
cancelled project in a budget; a TF cost mixed up with its contributions; shares that do not
add up to 100.
"""

from __future__ import annotations

from datetime import date

import pytest

from sr_pipeline.warehouse.layers import rebuild_layer
from tests.sql.warehouse_rows import Warehouse

APRIL, MAY, JUNE = date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30)


@pytest.fixture
def pbf() -> Warehouse:
    """A PBF tracker: a Phase I project over Mopti, Gao and Ménaka (3 M), a Phase II project
    in Kidal (1.2 M), a cancelled one and the Secrétariat line (0.3 M)."""
    w = Warehouse()
    sha = w.version("PBF", date(2018, 2, 28))
    w.project(sha, "PBF", "00000001", region="Mopti; Gao; Ménaka", budget_usd=3_000_000.0)
    w.project(sha, "PBF", "00000002", region="Kidal", budget_usd=1_200_000.0,
              window="Phase II", status="completed")  # fmt: skip
    w.project(sha, "PBF", "00000003", region="Kidal", budget_usd=500_000.0, status="cancelled")
    w.project(sha, "PBF", "00000009", region="National", budget_usd=300_000.0,
              window="Secrétariat")  # fmt: skip
    w.build(JUNE)
    return w


def breakdown(w: Warehouse, fund: str, dimension: str) -> dict[str, tuple[float, float, int]]:
    return {
        category: (budget, share, projects)
        for category, budget, share, projects in w.rows(
            "SELECT category, budget_usd, share_pct, projects FROM marts.budget_breakdown "
            "WHERE as_of = ? AND fund = ? AND dimension = ? ORDER BY ALL",
            [JUNE, fund, dimension],
        )
    }


def figures(w: Warehouse, fund: str) -> dict[str, float]:
    return dict(
        w.rows(
            "SELECT figure, value FROM marts.bulletin_figures WHERE as_of = ? AND fund = ?",
            [JUNE, fund],
        )
    )


def test_a_project_over_three_regions_splits_its_budget_by_region_then_by_group(pbf) -> None:
    groups = breakdown(pbf, "PBF", "region_group")
    # Mopti, Gao, Ménaka: a third each; Gao and Ménaka share a group (two thirds).
    assert groups["Mopti"][0] == pytest.approx(1_000_000)
    assert groups["Gao / Ménaka"][0] == pytest.approx(2_000_000)
    assert groups["Kidal"][0] == pytest.approx(1_200_000)  # the cancelled one is not there
    assert groups["Bamako / Countrywide"][0] == pytest.approx(300_000)  # the Secrétariat line
    assert groups["Timbuktu / Taoudénit"][0] == 0
    # Counted once in every group it touches; the Secrétariat line is no project.
    assert {g: p for g, (_, _, p) in groups.items()} == {
        "Mopti": 1, "Gao / Ménaka": 1, "Kidal": 1, "Bamako / Countrywide": 0,
        "Timbuktu / Taoudénit": 0,
    }  # fmt: skip
    # Shares of the non-cancelled budget (4.5 M) to 0.01 point, summing to exactly 100:
    # 22.222.. + 44.444.. + 26.666.. + 6.666..: rounded down they make 99.98, and the two
    # hundredths left go to the largest remainders (the two .666..).
    assert {g: s for g, (_, s, _) in groups.items()} == {
        "Mopti": 22.22, "Gao / Ménaka": 44.44, "Kidal": 26.67, "Bamako / Countrywide": 6.67,
        "Timbuktu / Taoudénit": 0,
    }  # fmt: skip
    assert round(sum(share for _, share, _ in groups.values()), 2) == 100


def test_windows_and_the_secretariat_budget_line(pbf) -> None:
    windows = breakdown(pbf, "PBF", "window")
    assert windows["Phase I"] == (3_000_000, 66.67, 1)
    assert windows["Phase II"][0] == pytest.approx(1_200_000)
    assert windows["Secrétariat"][0] == pytest.approx(300_000)
    assert windows["Secrétariat"][2] == 0  # a budget line, not a project
    assert windows["GYPI"] == (0, 0, 0)  # every window of the bulletin is listed


def test_counts_leave_out_the_budget_line_and_budgets_leave_out_cancelled(pbf) -> None:
    found = figures(pbf, "PBF")
    assert found["projects_total"] == 3  # two live projects and the cancelled one
    assert found["projects_cancelled"] == 1
    assert found["projects_completed"] == 1
    assert found["projects_ongoing"] == 1
    assert found["budget_usd"] == pytest.approx(4_500_000)  # Secrétariat in, cancelled out


def test_trust_fund_cost_is_projects_and_budget_is_contributions_received_by_its_date() -> None:
    w = Warehouse()
    sha = w.version("TF", JUNE)
    w.project(sha, "TF", "TF-2018-001", budget_usd=600_000.0, objective="5")
    w.project(sha, "TF", "TF-2018-002", budget_usd=400_000.0, objective="3")
    w.project(sha, "TF", "TF-2018-003", budget_usd=999_000.0, status="cancelled")
    w.con.execute(
        "INSERT INTO raw.tf_contributions (sha256, donor, donor_key, date_received, amount_usd) "
        "VALUES (?, 'Norway', 'norway', DATE '2018-03-01', 1000000), "
        "(?, 'the Netherlands', 'netherlands', DATE '2018-04-01', 250000), "
        "(?, 'NETHERLANDS', 'netherlands', DATE '2018-05-01', 250000), "
        "(?, 'Sweden', 'sweden', DATE '2018-07-15', 500000)",
        [sha, sha, sha, sha],
    )
    w.build(JUNE)
    found = figures(w, "TF")
    assert found["cost_usd"] == pytest.approx(1_000_000)
    assert found["budget_usd"] == pytest.approx(1_500_000)  # July's money is not counted yet
    assert found["allocated_pct"] == 66.67  # to 0.01 point
    assert found["donors"] == 2  # Norway, the Netherlands (twice); Sweden gave in July
    donors = w.rows("SELECT donor, contributions, amount_usd FROM marts.donors ORDER BY ALL")
    assert donors == [("Norway", 1, 1_000_000.0), ("the Netherlands", 2, 500_000.0)]
    objectives = breakdown(w, "TF", "objective")
    assert objectives["5"][1] == pytest.approx(60)  # shares of the cost, not of the budget
    assert set(objectives) == {"1", "2", "3", "4", "5"}


def test_monthly_changes_compare_with_the_version_that_fed_last_month() -> None:
    w = Warehouse()
    may = w.version("QIP", date(2018, 5, 31))
    w.project(may, "QIP", "QIP/GAO/2018/001", status="ongoing")
    w.project(may, "QIP", "QIP/GAO/2018/002")
    june = w.version("QIP", JUNE)
    w.project(june, "QIP", "QIP/GAO/2018/001", status="completed", budget_usd=12_000.0)
    w.project(june, "QIP", "QIP/GAO/2018/003", approval_date=date(2018, 6, 12))
    w.build(JUNE)  # May itself was never built: its version is still the baseline
    changes = w.rows(
        "SELECT change, project_code, value FROM marts.monthly_changes WHERE as_of = ? "
        "ORDER BY change, project_code",
        [JUNE],
    )
    assert changes == [
        ("approved", "QIP/GAO/2018/003", 10_000.0),
        ("budget_delta", None, 2_000.0),  # 22,000 now against 20,000 in May
        ("completed", "QIP/GAO/2018/001", 12_000.0),
        ("removed", "QIP/GAO/2018/002", 10_000.0),
    ]


def changes_of(w: Warehouse, as_of: date, fund: str) -> list[tuple]:
    return w.rows(
        "SELECT change, project_code, value FROM marts.monthly_changes "
        "WHERE as_of = ? AND fund = ? ORDER BY change, project_code",
        [as_of, fund],
    )


def rejected_row(w: Warehouse, sha: str, code: str) -> None:
    w.con.execute(
        "INSERT INTO raw.rejected_rows (sha256, sheet, source_row, project_code, field, value, "
        "problem) VALUES (?, 'Projets', 7, ?, 'project_code', ?, 'not a code of this fund')",
        [sha, code, code],
    )


def test_a_project_gone_is_rejected_only_if_this_month_s_tracker_rejected_it() -> None:
    # May and June built together. 002 left May's tracker without a trace: removed. June's
    # tracker has a rejected row with code 002, but June compares with May, where 002 no
    # longer was: nothing to say in June, and May's removal stays a removal.
    w = Warehouse()
    april = w.version("QIP", APRIL)
    w.project(april, "QIP", "QIP/GAO/2018/001")
    w.project(april, "QIP", "QIP/GAO/2018/002")
    may = w.version("QIP", MAY)
    w.project(may, "QIP", "QIP/GAO/2018/001")
    june = w.version("QIP", JUNE)
    w.project(june, "QIP", "QIP/GAO/2018/001")
    rejected_row(w, june, "QIP/GAO/2018/002")
    w.build(MAY, JUNE)
    assert changes_of(w, MAY, "QIP") == [
        ("budget_delta", None, -10_000.0),
        ("removed", "QIP/GAO/2018/002", 10_000.0),
    ]
    assert changes_of(w, JUNE, "QIP") == [("budget_delta", None, 0.0)]


def test_a_project_gone_is_rejected_only_if_its_own_fund_s_tracker_rejected_it() -> None:
    # The Trust Fund's May tracker has a row carrying the QIP code 002 (pasted from the wrong
    # sheet), rejected: that says nothing about the QIP project 002, gone from its tracker.
    w = Warehouse()
    april = w.version("QIP", APRIL)
    w.project(april, "QIP", "QIP/GAO/2018/001")
    w.project(april, "QIP", "QIP/GAO/2018/002")
    may = w.version("QIP", MAY)
    w.project(may, "QIP", "QIP/GAO/2018/001")
    tf = w.version("TF", MAY)
    rejected_row(w, tf, "QIP/GAO/2018/002")
    w.build(MAY)
    assert changes_of(w, MAY, "QIP") == [
        ("budget_delta", None, -10_000.0),
        ("removed", "QIP/GAO/2018/002", 10_000.0),
    ]
    assert changes_of(w, MAY, "TF") == []  # no TF tracker fed April: nothing to compare with


def test_a_month_of_three_funds_stores_its_figures_in_the_bulletin_s_order_at_every_build() -> None:
    # docs/figures.md's order, which the bulletin_figures table keeps: funds QIP, TF, PBF;
    # the count, the statuses, then the money. The Trust Fund's contributions (budget_usd)
    # come before what its projects cost, then the share allocated and the donors (here no
    # contribution at all: no share of nothing). Each figure has its own place, so the order
    # never depends on how the database breaks a tie between two rows (which changes from one
    # build to the next): rebuilt 40 times, the month comes out the same every time.
    w = Warehouse()
    for fund, code in (("QIP", "QIP/GAO/2018/001"), ("TF", "TF-2018-001"), ("PBF", "00000001")):
        w.project(w.version(fund, JUNE), fund, code, budget_usd=5.0)
    w.build(JUNE)
    counts = [("projects_total", 1), ("projects_completed", 0), ("projects_ongoing", 1),
              ("projects_not_started", 0), ("projects_suspended", 0),
              ("projects_cancelled", 0)]  # fmt: skip
    expected = [
        *(("QIP", *count) for count in counts), ("QIP", "budget_usd", 5),
        *(("TF", *count) for count in counts), ("TF", "budget_usd", 0), ("TF", "cost_usd", 5),
        ("TF", "allocated_pct", None), ("TF", "donors", 0),
        *(("PBF", *count) for count in counts), ("PBF", "budget_usd", 5),
    ]  # fmt: skip
    stored = "SELECT fund, figure, value FROM marts.bulletin_figures"
    assert w.rows(stored) == expected
    for _ in range(40):
        rebuild_layer(w.con, "marts", [JUNE])
        assert w.rows(stored) == expected


def test_a_month_built_after_another_leaves_the_other_s_donors_as_they_were() -> None:
    # May is built, then June alone: May's donors stay once, June lists its own (the same
    # tracker feeds both months). Building June reads no other month's contributions.
    w = Warehouse()
    sha = w.version("TF", MAY)
    w.project(sha, "TF", "TF-2018-001")
    w.con.execute(
        "INSERT INTO raw.tf_contributions (sha256, donor, donor_key, date_received, amount_usd,"
        " source_row) VALUES (?, 'Norway', 'norway', DATE '2018-05-02', 300, 2)",
        [sha],
    )
    w.build(MAY)
    w.build(JUNE)
    assert w.rows("SELECT as_of, donor, contributions, amount_usd FROM marts.donors") == [
        (MAY, "Norway", 1, 300.0),
        (JUNE, "Norway", 1, 300.0),
    ]
