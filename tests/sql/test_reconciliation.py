"""marts.reconciliation at the edges of its tolerances, on hand-written figures.

Guards against: an amount printed in millions judged in floating point (15.85 million is
15.8499999... there, and would not round to the printed 15.9); a share tolerance of half a
point applied as less-than instead of at-most, or not at all; a published figure that cannot
be computed reported as a mismatch (or dropped) instead of missing.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.sql.warehouse_rows import Warehouse

JUNE = date(2018, 6, 30)


def reconcile(
    printed: list[tuple[str, str, float, str]], **projects: float
) -> dict[tuple[str, str], str]:
    """Statuses of ``printed`` (figure, fund, published, precision) against a QIP tracker
    whose projects have the given budgets in the given regions (``Gao=25.5`` ...)."""
    w = Warehouse()
    w.con.execute("DELETE FROM core.published_figures")
    for line, (figure, fund, published, precision) in enumerate(printed, start=2):
        w.con.execute(
            "INSERT INTO core.published_figures (bulletin, line, as_of, fund, figure, published, "
            '"precision") VALUES (99, ?, ?, ?, ?, ?, ?)',
            [line, JUNE, fund, figure, published, precision],
        )
    sha = w.version("QIP", JUNE)
    for number, (region, budget) in enumerate(projects.items(), start=1):
        w.project(sha, "QIP", f"QIP/GAO/2018/{number:03d}", region=region, budget_usd=budget)
    w.build(JUNE)
    return {
        (fund, figure): status
        for fund, figure, status in w.rows(
            "SELECT fund, figure, status FROM marts.reconciliation WHERE bulletin = 99"
        )
    }


@pytest.mark.parametrize(
    ("budget", "status"),
    [
        (15_850_000, "match"),  # 15.85 million rounds up to the printed 15.9
        (15_849_000, "mismatch"),  # 15.849 million rounds to 15.8
        (15_849_999.99, "mismatch"),  # a cent below the half
        (15_949_999.99, "match"),  # a cent below 15.95
        (15_950_000, "mismatch"),  # 15.95 rounds to 16.0
        (15_900_000, "match"),
    ],
)
def test_an_amount_printed_in_millions_matches_what_rounds_to_it(budget, status) -> None:
    found = reconcile([("budget_usd", "QIP", 15_900_000, "millions_1")], Gao=budget)
    assert found == {("QIP", "budget_usd"): status}


@pytest.mark.parametrize(
    ("gao", "status"),
    [
        (25.5, "match"),  # 25.50 % against a printed 25 %: half a point, the edge
        (25.51, "mismatch"),  # just over half a point
        (24.5, "match"),  # half a point under
        (24.49, "mismatch"),
        (25, "match"),
    ],
)
def test_a_whole_percentage_matches_within_half_a_point(gao, status) -> None:
    # Gao's share of a 100 USD budget is its own budget in per cent.
    found = reconcile(
        [("share_pct:region_group:Gao / Ménaka", "QIP", 25, "percent_0")], Gao=gao, Kidal=100 - gao
    )
    assert found == {("QIP", "share_pct:region_group:Gao / Ménaka"): status}


def test_counts_match_exactly() -> None:
    found = reconcile(
        [("projects_total", "QIP", 3, "count"), ("projects_ongoing", "QIP", 2, "count")],
        Gao=1, Kidal=1, Mopti=1,
    )  # fmt: skip
    assert found == {  # the three projects are ongoing
        ("QIP", "projects_total"): "match",
        ("QIP", "projects_ongoing"): "mismatch",
    }


def test_a_figure_that_cannot_be_computed_is_missing() -> None:
    found = reconcile(
        [
            ("share_pct:region_group:Atlantis", "QIP", 10, "percent_0"),  # no such group
            ("projects_total", "PBF", 14, "count"),  # no PBF tracker yet
            ("budget_usd:sector:Health + Atlantis", "QIP", 100, "millions_1"),  # half unknown
            ("projects_total", "QIP", 1, "count"),  # computable: judged as usual
        ],
        Gao=100,
    )
    assert found == {
        ("QIP", "share_pct:region_group:Atlantis"): "missing",
        ("PBF", "projects_total"): "missing",
        ("QIP", "budget_usd:sector:Health + Atlantis"): "missing",
        ("QIP", "projects_total"): "match",
    }


def test_a_category_named_under_another_dimension_is_missing() -> None:
    # Kidal and Mopti are region groups, not QIP sectors: a published figure that files them
    # under the wrong dimension (a slip in the bulletin's file) cannot be computed. The same
    # figures under their own dimension are judged as usual.
    found = reconcile(
        [
            ("share_pct:sector:Kidal", "QIP", 60, "percent_0"),
            ("budget_usd:sector:Kidal + Mopti", "QIP", 100, "millions_6"),
            ("share_pct:region_group:Kidal", "QIP", 60, "percent_0"),
            ("budget_usd:region_group:Kidal + Mopti", "QIP", 100, "millions_6"),
        ],
        Kidal=60, Mopti=40,
    )  # fmt: skip
    assert found == {
        ("QIP", "share_pct:sector:Kidal"): "missing",
        ("QIP", "budget_usd:sector:Kidal + Mopti"): "missing",
        ("QIP", "share_pct:region_group:Kidal"): "match",
        ("QIP", "budget_usd:region_group:Kidal + Mopti"): "match",
    }


@pytest.mark.parametrize(
    ("budget", "status"),
    [
        (1_000_000.49, "match"),
        (1_000_000.5, "mismatch"),  # half a dollar above rounds up to 1,000,001
        (999_999.5, "match"),  # half a dollar below rounds up to the printed amount
        (999_999.49, "mismatch"),
    ],
)
def test_an_amount_printed_to_the_dollar_matches_within_half_a_dollar(budget, status) -> None:
    # millions_6: in millions with six decimals, i.e. to the dollar; the unit is 1 USD.
    found = reconcile([("budget_usd", "QIP", 1_000_000, "millions_6")], Gao=budget)
    assert found == {("QIP", "budget_usd"): status}
