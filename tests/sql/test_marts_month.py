"""The marts of three months and three funds, made by hand: every figure, slice, change,
donor and reconciliation line written out below from the rows inserted (sql/marts/).

April is built first, alone; May and June are then built together, as a backfill does. So a
statement that forgets which months it builds, joins one month's rows to another's, one
fund's to another's, or drops a filter term, gives lines that differ from these.

The month (docs/figures.md's definitions):

- QIP: April's tracker (001, 002 ongoing; 004 cancelled; a rejected row with code 008), May's
  (001, 002, 005, 008 ongoing; 003 completed, approved on 10 May; 004 cancelled; 006 not
  started, no approval date yet; 009 suspended), a refused May v2, and June's (001 completed
  at 12,000; 002 cancelled; 003 completed; 004 cancelled; 006 ongoing, approved on 3 June;
  007 new over Gao and Kidal; 009 suspended; 005's row rejected on two fields; 008 gone).
- TF: March's tracker with nothing in it (it feeds April), May's (TF-2018-001 at 1 USD,
  TF-2018-002 cancelled; 1 USD received by 20 May, from Norway on the report date and the
  Netherlands twice, once on 1 March, which March's tracker did not list yet; Sweden's money
  after it), which feeds May and June.
- PBF: February's tracker feeds every month (a Phase I project over three regions, a Phase
  II one completed, a GYPI one suspended at 100 USD, the Secrétariat budget line).

Amounts are to the cent, as the reader writes them (it rounds every converted amount).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sr_pipeline.warehouse.layers import rebuild_layer
from sr_pipeline.warehouse.sql import run
from tests.sql.warehouse_rows import Warehouse

MARCH, APRIL, MAY, JUNE = date(2018, 3, 31), date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30)

QIP = "QIP/GAO/2018/{:03d}"
STATUSES = ("completed", "ongoing", "not_started", "suspended", "cancelled")


def reject(w: Warehouse, sha: str, code: str, field: str) -> None:
    w.con.execute(
        "INSERT INTO raw.rejected_rows (sha256, sheet, source_row, project_code, field, value, "
        "problem) VALUES (?, 'Suivi QIPs', 9, ?, ?, 'x', 'bad')",
        [sha, code, field],
    )


def contribution(w: Warehouse, sha: str, row: int, donor: str, key: str, day: date,
                 amount: float) -> None:  # fmt: skip
    w.con.execute(
        "INSERT INTO raw.tf_contributions (sha256, donor, donor_key, date_received, amount_usd,"
        " source_row) VALUES (?, ?, ?, ?, ?, ?)",
        [sha, donor, key, day, amount, row],
    )


def publish(w: Warehouse, line: int, as_of: date, fund: str, name: str, value: float,
            precision: str) -> None:  # fmt: skip
    w.con.execute(
        "INSERT INTO core.published_figures (bulletin, line, as_of, fund, figure, published, "
        '"precision") VALUES (?, ?, ?, ?, ?, ?, ?)',
        [as_of.month, line, as_of, fund, name, value, precision],
    )


@pytest.fixture(scope="module")
def month() -> Warehouse:
    w = Warehouse()
    w.con.execute("DELETE FROM core.published_figures")  # the real bulletins': ours below
    # QIP
    qa = w.version("QIP", APRIL)
    w.project(qa, "QIP", QIP.format(1), approval_date=date(2018, 2, 1))
    w.project(qa, "QIP", QIP.format(2), budget_usd=20_000.0, region="Kidal")
    w.project(qa, "QIP", QIP.format(4), budget_usd=4_000.0, region="Mopti", status="cancelled")
    reject(w, qa, QIP.format(8), "budget")
    qm = w.version("QIP", MAY)
    w.project(qm, "QIP", QIP.format(1), approval_date=date(2018, 2, 1))
    w.project(qm, "QIP", QIP.format(2), budget_usd=20_000.0, region="Kidal")
    w.project(qm, "QIP", QIP.format(3), budget_usd=5_000.0, region="Mopti", status="completed",
              approval_date=date(2018, 5, 10))  # fmt: skip
    w.project(qm, "QIP", QIP.format(4), budget_usd=4_000.0, region="Mopti", status="cancelled")
    w.project(qm, "QIP", QIP.format(5), budget_usd=7_000.0, region="Tombouctou",
              title="Old title 005")  # fmt: skip
    w.project(qm, "QIP", QIP.format(6), budget_usd=2_000.0, status="not_started")
    w.project(qm, "QIP", QIP.format(8), budget_usd=3_000.0, region="Ségou")
    w.project(qm, "QIP", QIP.format(9), budget_usd=500.0, region="Ségou", status="suspended")
    w.version("QIP", MAY, revision=2, refused="damaged")
    qj = w.version("QIP", JUNE)
    w.project(qj, "QIP", QIP.format(1), budget_usd=12_000.0, status="completed",
              approval_date=date(2018, 2, 1))  # fmt: skip
    w.project(qj, "QIP", QIP.format(2), budget_usd=20_000.0, region="Kidal", status="cancelled")
    w.project(qj, "QIP", QIP.format(3), budget_usd=5_000.0, region="Mopti", status="completed",
              approval_date=date(2018, 5, 10))  # fmt: skip
    w.project(qj, "QIP", QIP.format(4), budget_usd=4_000.0, region="Mopti", status="cancelled")
    w.project(qj, "QIP", QIP.format(6), budget_usd=2_000.0, approval_date=date(2018, 6, 3))
    w.project(qj, "QIP", QIP.format(7), budget_usd=1_000.0, region="Gao; Kidal",
              approval_date=date(2017, 11, 20))  # fmt: skip
    w.project(qj, "QIP", QIP.format(9), budget_usd=500.0, region="Ségou", status="suspended")
    reject(w, qj, QIP.format(5), "budget")
    reject(w, qj, QIP.format(5), "region")
    # TF
    w.version("TF", MARCH)
    tm = w.version("TF", date(2018, 5, 20))
    w.project(tm, "TF", "TF-2018-001", budget_usd=1.0)
    w.project(tm, "TF", "TF-2018-002", budget_usd=50.0, objective="1", status="cancelled")
    contribution(w, tm, 2, "Norway", "norway", date(2018, 5, 20), 0.5)
    contribution(w, tm, 3, "the Netherlands", "netherlands", date(2018, 3, 1), 0.25)
    contribution(w, tm, 4, "NETHERLANDS", "netherlands", date(2018, 5, 1), 0.25)
    contribution(w, tm, 5, "Sweden", "sweden", date(2018, 6, 15), 500.0)
    # PBF
    pf = w.version("PBF", date(2018, 2, 28))
    w.project(pf, "PBF", "00000001", region="Mopti; Gao; Ménaka", budget_usd=3_000_000.0)
    w.project(pf, "PBF", "00000002", region="Kidal", budget_usd=1_200_000.0,
              window="Phase II", status="completed")  # fmt: skip
    w.project(pf, "PBF", "00000003", region="Tombouctou", budget_usd=100.0, window="GYPI",
              status="suspended")  # fmt: skip
    w.project(pf, "PBF", "00000009", region="National", budget_usd=300_000.0,
              window="Secrétariat")  # fmt: skip
    # What the bulletins printed.
    publish(w, 2, APRIL, "QIP", "projects_total", 3, "count")
    publish(w, 2, MAY, "QIP", "projects_total", 8, "count")
    publish(w, 3, MAY, "QIP", "share_pct:region_group:Kidal", 42, "percent_0")
    publish(w, 4, MAY, "PBF", "budget_usd:region_group:Kidal + Mopti", 2_200_000, "millions_1")
    publish(w, 2, JUNE, "QIP", "projects_total", 7, "count")
    publish(w, 3, JUNE, "QIP", "share_pct:region_group:Kidal", 2, "percent_0")
    publish(w, 4, JUNE, "QIP", "budget_usd:region_group:Kidal + Mopti", 6_000, "millions_3")
    publish(w, 5, JUNE, "TF", "allocated_pct", 100, "percent_0")
    publish(w, 6, JUNE, "PBF", "budget_usd", 4_500_000, "millions_1")
    w.build(APRIL)
    w.build(MAY, JUNE)
    return w


def figures(w: Warehouse, as_of: date, fund: str) -> dict[str, float | None]:
    found = w.rows(
        "SELECT figure, value FROM marts.bulletin_figures WHERE as_of = ? AND fund = ?",
        [as_of, fund],
    )
    assert len(found) == len(dict(found)), found  # each figure once
    return dict(found)


def counts(total: int, *by_status: int) -> dict[str, int]:
    return {
        "projects_total": total,
        **{f"projects_{s}": n for s, n in zip(STATUSES, by_status, strict=True)},
    }


PBF_FIGURES = {**counts(3, 1, 1, 0, 1, 0), "budget_usd": 4_500_100.0}
TF_FIGURES = {**counts(2, 0, 1, 0, 0, 1), "cost_usd": 1.0, "budget_usd": 1.0,
              "allocated_pct": 100.0, "donors": 2}  # fmt: skip


def test_the_figures_of_each_month_and_fund(month) -> None:
    assert figures(month, APRIL, "QIP") == {**counts(3, 0, 2, 0, 0, 1), "budget_usd": 30_000.0}
    assert figures(month, MAY, "QIP") == {**counts(8, 1, 4, 1, 1, 1), "budget_usd": 47_500.0}
    # 12,000 + 5,000 + 2,000 + 1,000 + 500; 002 and 004 cancelled.
    assert figures(month, JUNE, "QIP") == {**counts(7, 2, 2, 0, 1, 2), "budget_usd": 20_500.0}
    # TF's March tracker is empty: nothing spent, nothing received, no share of nothing.
    assert figures(month, APRIL, "TF") == {**counts(0, 0, 0, 0, 0, 0), "cost_usd": 0.0,
                                           "budget_usd": 0.0, "allocated_pct": None,
                                           "donors": 0}  # fmt: skip
    assert figures(month, MAY, "TF") == TF_FIGURES
    assert figures(month, JUNE, "TF") == TF_FIGURES
    for as_of in (APRIL, MAY, JUNE):
        assert figures(month, as_of, "PBF") == PBF_FIGURES


def test_every_figure_names_its_tracker(month) -> None:
    assert month.rows(
        "SELECT DISTINCT as_of, fund, data_as_of, source_file FROM marts.bulletin_figures "
        "ORDER BY ALL"
    ) == [
        (APRIL, "PBF", date(2018, 2, 28), "PBF_Portefeuille_20180228.xlsx"),
        (APRIL, "QIP", APRIL, "QIPs_Suivi_2018-04-30.xlsx"),
        (APRIL, "TF", MARCH, "TF_Project_Tracker_Mar2018.xlsx"),
        (MAY, "PBF", date(2018, 2, 28), "PBF_Portefeuille_20180228.xlsx"),
        (MAY, "QIP", MAY, "QIPs_Suivi_2018-05-31.xlsx"),
        (MAY, "TF", date(2018, 5, 20), "TF_Project_Tracker_May2018.xlsx"),
        (JUNE, "PBF", date(2018, 2, 28), "PBF_Portefeuille_20180228.xlsx"),
        (JUNE, "QIP", JUNE, "QIPs_Suivi_2018-06-30.xlsx"),
        (JUNE, "TF", date(2018, 5, 20), "TF_Project_Tracker_May2018.xlsx"),
    ]


def test_the_figures_are_stored_in_the_bulletin_s_order(month) -> None:
    # An analyst's plain SELECT (and the asset's preview) shows them month by month, funds in
    # the bulletin's order, the count first, then the statuses in their order, then money.
    def fund(name: str) -> list[str]:
        money = ["budget_usd", "cost_usd", "allocated_pct", "donors"] if name == "TF" else [
            "budget_usd"]  # fmt: skip
        return ["projects_total", *(f"projects_{s}" for s in STATUSES), *money]

    expected = [(m, f, name) for m in (APRIL, MAY, JUNE) for f in ("QIP", "TF", "PBF")
                for name in fund(f)]  # fmt: skip
    assert month.rows("SELECT as_of, fund, figure FROM marts.bulletin_figures") == expected


def slices(w: Warehouse, as_of: date, fund: str, dimension: str) -> dict[str, tuple]:
    found = w.rows(
        "SELECT category, budget_usd, share_pct, projects FROM marts.budget_breakdown "
        "WHERE as_of = ? AND fund = ? AND dimension = ?",
        [as_of, fund, dimension],
    )
    assert len(found) == len({row[0] for row in found}), found  # each category once
    return {category: rest for category, *rest in found}


def test_the_pie_charts_of_each_month_and_fund(month) -> None:
    # June's QIP: 001 (12,000), 006 (2,000) and half of 007 (500) in Gao; the other half in
    # Kidal; 003 (5,000) in Mopti and 009 (500) in Ségou, of the Mopti group. The budget is
    # 20,500: Gao 70.7317..%, Kidal 2.4390..%, Mopti 26.8292..%: rounded down they make
    # 99.98, and the two hundredths left go to Mopti and Kidal (largest remainders).
    assert slices(month, JUNE, "QIP", "region_group") == {
        "Timbuktu / Taoudénit": [0, 0, 0],
        "Gao / Ménaka": [14_500, 70.73, 3],
        "Kidal": [500, 2.44, 1],
        "Mopti": [5_500, 26.83, 2],
        "Bamako / Countrywide": [0, 0, 0],
    }
    sectors = slices(month, JUNE, "QIP", "sector")
    assert sectors.pop("Health") == [20_500, 100, 5]
    assert len(sectors) == 13 and set(map(tuple, sectors.values())) == {(0, 0, 0)}
    assert slices(month, MAY, "QIP", "region_group") == {
        "Timbuktu / Taoudénit": [7_000, 14.74, 1],  # 7,000 of 47,500: 14.7368..
        "Gao / Ménaka": [12_000, 25.26, 2],  # 001 and 006: 25.2631..
        "Kidal": [20_000, 42.11, 1],  # 42.1052..
        "Mopti": [8_500, 17.89, 3],  # 003, 008 and 009: 17.8947..
        "Bamako / Countrywide": [0, 0, 0],
    }
    assert slices(month, APRIL, "QIP", "region_group")["Kidal"] == [20_000, 66.67, 1]
    # TF: its cost is the one live project, 1 USD: all of it, objective 3.
    for as_of in (MAY, JUNE):
        objectives = slices(month, as_of, "TF", "objective")
        assert objectives == {"1": [0, 0, 0], "2": [0, 0, 0], "3": [1, 100, 1],
                              "4": [0, 0, 0], "5": [0, 0, 0]}  # fmt: skip
        assert slices(month, as_of, "TF", "region_group")["Gao / Ménaka"] == [1, 100, 1]
    # April's TF tracker is empty: every slice is there, at nothing, with no share.
    assert slices(month, APRIL, "TF", "objective") == {
        str(n): [0, None, 0] for n in range(1, 6)
    }  # fmt: skip
    for as_of in (APRIL, MAY, JUNE):
        assert slices(month, as_of, "PBF", "window") == {
            # Shares of 4,500,100: 66.6651.., 26.6660.., 0.0022.., 6.6665..: the two
            # hundredths left go to the Secrétariat and Phase II.
            "Phase I": [3_000_000, 66.66, 1], "Phase II": [1_200_000, 26.67, 1],
            "GYPI": [100, 0, 1], "Transfrontalier": [0, 0, 0],
            "Autorités intérimaires": [0, 0, 0], "Secrétariat": [300_000, 6.67, 0],
        }  # fmt: skip


def test_the_slices_are_stored_in_the_bulletin_s_order(month) -> None:
    # Month, fund (QIP, TF, PBF), the regions first, then the fund's own dimension, each in
    # the bulletin's order of its categories.
    found = month.rows(
        "SELECT as_of, fund, dimension, category FROM marts.budget_breakdown WHERE as_of = ?",
        [JUNE],
    )
    order = month.rows(
        "SELECT fund, dimension, category FROM core.breakdown_categories "
        "ORDER BY list_position(['QIP', 'TF', 'PBF'], fund), dimension <> 'region_group', "
        "sort_order"
    )
    assert found == [(JUNE, *row) for row in order]


def test_amounts_to_the_cent_add_up_to_the_budget_largest_remainder_first() -> None:
    # 100 USD over Gao, Kidal and Mopti (33.333.. each), 0.10 USD over Kidal, Mopti and
    # Tombouctou (0.0333.. each) and 50 USD in Gao: 150.10 USD, 15,010 cents. Rounded down
    # the slices make 8,333 + 3,336 + 3,336 + 3 = 15,008 cents; the two left go to the slices
    # that lost the most (.67 of a cent: Kidal and Mopti), not to the largest slice (Gao, which
    # lost .33), nor Timbuktu (.33) or Bamako (none).
    # Shares: 55.5185 %, 22.2296 % twice, 0.0222 %: 99.97 rounded down, the three hundredths
    # left to Kidal, Mopti (.96) and Gao (.85).
    w = Warehouse()
    sha = w.version("QIP", JUNE)
    w.project(sha, "QIP", QIP.format(1), region="Gao; Kidal; Mopti", budget_usd=100.0)
    w.project(sha, "QIP", QIP.format(2), region="Kidal; Mopti; Tombouctou", budget_usd=0.1)
    w.project(sha, "QIP", QIP.format(3), region="Gao", budget_usd=50.0)
    w.build(JUNE)
    assert slices(w, JUNE, "QIP", "region_group") == {
        "Timbuktu / Taoudénit": [0.03, 0.02, 1],
        "Gao / Ménaka": [83.33, 55.52, 2],
        "Kidal": [33.37, 22.23, 2],
        "Mopti": [33.37, 22.23, 2],
        "Bamako / Countrywide": [0, 0, 0],
    }
    assert slices(w, JUNE, "QIP", "sector")["Health"] == [150.1, 100, 3]
    assert figures(w, JUNE, "QIP")["budget_usd"] == 150.1


def test_a_fund_whose_live_projects_have_no_budget_has_no_shares() -> None:
    # A share of nothing is no share (not a division by zero): the one live project has a
    # budget of 0, the cancelled one's 500 USD do not count.
    w = Warehouse()
    sha = w.version("QIP", JUNE)
    w.project(sha, "QIP", QIP.format(1), budget_usd=0.0)
    w.project(sha, "QIP", QIP.format(2), budget_usd=500.0, status="cancelled")
    w.build(JUNE)
    assert slices(w, JUNE, "QIP", "region_group") == {
        "Timbuktu / Taoudénit": [0, None, 0],
        "Gao / Ménaka": [0, None, 1],
        "Kidal": [0, None, 0],
        "Mopti": [0, None, 0],
        "Bamako / Countrywide": [0, None, 0],
    }
    assert figures(w, JUNE, "QIP")["budget_usd"] == 0


def changes(w: Warehouse, as_of: date, fund: str) -> list[tuple]:
    return w.rows(
        "SELECT change, project_code, title, region, value, data_as_of, previous_data_as_of "
        "FROM marts.monthly_changes WHERE as_of = ? AND fund = ?",
        [as_of, fund],
    )


def test_the_changes_of_each_month_against_the_version_that_fed_the_month_before(
    month,
) -> None:
    june = (JUNE, MAY)
    assert changes(month, JUNE, "QIP") == [
        ("approved", QIP.format(6), "Project QIP/GAO/2018/006", "Gao", 2_000, *june),  # 3 June
        ("approved", QIP.format(7), "Project QIP/GAO/2018/007", "Gao; Kidal", 1_000, *june),
        ("completed", QIP.format(1), "Project QIP/GAO/2018/001", "Gao", 12_000, *june),
        ("cancelled", QIP.format(2), "Project QIP/GAO/2018/002", "Kidal", 20_000, *june),
        ("removed", QIP.format(8), "Project QIP/GAO/2018/008", "Ségou", 3_000, *june),
        # Still in June's tracker, its row rejected (twice): May's title, region and budget.
        ("rejected", QIP.format(5), "Old title 005", "Tombouctou", 7_000, *june),
        # 20,500 now against 47,500 in May (cancelled projects out).
        ("budget_delta", None, None, None, -27_000, *june),
    ]
    may = (MAY, APRIL)
    assert changes(month, MAY, "QIP") == [
        ("approved", QIP.format(3), "Project QIP/GAO/2018/003", "Mopti", 5_000, *may),
        ("approved", QIP.format(5), "Old title 005", "Tombouctou", 7_000, *may),
        ("approved", QIP.format(6), "Project QIP/GAO/2018/006", "Gao", 2_000, *may),
        ("approved", QIP.format(8), "Project QIP/GAO/2018/008", "Ségou", 3_000, *may),
        ("approved", QIP.format(9), "Project QIP/GAO/2018/009", "Ségou", 500, *may),
        ("completed", QIP.format(3), "Project QIP/GAO/2018/003", "Mopti", 5_000, *may),
        ("budget_delta", None, None, None, 17_500, *may),  # 47,500 against 30,000
    ]
    # April's QIP has nothing to compare with (no QIP tracker by March): no line at all.
    assert changes(month, APRIL, "QIP") == []
    # TF: May's tracker against March's, empty; June's against itself; April's (March's
    # tracker) against itself, empty.
    tf_may = (date(2018, 5, 20), MARCH)
    assert changes(month, MAY, "TF") == [
        ("approved", "TF-2018-001", "Project TF-2018-001", "Gao", 1, *tf_may),
        ("approved", "TF-2018-002", "Project TF-2018-002", "Gao", 50, *tf_may),
        ("cancelled", "TF-2018-002", "Project TF-2018-002", "Gao", 50, *tf_may),
        ("budget_delta", None, None, None, 1, *tf_may),
    ]
    tf_june = (date(2018, 5, 20), date(2018, 5, 20))
    assert changes(month, JUNE, "TF") == [("budget_delta", None, None, None, 0, *tf_june)]
    assert changes(month, APRIL, "TF") == [("budget_delta", None, None, None, 0, MARCH, MARCH)]
    pbf = date(2018, 2, 28)
    for as_of in (APRIL, MAY, JUNE):
        assert changes(month, as_of, "PBF") == [("budget_delta", None, None, None, 0, pbf, pbf)]


def test_a_month_rebuilt_rebuilds_the_changes_of_the_month_after() -> None:
    # June is built against May's tracker; then May gets a v2 and only May is rebuilt: May's
    # changes are replaced, and June's now compare with the v2.
    w = Warehouse()
    april = w.version("QIP", APRIL)
    w.project(april, "QIP", QIP.format(1))
    may = w.version("QIP", MAY)
    w.project(may, "QIP", QIP.format(1))
    june = w.version("QIP", JUNE)
    w.project(june, "QIP", QIP.format(1))
    w.project(june, "QIP", QIP.format(2))
    w.build(MAY, JUNE)
    assert [c[:2] for c in changes(w, JUNE, "QIP")] == [
        ("approved", QIP.format(2)), ("budget_delta", None)
    ]  # fmt: skip
    assert [c[:2] for c in changes(w, MAY, "QIP")] == [("budget_delta", None)]
    v2 = w.version("QIP", MAY, revision=2)
    w.project(v2, "QIP", QIP.format(1))
    w.project(v2, "QIP", QIP.format(2))
    w.project(v2, "QIP", QIP.format(3))
    w.build(MAY)
    assert [c[:2] for c in changes(w, MAY, "QIP")] == [
        ("approved", QIP.format(2)), ("approved", QIP.format(3)), ("budget_delta", None)
    ]  # fmt: skip
    assert [c[:2] for c in changes(w, JUNE, "QIP")] == [
        ("removed", QIP.format(3)), ("budget_delta", None)
    ]  # fmt: skip
    assert changes(w, JUNE, "QIP")[1][4:] == (-10_000, JUNE, MAY)


def test_the_donors_of_each_month(month) -> None:
    # By key; named as first written (the Netherlands on 1 March, NETHERLANDS on 1 May);
    # Norway's money came on the report date, Sweden's after it.
    for as_of in (MAY, JUNE):
        assert month.rows(
            "SELECT fund, donor, donor_key, contributions, amount_usd, first_received, "
            "last_received, data_as_of FROM marts.donors WHERE as_of = ?",
            [as_of],
        ) == [
            ("TF", "the Netherlands", "netherlands", 2, 0.5, date(2018, 3, 1), date(2018, 5, 1),
             date(2018, 5, 20)),
            ("TF", "Norway", "norway", 1, 0.5, date(2018, 5, 20), date(2018, 5, 20),
             date(2018, 5, 20)),
        ]  # fmt: skip
    assert month.rows("SELECT * FROM marts.donors WHERE as_of = ?", [APRIL]) == []


def test_the_reconciliation_of_each_month(month) -> None:
    found = month.rows(
        "SELECT as_of, bulletin, fund, figure, published, computed, status, data_as_of "
        "FROM marts.reconciliation"
    )
    pbf = date(2018, 2, 28)
    assert found == [
        (APRIL, 4, "QIP", "projects_total", 3, 3, "match", APRIL),
        (MAY, 5, "QIP", "projects_total", 8, 8, "match", MAY),
        (MAY, 5, "QIP", "share_pct:region_group:Kidal", 42, 42.11, "match", MAY),
        # Kidal's 1.2 M and Mopti's third of 3 M: 2.2 M.
        (MAY, 5, "PBF", "budget_usd:region_group:Kidal + Mopti", 2_200_000, 2_200_000, "match",
         pbf),
        (JUNE, 6, "QIP", "projects_total", 7, 7, "match", JUNE),
        (JUNE, 6, "QIP", "share_pct:region_group:Kidal", 2, 2.44, "match", JUNE),
        (JUNE, 6, "QIP", "budget_usd:region_group:Kidal + Mopti", 6_000, 6_000, "match", JUNE),
        (JUNE, 6, "TF", "allocated_pct", 100, 100, "match", date(2018, 5, 20)),
        (JUNE, 6, "PBF", "budget_usd", 4_500_000, 4_500_100, "match", pbf),
    ]  # fmt: skip


def test_the_run_s_summaries_of_its_latest_month(month) -> None:
    params = {"months": [MAY, JUNE]}
    latest = run(month.con, "marts/select_bulletin_figures", params).fetchall()
    assert {(f, name): v for f, name, v, _, _ in latest} == {
        **{("QIP", k): v for k, v in figures(month, JUNE, "QIP").items()},
        **{("TF", k): v for k, v in TF_FIGURES.items()},
        **{("PBF", k): v for k, v in PBF_FIGURES.items()},
    }
    breakdown = run(month.con, "marts/select_budget_breakdown", params).fetchall()
    assert ("QIP", "region_group", "Kidal", 500, 2.4, 1) in breakdown  # to the dollar, 0.1 %
    assert ("PBF", "window", "GYPI", 100, 0, 1) in breakdown
    assert {row[0] for row in breakdown} == {"QIP", "TF", "PBF"}
    assert len(breakdown) == len(slices_of(month, JUNE))
    reconciliation = run(month.con, "marts/select_reconciliation", params).fetchall()
    assert [(r[0], r[2], r[5]) for r in reconciliation] == [
        (MAY, "projects_total", "match"), (MAY, "share_pct:region_group:Kidal", "match"),
        (MAY, "budget_usd:region_group:Kidal + Mopti", "match"),
        (JUNE, "projects_total", "match"), (JUNE, "share_pct:region_group:Kidal", "match"),
        (JUNE, "budget_usd:region_group:Kidal + Mopti", "match"),
        (JUNE, "allocated_pct", "match"), (JUNE, "budget_usd", "match"),
    ]  # fmt: skip
    assert run(month.con, "marts/select_counts", params).fetchall() == [
        (2 * 24, 2 * len(slices_of(month, JUNE)), (7 + 4 + 1) + (7 + 1 + 1), 2 * 2)
    ]
    assert run(month.con, "marts/select_monthly_changes", params).fetchall() == [
        (MAY, "QIP", 5, 1, 0, 0, 0, 17_500, APRIL, MAY),
        (MAY, "TF", 2, 0, 1, 0, 0, 1, MARCH, date(2018, 5, 20)),
        (MAY, "PBF", 0, 0, 0, 0, 0, 0, date(2018, 2, 28), date(2018, 2, 28)),
        (JUNE, "QIP", 2, 1, 1, 1, 1, -27_000, MAY, JUNE),
        (JUNE, "TF", 0, 0, 0, 0, 0, 0, date(2018, 5, 20), date(2018, 5, 20)),
        (JUNE, "PBF", 0, 0, 0, 0, 0, 0, date(2018, 2, 28), date(2018, 2, 28)),
    ]


def slices_of(w: Warehouse, as_of: date) -> list[tuple]:
    return w.rows("SELECT * FROM marts.budget_breakdown WHERE as_of = ?", [as_of])


def test_building_marts_marks_the_months_and_touches_the_month_after() -> None:
    w = Warehouse()
    w.version("QIP", APRIL)
    rebuild_layer(w.con, "snapshots", [APRIL, MAY, JUNE, date(2018, 7, 31)])
    old = datetime(2000, 1, 1)
    w.con.execute("UPDATE core.month_builds SET built_at = ?", [old])
    rebuild_layer(w.con, "marts", [MAY])
    found = w.rows(
        "SELECT as_of, marts_built, dq_built, built_at > ? FROM core.month_builds ORDER BY as_of",
        [old],
    )
    assert found == [
        (APRIL, False, False, False),
        (MAY, True, False, True),
        (JUNE, False, False, True),  # its changes compare with May: rebuilt too, not built
        (date(2018, 7, 31), False, False, False),
    ]


def test_the_run_s_counts_are_of_its_months_only(month) -> None:
    # A run of June alone counts June's lines, not May's too: 24 figures (QIP 7, TF 10, PBF
    # 7), 40 slices (QIP 5 region groups and 14 sectors, TF 5 and 5 objectives, PBF 5 and 6
    # windows), 9 changes (QIP 7, TF 1, PBF 1) and 2 donors (May's two are May's).
    assert run(month.con, "marts/select_counts", {"months": [JUNE]}).fetchall() == [(24, 40, 9, 2)]
