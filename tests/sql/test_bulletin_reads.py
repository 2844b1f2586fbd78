"""What the bulletin, the CLI and the portal read (sql/reads/), on hand-written rows.

Each read is run on a warehouse holding the month asked for and its neighbours (the month
before, the month after, other funds), so that a read of the wrong month, of the wrong fund,
in the wrong order or with a filter term missing returns something else than the rows written
out below by hand.

Guards against: the bulletin printing another month's slices, changes, donors or figures;
the funds out of the bulletin's order (QIP, TF, PBF, not alphabetical); a refused file shown
as a fallback when the month has a tracker of its own; a superseded version of another month
listed as unused in this one; the changes of a month compared with the wrong month's
versions; the portal showing a later month's figures or another fund's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sr_pipeline.warehouse.sql import run
from tests.sql.warehouse_rows import Warehouse

APRIL, MAY, JUNE, JULY = date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30), date(2018, 7, 31)


def read(w: Warehouse, name: str, **params) -> list[tuple]:
    """The rows of ``reads/<name>.sql``, as tuples, in the read's own order."""
    return run(w.con, f"reads/{name}", params).fetchall()


def figure(w: Warehouse, as_of: date, fund: str, name: str, value: float) -> None:
    w.con.execute(
        "INSERT INTO marts.bulletin_figures VALUES (?, ?, ?, ?, ?, ?)",
        [as_of, fund, name, value, as_of, f"{fund}-{as_of:%m}.xlsx"],
    )


@pytest.fixture
def figures() -> Warehouse:
    """Figures of May, June and July for the three funds, written in no particular order."""
    w = Warehouse()
    for as_of, value in ((JUNE, 6), (MAY, 5), (JULY, 7)):
        for fund in ("PBF", "QIP", "TF"):
            figure(w, as_of, fund, "projects_total", value)
            figure(w, as_of, fund, "budget_usd", value * 1000)
            figure(w, as_of, fund, "projects_completed", value - 1)
            figure(w, as_of, fund, "projects_ongoing", value - 2)
    return w


def test_the_month_s_figures_in_the_bulletin_s_fund_order_then_by_name(figures) -> None:
    found = read(figures, "bulletin_figures", as_of=JUNE)
    assert [(fund, name, value) for fund, name, value, _, _ in found] == [
        ("QIP", "budget_usd", 6000), ("QIP", "projects_completed", 5),
        ("QIP", "projects_ongoing", 4), ("QIP", "projects_total", 6),
        ("TF", "budget_usd", 6000), ("TF", "projects_completed", 5),
        ("TF", "projects_ongoing", 4), ("TF", "projects_total", 6),
        ("PBF", "budget_usd", 6000), ("PBF", "projects_completed", 5),
        ("PBF", "projects_ongoing", 4), ("PBF", "projects_total", 6),
    ]  # fmt: skip
    assert {(data_as_of, source) for _, _, _, data_as_of, source in found} == {
        (JUNE, "QIP-06.xlsx"), (JUNE, "TF-06.xlsx"), (JUNE, "PBF-06.xlsx")
    }  # fmt: skip


def test_the_cli_lists_the_month_s_figures_alphabetically(figures) -> None:
    found = read(figures, "cli_figures", as_of=MAY)
    assert [(fund, name, value) for fund, name, value, _, _ in found] == [
        ("PBF", "budget_usd", 5000), ("PBF", "projects_completed", 4),
        ("PBF", "projects_ongoing", 3), ("PBF", "projects_total", 5),
        ("QIP", "budget_usd", 5000), ("QIP", "projects_completed", 4),
        ("QIP", "projects_ongoing", 3), ("QIP", "projects_total", 5),
        ("TF", "budget_usd", 5000), ("TF", "projects_completed", 4),
        ("TF", "projects_ongoing", 3), ("TF", "projects_total", 5),
    ]  # fmt: skip


def test_the_months_to_render_are_those_asked_for_that_have_figures_once_each(figures) -> None:
    assert read(figures, "bulletin_months", months=[JULY, APRIL, MAY]) == [(MAY,), (JULY,)]


def test_the_trend_has_completed_and_ongoing_of_every_month_up_to_the_one_asked(
    figures,
) -> None:
    figure(figures, APRIL, "TF", "projects_ongoing", 1)
    assert read(figures, "bulletin_trend", as_of=JUNE) == [
        (APRIL, "TF", "projects_ongoing", 1),
        (MAY, "QIP", "projects_completed", 4), (MAY, "QIP", "projects_ongoing", 3),
        (MAY, "TF", "projects_completed", 4), (MAY, "TF", "projects_ongoing", 3),
        (MAY, "PBF", "projects_completed", 4), (MAY, "PBF", "projects_ongoing", 3),
        (JUNE, "QIP", "projects_completed", 5), (JUNE, "QIP", "projects_ongoing", 4),
        (JUNE, "TF", "projects_completed", 5), (JUNE, "TF", "projects_ongoing", 4),
        (JUNE, "PBF", "projects_completed", 5), (JUNE, "PBF", "projects_ongoing", 4),
    ]  # fmt: skip


def test_the_portal_shows_the_fund_s_latest_figures_up_to_the_month(figures) -> None:
    figures.con.execute("DELETE FROM marts.bulletin_figures WHERE fund = 'QIP' AND as_of = ?",
                        [JUNE])  # fmt: skip
    figure(figures, APRIL, "QIP", "projects_total", 4)
    # QIP has no June figures: May's, the latest before June (TF's June is another fund's).
    assert read(figures, "portal_published_figures", fund="QIP", as_of=JUNE) == [
        (MAY, "budget_usd", 5000), (MAY, "projects_completed", 4),
        (MAY, "projects_ongoing", 3), (MAY, "projects_total", 5),
    ]  # fmt: skip
    # The month itself when it has them.
    assert read(figures, "portal_published_figures", fund="QIP", as_of=MAY)[0] == (
        MAY, "budget_usd", 5000
    )  # fmt: skip
    assert read(figures, "portal_published_figures", fund="TF", as_of=JUNE)[-1] == (
        JUNE, "projects_total", 6
    )  # fmt: skip
    assert read(figures, "portal_published_figures", fund="QIP", as_of=date(2018, 3, 31)) == []


def test_the_pie_charts_of_the_month_largest_slice_first_ties_by_name() -> None:
    w = Warehouse()
    rows = [
        (JUNE, "TF", "objective", "1", 100.0),
        (JUNE, "TF", "objective", "3", 300.0),
        (JUNE, "TF", "objective", "2", 300.0),
        (JUNE, "PBF", "window", "Phase I", 50.0),
        (JUNE, "QIP", "sector", "Health", 10.0),
        (JUNE, "QIP", "sector", "Water", 20.0),
        (JUNE, "QIP", "region_group", "Kidal", 30.0),
        (MAY, "QIP", "sector", "Health", 99.0),
        (JULY, "TF", "objective", "1", 99.0),
    ]
    for as_of, fund, dimension, category, budget in rows:
        w.con.execute(
            "INSERT INTO marts.budget_breakdown VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [as_of, fund, dimension, category, budget, budget / 10, 1, as_of],
        )
    found = read(w, "bulletin_breakdown", as_of=JUNE)
    assert [row[:4] for row in found] == [
        ("QIP", "region_group", "Kidal", 30.0),
        ("QIP", "sector", "Water", 20.0),
        ("QIP", "sector", "Health", 10.0),
        ("TF", "objective", "2", 300.0),
        ("TF", "objective", "3", 300.0),
        ("TF", "objective", "1", 100.0),
        ("PBF", "window", "Phase I", 50.0),
    ]
    assert found[0][4:] == (3.0, 1, JUNE)


def test_the_month_s_changes_by_fund_then_kind_then_project() -> None:
    w = Warehouse()
    rows = [
        (JUNE, "PBF", "approved", "00000002"),
        (JUNE, "QIP", "budget_delta", None),
        (JUNE, "QIP", "removed", "QIP/GAO/2018/001"),
        (JUNE, "QIP", "approved", "QIP/GAO/2018/009"),
        (JUNE, "QIP", "approved", "QIP/GAO/2018/003"),
        (JUNE, "TF", "completed", "TF-2018-001"),
        (MAY, "QIP", "approved", "QIP/GAO/2018/002"),
        (JULY, "TF", "approved", "TF-2018-002"),
    ]
    for as_of, fund, change, code in rows:
        w.con.execute(
            "INSERT INTO marts.monthly_changes VALUES (?, ?, ?, ?, ?, 'Gao', 1.0, ?, ?)",
            [as_of, fund, change, code, f"title {code}", as_of, MAY],
        )
    found = read(w, "bulletin_changes", as_of=JUNE)
    assert [row[:3] for row in found] == [
        ("QIP", "approved", "QIP/GAO/2018/003"),
        ("QIP", "approved", "QIP/GAO/2018/009"),
        ("QIP", "removed", "QIP/GAO/2018/001"),
        ("QIP", "budget_delta", None),
        ("TF", "completed", "TF-2018-001"),
        ("PBF", "approved", "00000002"),
    ]
    assert found[0][3:] == ("title QIP/GAO/2018/003", "Gao", 1.0, JUNE, MAY)


def test_the_month_s_donors_by_their_key() -> None:
    w = Warehouse()
    for as_of, donor, key in (
        (JUNE, "Sweden", "sweden"), (JUNE, "the Netherlands", "netherlands"),
        (JUNE, "Norway", "norway"), (MAY, "Denmark", "denmark"), (JULY, "Austria", "austria"),
    ):  # fmt: skip
        w.con.execute(
            "INSERT INTO marts.donors VALUES (?, 'TF', ?, ?, 1, 10.0, ?, ?, ?)",
            [as_of, donor, key, as_of, as_of, as_of],
        )
    assert read(w, "bulletin_donors", as_of=JUNE) == [
        ("the Netherlands",), ("Norway",), ("Sweden",)
    ]  # fmt: skip


def test_the_cli_s_reconciliation_puts_what_does_not_match_first() -> None:
    # By status, descending: missing, mismatch, then match (the read's comment says
    # "mismatches first": both kinds that do not match come before the matches).
    w = Warehouse()
    for as_of, fund, name, status in (
        (JUNE, "QIP", "projects_total", "match"),
        (JUNE, "PBF", "budget_usd", "mismatch"),
        (JUNE, "TF", "donors", "missing"),
        (JUNE, "QIP", "budget_usd", "mismatch"),
        (JUNE, "PBF", "projects_total", "match"),
        (MAY, "QIP", "donors", "mismatch"),
    ):
        w.con.execute(
            "INSERT INTO marts.reconciliation (as_of, fund, figure, published, computed, status)"
            " VALUES (?, ?, ?, 1, 2, ?)",
            [as_of, fund, name, status],
        )
    assert read(w, "cli_reconciliation", as_of=JUNE) == [
        ("TF", "donors", 1.0, 2.0, "missing"),
        ("PBF", "budget_usd", 1.0, 2.0, "mismatch"),
        ("QIP", "budget_usd", 1.0, 2.0, "mismatch"),
        ("PBF", "projects_total", 1.0, 2.0, "match"),
        ("QIP", "projects_total", 1.0, 2.0, "match"),
    ]


def test_the_cli_counts_the_month_s_problems_of_each_kind() -> None:
    w = Warehouse()
    for as_of in (JUNE, JUNE, JUNE, MAY):
        w.con.execute(
            "INSERT INTO dq.rejected_rows (fund, source_file, problem, as_of, data_as_of) "
            "VALUES ('QIP', 'q.xlsx', 'bad', ?, ?)",
            [as_of, as_of],
        )
    for as_of in (JUNE, MAY, MAY):
        w.con.execute(
            "INSERT INTO dq.rejected_files (source_file, problem, as_of) VALUES ('f', 'bad', ?)",
            [as_of],
        )
    for as_of in (JUNE, JUNE, JULY):
        w.con.execute(
            "INSERT INTO dq.rule_flags (fund, source_file, rule, as_of, data_as_of) "
            "VALUES ('QIP', 'q.xlsx', 'rule', ?, ?)",
            [as_of, as_of],
        )
    assert read(w, "cli_data_quality", as_of=JUNE) == [
        ("rejected rows", 3), ("rejected files", 1), ("rule flags", 2)
    ]  # fmt: skip


def test_the_months_the_published_warehouse_holds_latest_first() -> None:
    w = Warehouse()
    for as_of, fund in ((MAY, "QIP"), (JUNE, "QIP"), (JUNE, "TF"), (JUNE, "QIP"), (APRIL, "PBF")):
        w.con.execute(
            "INSERT INTO snapshots.projects (as_of, fund, data_as_of, source_file) "
            "VALUES (?, ?, ?, 'f.xlsx')",
            [as_of, fund, as_of],
        )
    assert read(w, "published_months") == [(JUNE, 3, 2), (MAY, 1, 1), (APRIL, 1, 1)]


def month_version(w: Warehouse, as_of: date, fund: str, sha: str, data_as_of: date) -> None:
    w.con.execute(
        "INSERT INTO core.month_versions VALUES (?, ?, ?, ?, ?, 1, ?)",
        [as_of, fund, sha, f"{fund}-{data_as_of}.xlsx", data_as_of, data_as_of],
    )


def test_the_versions_behind_the_months_a_run_rebuilds_by_month_then_fund() -> None:
    w = Warehouse()
    month_version(w, JUNE, "PBF", "p6", date(2018, 2, 28))
    month_version(w, JUNE, "QIP", "q6", JUNE)
    month_version(w, MAY, "TF", "t5", MAY)
    month_version(w, MAY, "QIP", "q5", MAY)
    month_version(w, JULY, "QIP", "q7", JULY)
    assert [row[:3] for row in read(w, "published_month_versions", months=[JUNE, MAY])] == [
        (MAY, "QIP", "q5"), (MAY, "TF", "t5"), (JUNE, "QIP", "q6"), (JUNE, "PBF", "p6"),
    ]  # fmt: skip


def publication(w: Warehouse, as_of: date, hour: int, versions: list[tuple[date, str]]) -> None:
    w.con.execute(
        "INSERT INTO marts.publications VALUES (?, ?, 'w.duckdb', 1, ?, ?)",
        [
            as_of,
            datetime(2018, 8, 1, hour, tzinfo=UTC),
            [{"month": m, "fund": "QIP", "source_file": f"{sha}.xlsx", "sha256": sha,
              "data_as_of": m} for m, sha in versions],
            f"bulletin-{as_of:%m}-{hour}",
        ],
    )  # fmt: skip


def test_the_publications_of_a_month_oldest_first() -> None:
    w = Warehouse()
    publication(w, JUNE, 15, [(JUNE, "a")])
    publication(w, JUNE, 9, [(JUNE, "a")])
    publication(w, MAY, 10, [(MAY, "b")])
    publication(w, JUNE, 12, [(JUNE, "a")])
    assert [row[-1] for row in read(w, "publications_of_month", as_of=JUNE)] == [
        "bulletin-06-9", "bulletin-06-12", "bulletin-06-15"
    ]  # fmt: skip


def test_where_a_version_stands_for_the_portal() -> None:
    w = Warehouse()
    a = w.version("QIP", MAY)
    b = w.version("QIP", JUNE, refused="damaged")
    month_version(w, MAY, "QIP", a, MAY)
    month_version(w, JUNE, "QIP", a, MAY)  # June's tracker was refused: May's feeds June
    month_version(w, MAY, "TF", "other", MAY)
    publication(w, MAY, 9, [(MAY, a)])
    publication(w, MAY, 10, [(MAY, a)])  # May published again
    publication(w, JUNE, 9, [(JUNE, a), (MAY, a)])
    publication(w, JULY, 9, [(JULY, "c"), (JUNE, a)])  # July's baseline only: not from a
    publication(w, APRIL, 9, [(APRIL, "d")])

    (sha, refused, months, bulletins), *more = read(w, "portal_version_state", sha256=a)
    assert more == []
    assert (sha, refused, sorted(months), sorted(bulletins)) == (a, None, [MAY, JUNE], [MAY, JUNE])
    assert read(w, "portal_version_state", sha256=b) == [(b, "damaged", None, None)]


def test_a_refused_tracker_of_the_month_is_a_fallback_only_when_the_month_is_older() -> None:
    w = Warehouse()
    # QIP: June's tracker refused, June shows May's (a fallback the data team accepted).
    w.version("QIP", MAY)
    w.version("QIP", date(2018, 6, 15), refused="damaged")
    w.version("QIP", date(2018, 5, 20), refused="too early")  # refused, but May's
    w.version("QIP", JULY, refused="too late")  # refused, but July's
    # TF: June's tracker refused and no TF tracker at all before it: the month has none.
    w.version("TF", JUNE, refused="empty")
    # PBF: a refused June file, but June shows a June tracker of its own (dated the 1st).
    w.version("PBF", date(2018, 2, 28))
    w.version("PBF", date(2018, 6, 1))
    w.version("PBF", date(2018, 6, 20), refused="damaged")
    # Files of the month not read yet are no refusal (June was built before they came).
    w.version("PBF", date(2018, 6, 25), read=False)
    w.version("QIP", date(2018, 6, 3), read=False)
    month_version(w, JUNE, "QIP", "q", MAY)
    month_version(w, JUNE, "PBF", "p6", date(2018, 6, 1))
    month_version(w, MAY, "QIP", "q", MAY)
    month_version(w, MAY, "PBF", "p2", date(2018, 2, 28))
    assert read(w, "bulletin_fallbacks", as_of=JUNE) == [
        ("QIP", "QIPs_Suivi_2018-06-15.xlsx", "damaged", MAY),
        ("TF", "TF_Project_Tracker_Jun2018.xlsx", "empty", None),
    ]


def test_the_month_s_rejections_per_fund_rows_counted_once() -> None:
    w = Warehouse()
    month_version(w, JUNE, "PBF", "p", JUNE)
    month_version(w, JUNE, "QIP", "q", JUNE)
    month_version(w, JUNE, "TF", "t", JUNE)
    month_version(w, MAY, "QIP", "q5", MAY)
    for fund, sheet, row, as_of in (
        ("QIP", "Suivi", 5, JUNE), ("QIP", "Suivi", 5, JUNE),  # one row, two bad fields
        ("QIP", "Suivi", 7, JUNE), ("QIP", "Autre", 7, JUNE),  # row 7 of two sheets
        ("QIP", "Suivi", 9, MAY),  # May's
        ("PBF", "Portefeuille", 3, JUNE),
    ):  # fmt: skip
        w.con.execute(
            "INSERT INTO dq.rejected_rows (fund, source_file, sheet, source_row, problem, as_of,"
            " data_as_of) VALUES (?, ?, ?, ?, 'bad', ?, ?)",
            [fund, f"{fund}.xlsx", sheet, row, as_of, as_of],
        )
    for sha, feedback in (("q", "q-feedback.xlsx"), ("p", None), ("q5", "q5-feedback.xlsx")):
        w.con.execute(
            "INSERT INTO marts.data_quality (source_file, sha256, feedback_file, status, "
            "in_folder, months_used) VALUES (?, ?, ?, 'loaded', true, 1)",
            [f"{sha}.xlsx", sha, feedback],
        )
    assert read(w, "bulletin_rejections", as_of=JUNE) == [
        ("QIP", f"QIP-{JUNE}.xlsx", 3, "q-feedback.xlsx"),
        ("TF", f"TF-{JUNE}.xlsx", 0, None),
        ("PBF", f"PBF-{JUNE}.xlsx", 1, None),
    ]


def test_the_versions_nobody_used_that_touch_the_month() -> None:
    w = Warehouse()
    month_version(w, JUNE, "PBF", "p", date(2018, 2, 28))
    month_version(w, MAY, "PBF", "p1", date(2018, 1, 31))
    lines = [
        # fund, report date, revision, file, status, in folder, superseded by
        ("QIP", date(2018, 6, 10), 1, "q-0610.xlsx", "superseded", True, "q-0610_v2.xlsx"),
        ("QIP", date(2018, 6, 10), 2, "q-0610_v2.xlsx", "loaded", True, None),
        ("QIP", JUNE, 1, "q-0630-b.xlsx", "copy", True, "q-0630.xlsx"),
        ("QIP", JUNE, 1, "q-0630-a.xlsx", "copy", True, "q-0630.xlsx"),
        ("QIP", date(2018, 6, 1), 1, "q-0601.xlsx", "refused", True, None),  # the 1st
        ("QIP", MAY, 1, "q-0531.xlsx", "refused", True, None),  # May's last day
        ("QIP", JULY.replace(day=1), 1, "q-0701.xlsx", "refused", True, None),  # July's 1st
        ("QIP", date(2018, 6, 12), 1, "q-0612.xlsx", "not read yet", True, None),
        ("TF", date(2018, 6, 20), 1, "t-0620.xlsx", "refused", False, None),  # gone
        ("PBF", date(2018, 2, 28), 1, "p-0228.xlsx", "superseded", True, "p-0228_v2.xlsx"),
        ("PBF", date(2018, 1, 31), 1, "p-0131.xlsx", "superseded", True, "p-0131_v2.xlsx"),
        ("QIP", date(2018, 2, 28), 1, "q-0228.xlsx", "superseded", True, "q-0228_v2.xlsx"),
        (None, None, None, "Suivi QIPs.xlsx", "refused", True, None),  # no date at all
    ]
    for fund, report_date, revision, source, status, in_folder, by in lines:
        w.con.execute(
            "INSERT INTO marts.data_quality (fund, report_date, revision, source_file, status, "
            "in_folder, superseded_by, refused, months_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [fund, report_date, revision, source, status, in_folder, by,
             "no" if status == "refused" else None],
        )  # fmt: skip
    assert read(w, "bulletin_unused_versions", as_of=JUNE) == [
        ("QIP", "q-0601.xlsx", "refused", None, "no"),
        ("QIP", "q-0610.xlsx", "superseded", "q-0610_v2.xlsx", None),
        ("QIP", "q-0630-a.xlsx", "copy", "q-0630.xlsx", None),
        ("QIP", "q-0630-b.xlsx", "copy", "q-0630.xlsx", None),
        ("PBF", "p-0228.xlsx", "superseded", "p-0228_v2.xlsx", None),
        (None, "Suivi QIPs.xlsx", "refused", None, "no"),
    ]


def test_the_versions_behind_a_bulletin_the_month_s_then_the_month_before_s() -> None:
    w = Warehouse()
    w.version("QIP", APRIL)
    w.version("QIP", date(2018, 5, 15))
    w.version("QIP", MAY, revision=2, refused="damaged")  # would feed May: refused
    w.version("QIP", JUNE)
    w.version("TF", date(2018, 3, 31))
    w.version("TF", date(2018, 5, 20))
    w.version("PBF", date(2018, 2, 28))
    w.build(MAY, JUNE)
    found = read(w, "bulletin_versions", as_of=JUNE)
    assert [(month, fund, source, data_as_of) for month, fund, source, _, data_as_of in found] == [
        (JUNE, "QIP", "QIPs_Suivi_2018-06-30.xlsx", JUNE),
        (JUNE, "TF", "TF_Project_Tracker_May2018.xlsx", date(2018, 5, 20)),
        (JUNE, "PBF", "PBF_Portefeuille_20180228.xlsx", date(2018, 2, 28)),
        (MAY, "QIP", "QIPs_Suivi_2018-05-15.xlsx", date(2018, 5, 15)),
        (MAY, "TF", "TF_Project_Tracker_May2018.xlsx", date(2018, 5, 20)),
        (MAY, "PBF", "PBF_Portefeuille_20180228.xlsx", date(2018, 2, 28)),
    ]
