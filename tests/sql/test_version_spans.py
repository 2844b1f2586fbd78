"""docs/figures.md's rule of which tracker version feeds a month, on hand-written versions, and
proof that the rule has one home in SQL and one in Python.

Guards against: an older version or a lower revision winning; a refused file shadowing the
version before it (the month must fall back); a refusal shown in months it could never have
fed, or hidden in those it would have; a change of the tie-break that reaches some
statements and not others.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sr_pipeline.defs import assets_raw, sensors
from sr_pipeline.model import TrackerFile
from sr_pipeline.trackers import discovery
from sr_pipeline.warehouse import schema
from tests.sql.warehouse_rows import Warehouse

APRIL, MAY, JUNE, JULY = date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30), date(2018, 7, 31)


def month_versions(w: Warehouse) -> dict[date, str]:
    return dict(w.rows("SELECT as_of, source_file FROM core.month_versions ORDER BY as_of"))


def refusals(w: Warehouse) -> list[tuple[date, str]]:
    return w.rows("SELECT as_of, source_file FROM dq.rejected_files ORDER BY ALL")


@pytest.fixture
def folder() -> Warehouse:
    """QIP versions: April; May and its v2; June v1 accepted, June v2 refused; nothing newer."""
    w = Warehouse()
    w.version("QIP", APRIL)
    w.version("QIP", MAY)
    w.version("QIP", MAY, revision=2)
    w.version("QIP", JUNE)
    w.version("QIP", JUNE, revision=2, refused="damaged")
    w.unrecognised("notes.xlsx", "unrecognised name")
    w.build(APRIL, MAY, JUNE, JULY)
    return w


def test_latest_accepted_version_on_or_before_the_month_highest_revision_first(folder) -> None:
    assert month_versions(folder) == {
        APRIL: "QIPs_Suivi_2018-04-30.xlsx",
        MAY: "QIPs_Suivi_2018-05-31_v2.xlsx",
        JUNE: "QIPs_Suivi_2018-06-30.xlsx",  # v2 is refused: June falls back to v1
        JULY: "QIPs_Suivi_2018-06-30.xlsx",
    }


def test_a_refusal_shows_in_the_months_it_would_have_fed(folder) -> None:
    assert refusals(folder) == [
        (APRIL, "notes.xlsx"),  # no date: every month
        (MAY, "notes.xlsx"),
        (JUNE, "QIPs_Suivi_2018-06-30_v2.xlsx"),
        (JUNE, "notes.xlsx"),
        (JULY, "QIPs_Suivi_2018-06-30_v2.xlsx"),
        (JULY, "notes.xlsx"),
    ]


def test_a_version_not_read_yet_is_not_chosen_and_not_a_refusal() -> None:
    w = Warehouse()
    w.version("QIP", MAY)
    w.version("QIP", JUNE, read=False)  # in the folder, not in raw (no run needed it yet)
    w.build(JUNE)
    assert month_versions(w) == {JUNE: "QIPs_Suivi_2018-05-31.xlsx"}
    assert refusals(w) == []


def test_the_tie_break_is_one_edit_in_sql(monkeypatch) -> None:
    """Reversing the revision order in core.version_spans alone changes every statement that
    asks which version feeds a month: the snapshot's versions, the refusals, and the baseline
    of the monthly changes."""
    real = schema.sql.__wrapped__
    edited = []

    def lowest_revision_wins(name: str) -> str:
        text = real(name)
        if name == "core/view_version_spans":
            edited.append(text)
            text = text.replace(
                "ORDER BY report_date, revision, source_file",
                "ORDER BY report_date, revision DESC, source_file",
            )
        return text

    monkeypatch.setattr(schema, "sql", lowest_revision_wins)
    schema.ddl_scripts.cache_clear()
    try:
        w = Warehouse()
        w.version("QIP", MAY)
        w.version("QIP", MAY, revision=2, refused="damaged")
        w.version("QIP", JUNE)
        w.build(MAY, JUNE)
        assert edited, "the rule was not read from core/view_version_spans"
        assert month_versions(w)[MAY] == "QIPs_Suivi_2018-05-31.xlsx"  # v1 now "latest"
        assert refusals(w) == []  # v2 comes before v1 now: v1 takes May over from it
        baseline = w.rows("SELECT DISTINCT previous_data_as_of FROM marts.monthly_changes")
        assert baseline == [(MAY,)]
    finally:
        schema.ddl_scripts.cache_clear()


def test_the_tie_break_is_one_edit_in_python(monkeypatch, tmp_path: Path) -> None:
    """Reversing discovery.version_order alone changes the raw step's choice and the sensor's
    view of which months a change affects."""
    names = ["QIPs_Suivi_2018-05-31.xlsx", "QIPs_Suivi_2018-05-31_v2.xlsx"]
    versions = [TrackerFile(tmp_path / n, "QIP", MAY, r) for r, n in enumerate(names, start=1)]
    monkeypatch.setattr(discovery, "version_order", lambda t: (t.report_date, -t.revision, t.name))
    read: list[str] = []

    class Reader:
        def accepted(self, tracker: TrackerFile) -> bool:
            read.append(tracker.name)
            return True

    assets_raw.load_needed(versions, [MAY], Reader())
    assert read == ["QIPs_Suivi_2018-05-31.xlsx"]  # v1 is now the latest: v2 never needed

    state = {"a": [["QIP", "2018-05-31", 1, names[0]]]}
    with_v2 = {**state, "b": [["QIP", "2018-05-31", 2, names[1]]]}
    # Adding v2 changes no month: under the edited order v1 still feeds May.
    assert sensors.affected_partitions(state, with_v2, "2018-07-01", frozenset()) == []
