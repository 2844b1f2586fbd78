"""Small core statements whose mistakes no figure shows at once: the order changes are listed
in, which months a failed run left pending, and which version takes over from a version.

Guards against: a kind of change misspelt in the ordering (it sorts nowhere, and the bulletin's
list of changes comes out in another order); a month whose dq failed after its marts were
built published as finished; a refused version named as the one that takes over.
"""

from __future__ import annotations

from datetime import date

from sr_pipeline.warehouse.sql import run
from tests.sql.warehouse_rows import Warehouse

MAY, JUNE, JULY = date(2018, 5, 31), date(2018, 6, 30), date(2018, 7, 31)


def test_changes_are_ordered_approved_completed_cancelled_removed_budget() -> None:
    w = Warehouse()
    kinds = ["approved", "completed", "cancelled", "removed", "budget_delta"]
    positions = [w.rows("SELECT core.change_order(?)", [kind])[0][0] for kind in kinds]
    assert None not in positions
    assert positions == sorted(positions) and len(set(positions)) == len(kinds)


def test_a_month_is_pending_until_both_its_marts_and_its_dq_are_built() -> None:
    w = Warehouse()
    w.project(w.version("QIP", MAY), "QIP", "QIP/GAO/2018/001")
    w.build(MAY, JUNE, JULY)
    assert run(w.con, "core/select_pending_months").fetchall() == []
    w.con.execute("UPDATE core.month_builds SET dq_built = false WHERE as_of = ?", [JUNE])
    w.con.execute("UPDATE core.month_builds SET marts_built = false WHERE as_of = ?", [JULY])
    pending = [row[0] for row in run(w.con, "core/select_pending_months").fetchall()]
    assert pending == [JUNE, JULY]


def test_the_next_version_is_the_next_accepted_one() -> None:
    """May accepted, June refused, July accepted: May feeds until July's report date and July
    takes over from it; June (refused) takes over from nothing and is taken over by July."""
    w = Warehouse()
    w.version("QIP", MAY)
    w.version("QIP", JUNE, refused="damaged")
    w.version("QIP", JULY)
    spans = w.rows(
        "SELECT source_file, feeds_until, next_version FROM core.version_spans ORDER BY ALL"
    )
    assert spans == [
        ("QIPs_Suivi_2018-05-31.xlsx", JULY, "QIPs_Suivi_2018-07-31.xlsx"),
        ("QIPs_Suivi_2018-06-30.xlsx", JULY, "QIPs_Suivi_2018-07-31.xlsx"),
        ("QIPs_Suivi_2018-07-31.xlsx", None, None),
    ]
