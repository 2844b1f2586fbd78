"""A workbook read as the clerk meant it, at reader level (the Dagster runs on the demo
trackers edited the same ways are in tests/defs/test_clerk_edits.py).

Guards against: a "Total" row placed above the end of the data (a subtotal, or one right under
the headers) silently dropping every row after it; a currency cell merged over two projects
read for the first one only (the second taken as USD); a renamed column (``Monnaie`` for
``Devise``) ignored without a word, every XOF amount then counted as USD; rows hidden by hand
or by a filter left out; a project approved after the date the tracker describes counted; a
budget typed ``1e15`` counted; a merge reaching far past the table inventing rows.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests.builders import (
    Formula,
    contribution_row,
    qip_row,
    qip_workbook,
    tf_row,
    tf_workbook,
)

# Columns of the builders' QIP sheet (header in row 4, data from row 5).
BUDGET, CURRENCY = "H", "I"


def read(path: Path) -> ReadResult:
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    return read_tracker(tracker)


def edit(path: Path, change) -> Path:
    """Open a built workbook with openpyxl, change its QIP sheet as a clerk would, save."""
    book = openpyxl.load_workbook(path)
    change(book["Suivi QIPs"])
    book.save(path)
    return path


def notes(result: ReadResult) -> list[tuple]:
    return [
        (n.sheet, n.source_row, n.excel_column, n.note_code, json.loads(n.note_params))
        for n in result.notes.itertuples()
    ]


def codes(result: ReadResult) -> list[str]:
    return result.tables["projects"]["project_code"].tolist()


# --- totals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["Total", "Sous-total", "SOUS TOTAL", "Total général", "Grand total"]
)
def test_a_total_row_with_projects_after_it_is_a_subtotal(tmp_path: Path, label: str) -> None:
    # A subtotal of the first two projects (row 7), then two more projects and the closing
    # total (row 10): all four projects are read, and the subtotal is noted for the unit.
    subtotal = ["", label, *[""] * 5, Formula("=SUM(H5:H6)", 50_000)]
    total = ["TOTAL", *[""] * 6, Formula("=SUM(H5:H9)", 100_000)]
    rows = [qip_row(1), qip_row(2), subtotal, qip_row(3), qip_row(4), total]
    result = read(qip_workbook(tmp_path, rows))
    assert result.tables["projects"]["source_row"].tolist() == [5, 6, 8, 9]
    assert result.rows_read == 4 and result.rejected_rows.empty
    assert result.rows_skipped == {"blank": 0, "group_header": 0, "total": 2, "after_total": 0}
    assert notes(result) == [
        ("Suivi QIPs", 7, None, "subtotal_row", {"label": label, "row": 7}),
    ]
    fr = Message.from_stored("subtotal_row", result.notes.note_params[0]).render("fr")
    assert fr.startswith(f"la ligne 7 indique « {label} », un total, mais des lignes de projets")


def test_a_total_row_right_under_the_headers_is_read_past(tmp_path: Path) -> None:
    # The clerk's "Total" in row 5, the projects below it: every project counts.
    rows = [["Total", *[""] * 6, Formula("=SUM(H6:H7)", 50_000)], qip_row(1), qip_row(2)]
    result = read(qip_workbook(tmp_path, rows))
    assert codes(result) == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert [n[3] for n in notes(result)] == ["subtotal_row"]


def test_rows_after_a_subtotal_without_a_code_are_data_and_rejected_with_reasons(
    tmp_path: Path,
) -> None:
    # Between a subtotal and the next project, a row without a code is data like any other:
    # it is rejected with reasons, never dropped.
    rows = [qip_row(1), ["Sous-total", *[""] * 6, 25_000],
            qip_row(2, **{"Code QIP": ""}), qip_row(3)]  # fmt: skip
    result = read(qip_workbook(tmp_path, rows))
    assert codes(result) == ["QIP/GAO/2018/001", "QIP/GAO/2018/003"]
    assert result.rejected_rows[["source_row", "field"]].values.tolist() == [[7, "project_code"]]
    assert result.rows_read == 3


def test_the_totals_of_every_data_sheet_can_be_subtotals(tmp_path: Path) -> None:
    # The TF's Projects and Contributions: a subtotal inside each, read past.
    result = read(
        tf_workbook(
            tmp_path,
            [tf_row(1), ["Total", "", "", "", "", "", 100], tf_row(2)],
            contributions=[
                contribution_row(),
                ["Sous-total", "", 1],
                contribution_row(Donor="Italy"),
            ],
        )
    )
    assert len(result.tables["projects"]) == 2
    assert result.tables["contributions"]["donor"].tolist() == ["Germany", "Italy"]
    assert [(n[0], n[3]) for n in notes(result)] == [
        ("Projects", "subtotal_row"), ("Contributions", "subtotal_row"),
    ]  # fmt: skip


# --- merged cells ---------------------------------------------------------------------------


def test_a_currency_merged_over_two_rows_applies_to_both(tmp_path: Path) -> None:
    path = qip_workbook(
        tmp_path,
        [qip_row(1, Budget=15_000_000, Devise="XOF"), qip_row(2, Budget=15_000_000), qip_row(3)],
    )

    def merge(sheet) -> None:
        sheet[f"{CURRENCY}6"] = None
        sheet.merge_cells(f"{CURRENCY}5:{CURRENCY}6")

    result = read(edit(path, merge))
    projects = result.tables["projects"]
    assert projects["currency"].tolist() == ["XOF", "XOF", "USD"]
    # Both rows converted alike (same amount, same approval month), neither over the limit.
    assert projects["budget_usd"].iat[0] == projects["budget_usd"].iat[1] < 50_000
    assert result.rejected_rows.empty
    assert notes(result) == [
        ("Suivi QIPs", 5, CURRENCY, "merged_cells",
         {"cells": "I5:I6", "first": 5, "last": 6, "value": "XOF"}),
    ]  # fmt: skip
    assert result.notes.header.tolist() == ["Devise"]


def test_a_merge_within_one_row_stays_layout(tmp_path: Path) -> None:
    # A group header merged across the table, and one merged over two rows: both still group
    # headers, nothing read as data.
    path = qip_workbook(tmp_path, [["Gao"], qip_row(1), ["Kidal"], [], qip_row(2)])

    def merge(sheet) -> None:
        sheet.merge_cells("A5:O5")
        sheet.merge_cells("A7:O8")

    result = read(edit(path, merge))
    assert codes(result) == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert result.rows_skipped["group_header"] == 3 and result.rejected_rows.empty


def test_a_group_header_repeated_across_the_row_beside_cells_of_spaces(tmp_path: Path) -> None:
    # A region name typed into several cells of the row (as a merge filled by hand leaves it),
    # with cells holding only spaces between them: the row is a group header whether it has
    # more than three non-empty cells or not (a cell of spaces is blank either way).
    wide = ["Gao", "   ", "Gao", "Gao", " ", "Gao"]
    narrow = ["Kidal", "   ", "  ", " "]
    path = qip_workbook(tmp_path, [wide, qip_row(1), narrow, qip_row(2)])
    result = read(path)
    assert codes(result) == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert result.rows_skipped["group_header"] == 2 and result.rejected_rows.empty


# --- columns the contract does not know -----------------------------------------------------


def test_a_renamed_column_is_named_not_silently_ignored(tmp_path: Path) -> None:
    # "Monnaie" for "Devise": the amounts are read as USD (the column is unknown), the XOF
    # budget is then far above any QIP and rejected; the unknown column is a note naming it
    # and the contract's columns absent from the sheet.
    path = qip_workbook(tmp_path, [qip_row(1, Budget=15_000_000, Devise="XOF"), qip_row(2)])
    result = read(edit(path, lambda sheet: sheet.__setitem__(f"{CURRENCY}4", "Monnaie")))
    assert codes(result) == ["QIP/GAO/2018/002"]
    assert result.rejected_rows[["source_row", "field", "problem_code"]].values.tolist() == [
        [5, "budget", "budget_over_limit"]
    ]
    assert notes(result) == [
        ("Suivi QIPs", 4, CURRENCY, "unknown_column",
         {"column": "I", "header": "Monnaie",
          "missing": {"en": "Devise", "fr": "Devise"}}),
    ]  # fmt: skip
    assert "'Monnaie' (column I)" in result.notes.note[0]


def test_a_column_with_values_but_no_header_is_named(tmp_path: Path) -> None:
    path = qip_workbook(tmp_path, [qip_row(1), qip_row(2)])
    result = read(edit(path, lambda sheet: sheet.__setitem__("P6", "à revoir")))
    assert [(n[2], n[3]) for n in notes(result)] == [("P", "unnamed_column")]
    assert len(result.tables["projects"]) == 2


# --- hidden rows ----------------------------------------------------------------------------


def test_hidden_and_filtered_rows_are_data(tmp_path: Path) -> None:
    path = qip_workbook(tmp_path, [qip_row(1), qip_row(2), qip_row(3)])

    def hide(sheet) -> None:
        sheet.row_dimensions[5].hidden = True  # hidden by hand
        sheet.auto_filter.ref = "A4:O7"  # a filter that hides row 6
        sheet.auto_filter.add_filter_column(0, ["QIP/GAO/2018/003"])
        sheet.row_dimensions[6].hidden = True

    result = read(edit(path, hide))
    assert result.tables["projects"]["source_row"].tolist() == [5, 6, 7]


# --- impossible values ----------------------------------------------------------------------


def test_an_approval_after_the_report_date_is_a_row_error(tmp_path: Path) -> None:
    rows = [
        qip_row(1, **{"Date d'approbation": "15/07/2018", "Date de démarrage": "",
                      "Date de clôture": "", "Statut": "En cours"}),
        qip_row(2, **{"Date d'approbation": date(2018, 6, 30), "Date de démarrage": "",
                      "Date de clôture": "", "Statut": "En cours"}),  # on the report date: fine
    ]  # fmt: skip
    result = read(qip_workbook(tmp_path, rows))
    assert codes(result) == ["QIP/GAO/2018/002"]
    line = result.rejected_rows.iloc[0]
    assert (line.source_row, line.field, line.excel_column) == (5, "approval_date", "J")
    assert Message.from_stored(line.problem_code, line.problem_params) == Message.of(
        "approval_not_after_report_date", approval="15/07/2018", report="30/06/2018"
    )
    late = {"Approval Date": date(2018, 7, 2), "Start Date": date(2018, 7, 2)}
    tf = read(tf_workbook(tmp_path, [tf_row(1, **late)]))
    assert tf.tables["projects"].empty
    assert tf.rejected_rows.problem_code.tolist() == ["approval_not_after_report_date"]


@pytest.mark.parametrize(
    ("budget", "currency", "rejected"),
    [
        (1e15, "", True),  # typed 1e15
        (500_000, "", False),  # ten times the ceiling exactly: flagged over the cap only
        (500_000.01, "", True),
        (15_000_000, "", True),  # an XOF amount whose currency is missing
        (15_000_000, "XOF", False),  # the same amount in XOF: about 27,000 USD
    ],
)
def test_a_qip_budget_above_ten_times_the_ceiling_is_a_row_error(
    tmp_path: Path, budget: float, currency: str, rejected: bool
) -> None:
    result = read(qip_workbook(tmp_path, [qip_row(1, Budget=budget, Devise=currency)]))
    assert result.tables["projects"].empty is rejected
    if rejected:
        line = result.rejected_rows.iloc[0]
        assert (line.field, line.problem_code, line.excel_column) == (
            "budget",
            "budget_over_limit",
            BUDGET,
        )
        assert "more than ten times the QIP ceiling of 50,000 USD" in line.problem
        assert result.rule_flags.empty  # a rejected row carries no flag
    else:
        assert result.rejected_rows.empty


def test_a_merge_reaching_past_the_sheet_fills_only_the_cells_it_stores(tmp_path: Path) -> None:
    # A hostile (or careless) merge down to row 400 and across to column Z of a three-row
    # table: clipped to the stored rows and the table's columns, no row invented past row 7.
    path = qip_workbook(tmp_path, [qip_row(1, Devise="XOF"), qip_row(2), qip_row(3)])
    result = read(edit(path, lambda sheet: sheet.merge_cells("I5:Z400")))
    assert result.rows_read == 3
    assert [n[4]["cells"] for n in notes(result)] == ["I5:O7"]
