"""The snapshot step's two reads, on hand-written versions: the slices the schema check
validates a month in, and the funds whose data is too old for the month.

Guards against: a month validated from slices that overlap, miss rows, or mix in another
month's rows (a bad row passing the schema check unseen, or a good month failing); a stale
fund not flagged, or a fresh one flagged, at the boundary month, or months outside the run
flagged too.
"""

from __future__ import annotations

from datetime import date

from sr_pipeline.warehouse.sql import frame
from tests.sql.warehouse_rows import Warehouse

FEB, MAR, MAY, JUNE = date(2018, 2, 28), date(2018, 3, 31), date(2018, 5, 31), date(2018, 6, 30)


def test_a_months_slices_are_disjoint_and_hold_exactly_its_rows() -> None:
    w = Warehouse()
    qip_may = w.version("QIP", MAY)
    qip_june = w.version("QIP", JUNE)
    pbf = w.version("PBF", FEB)
    for n in range(1, 8):
        w.project(qip_june, "QIP", f"QIP/GAO/2018/{n:03d}")
    w.project(qip_may, "QIP", "QIP/GAO/2018/900")  # May only: never in June's slices
    for n in range(1, 4):
        w.project(pbf, "PBF", f"{92450 + n:08d}")
    w.build(MAY, JUNE)
    june = sorted(w.rows("SELECT fund, project_code FROM snapshots.projects WHERE as_of = ?",
                         [JUNE]))  # fmt: skip
    assert len(june) == 10
    for parts in (1, 3):
        slices = [
            frame(
                w.con,
                "snapshots/select_projects_slice",
                {"as_of": JUNE, "parts": parts, "part": part},
            )  # fmt: skip
            for part in range(parts)
        ]
        keys = [(r.fund, r.project_code) for s in slices for r in s.itertuples()]
        assert sorted(keys) == june  # every row once, none of May's
        assert all({d.date() for d in s["as_of"]} <= {JUNE} for s in slices)
        if parts > 1:
            assert sum(1 for s in slices if len(s)) > 1  # really split


def test_stale_funds_are_those_whose_data_is_older_than_the_months_back() -> None:
    """June with 3 months back: data before 31 March is stale (PBF of February), data of 31
    March is not (TF), nor of May (QIP); May's own row is not asked for."""
    w = Warehouse()
    for fund, day in (("QIP", MAY), ("TF", MAR), ("PBF", FEB)):
        w.project(w.version(fund, day), fund, {"QIP": "QIP/GAO/2018/001", "TF": "TF-2018-001",
                                                "PBF": "00092451"}[fund])  # fmt: skip
    w.build(MAY, JUNE)
    stale = frame(w.con, "snapshots/select_stale_funds", {"months": [JUNE], "months_back": 3})
    assert [(r.as_of.date(), r.fund, r.data_as_of.date()) for r in stale.itertuples()] == [
        (JUNE, "PBF", FEB)
    ]
