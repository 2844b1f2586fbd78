"""The row rules and business rules of ``sr_pipeline.trackers.rules`` at their edges, on real
workbooks.

A clerk's tracker puts a project right on a limit more often than one would think: a QIP of
exactly 50,000 USD, one planned for six months, one that ran from 31 August to the end of
February, one approved, started and finished on the same day. Each side of each limit is
written out here with the exact flag or rejection it must give.

Guards against: an off-by-one at the ceiling (``>=`` for ``>``), a six-month limit counted in
days (31 August + 6 months is 28 February, not 27 or 1 March), the dates overruling a
duration the unit stated, expenditure equal to the budget flagged, same-day dates
rejected, and the completed-without-end-date rule applied where the contract does not ask
for it (PBF) or missing where it does (Trust Fund).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests.builders import pbf_row, pbf_workbook, qip_row, qip_workbook, tf_row, tf_workbook

DURATION, APPROVED, STARTED, ENDED = (
    "Durée (mois)", "Date d'approbation", "Date de démarrage", "Date de clôture",
)  # fmt: skip


def read(path: Path) -> ReadResult:
    return read_tracker(recognise(path))


def flags(result: ReadResult) -> list[tuple[int, str, str]]:
    found = result.rule_flags
    return list(zip(found["source_row"], found["rule"], found["detail"], strict=True))


def problems(result: ReadResult) -> list[tuple[int, str, str]]:
    found = result.rejected_rows
    return list(zip(found["source_row"], found["field"], found["problem"], strict=True))


def test_duration_over_six_months_at_its_edges(tmp_path: Path) -> None:
    rows = [
        qip_row(1, **{DURATION: 6}),  # exactly six months stated: within the limit
        qip_row(2, **{DURATION: 7}),
        # Duration blank: the dates decide, in calendar months.
        qip_row(3, **{DURATION: "", STARTED: date(2018, 3, 15), ENDED: date(2018, 9, 15)}),
        qip_row(4, **{DURATION: "", STARTED: date(2018, 3, 15), ENDED: date(2018, 9, 16)}),
        # 31 August + 6 calendar months is the last day of February.
        qip_row(5, **{DURATION: "", APPROVED: date(2018, 6, 1), STARTED: date(2018, 8, 31),
                      ENDED: date(2019, 2, 28)}),
        qip_row(6, **{DURATION: "", APPROVED: date(2018, 6, 1), STARTED: date(2018, 8, 31),
                      ENDED: date(2019, 3, 1)}),
        # A duration the unit stated is the duration, whatever the dates say.
        qip_row(7, **{DURATION: 5, STARTED: date(2018, 3, 15), ENDED: date(2019, 3, 15)}),
        # No start date: nothing to count six months from.
        qip_row(8, **{DURATION: "", STARTED: "", ENDED: date(2019, 3, 15)}),
    ]  # fmt: skip
    result = read(qip_workbook(tmp_path, rows))
    assert flags(result) == [
        (6, "duration_over_6_months", "duration of 7 months is above the QIP maximum of 6 months"),
        (8, "duration_over_6_months", "runs from 15/03/2018 to 16/09/2018, more than 6 months"),
        (10, "duration_over_6_months", "runs from 31/08/2018 to 01/03/2019, more than 6 months"),
    ]
    assert len(result.tables["projects"]) == 8  # flagged rows are loaded and counted


def test_budget_cap_at_its_edge_after_conversion(tmp_path: Path) -> None:
    rows = [
        qip_row(1, Budget=50_000),  # the ceiling itself
        qip_row(2, Budget="50 000,01"),  # a cent over
        # March 2018 (the approval month): 0.811 EUR per USD in the rates file.
        qip_row(3, Budget=40_550, Devise="EUR"),  # 40,550 / 0.811 = 50,000.00 USD
        qip_row(4, Budget=40_551, Devise="EUR"),  # 50,001.23 USD
        qip_row(5, Budget="40 550,30", Devise="EUR"),  # 50,000.37 USD
    ]
    result = read(qip_workbook(tmp_path, rows))
    assert flags(result) == [
        (6, "budget_over_cap", "budget of 50,000.01 USD is above the QIP ceiling of 50,000 USD"),
        (8, "budget_over_cap", "budget of 40,551 EUR is 50,001 USD at the reference rate of March "
                               "2018 (0.811 EUR per USD), above the QIP ceiling of 50,000 USD"),
        # Amounts are whole in a sentence unless two would then read the same.
        (9, "budget_over_cap", "budget of 40,550.30 EUR is 50,000.37 USD at the reference rate of "
                               "March 2018 (0.811 EUR per USD), above the QIP ceiling of "
                               "50,000 USD"),
    ]  # fmt: skip
    assert result.tables["projects"]["budget_usd"].tolist() == [50_000, 50_000.01, 50_000,
                                                                50_001.23, 50_000.37]  # fmt: skip


def test_expenditure_equal_to_the_budget_is_not_flagged(tmp_path: Path) -> None:
    rows = [
        tf_row(1, **{"Expenditure to date": 181_320}),  # all of it spent
        tf_row(2, **{"Expenditure to date": "181,320.01"}),  # a cent more
    ]
    result = read(tf_workbook(tmp_path, rows))
    assert flags(result) == [
        (5, "expenditure_over_budget",
         "expenditure of 181,320.01 USD is above the approved budget of 181,320 USD"),
    ]  # fmt: skip


def test_dates_on_the_same_day_are_in_order_a_day_back_is_not(tmp_path: Path) -> None:
    day = date(2018, 3, 15)
    rows = [
        qip_row(1, **{APPROVED: day, STARTED: day, ENDED: day}),  # approved, done, same day
        qip_row(2, **{APPROVED: day, STARTED: date(2018, 3, 14)}),
        qip_row(3, **{STARTED: day, ENDED: date(2018, 3, 14)}),
    ]
    result = read(qip_workbook(tmp_path, rows))
    assert problems(result) == [
        (6, "start_date", "Date de démarrage: the start date 14/03/2018 is before the approval "
                          "date 15/03/2018; a project cannot start before it is approved"),
        (7, "end_date", "Date de clôture: the end date 14/03/2018 is before the start date "
                        "15/03/2018; check both dates"),
    ]  # fmt: skip


def test_the_project_applies_date_order_to_the_trust_fund_and_pbf_too(tmp_path: Path) -> None:
    # The contract states the order rules in the QIP table; the project applies them to the
    # other funds' dates as well (an interpretation: see docs/rules.md).
    tf = read(tf_workbook(tmp_path, [tf_row(1, **{"Start Date": date(2018, 1, 31)}),
                                     tf_row(2, **{"End Date": date(2018, 2, 28)})]))  # fmt: skip
    assert [(row, field) for row, field, _ in problems(tf)] == [(4, "start_date"), (5, "end_date")]
    pbf = read(pbf_workbook(tmp_path, [pbf_row(1, **{"Date de fin": date(2015, 5, 31)})]))
    assert [(row, field) for row, field, _ in problems(pbf)] == [(4, "end_date")]


def test_completed_without_an_end_date_per_fund(tmp_path: Path) -> None:
    message = "the project is marked completed but has no end date; enter the date it was completed"
    qip = read(qip_workbook(tmp_path, [qip_row(1, Statut="Terminé", **{ENDED: ""})]))
    assert problems(qip) == [(5, "end_date", f"Date de clôture: {message}")]
    tf = read(tf_workbook(tmp_path, [tf_row(1, Status="Closed")]))
    assert problems(tf) == [(4, "end_date", f"End Date: {message}")]
    assert qip.rule_flags.empty and tf.rule_flags.empty  # a row error, not a flag
    # The PBF table does not ask for an end date: the project is loaded as it is.
    pbf = read(pbf_workbook(tmp_path, [pbf_row(1, Statut="Achevé", **{"Date de fin": ""})]))
    assert pbf.rejected_rows.empty
    assert pbf.tables["projects"]["status"].tolist() == ["completed"]
