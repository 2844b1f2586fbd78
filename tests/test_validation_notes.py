"""The reader's flags, reading notes and the sheet-level steps around them
(``trackers/reader/validation.py``: ``_flags``, ``reading_notes``, ``_validate``,
``read_sheet``, ``parse_fields``, ``parse_column``, ``read_rows`` and the small helpers).

Written against the survivors of a mutation run of ``reader.validation`` (issue #23): each test
reads a workbook built in ``tmp_path`` and states, written out by hand, the notes, flags,
rejections and rows the unit must get. Guards against: a note that names no file or fund, a
column the contract misses listed without its separator, an empty column with no header noted
as if it held values, a merged range's header looked up at the wrong letter in a sheet that
starts right of column A, a currency disagreement of a contribution charged to a ``budget`` it
does not have, a problem on one row hiding the problems of the rows after it, a cell of
invisible characters taken for a title, and an expenditure written "USD 50,000" refused as not
in USD."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests.builders import (
    QIP_HEADERS,
    Formula,
    contribution_row,
    qip_row,
    qip_sheet,
    tf_row,
    tf_workbook,
    write_workbook,
)

QIP_NAME = "QIPs_Suivi_2018-06-30.xlsx"


def read(path: Path) -> ReadResult:
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    return read_tracker(tracker)


def notes(result: ReadResult) -> list[tuple]:
    return [
        (n.fund, n.source_file, n.sheet, n.source_row, n.excel_column, n.header, n.note_code,
         json.loads(n.note_params))
        for n in result.notes.itertuples()
    ]  # fmt: skip


def problems(result: ReadResult) -> list[tuple]:
    found = result.rejected_rows
    return list(zip(found["source_row"], found["field"], found["problem"], strict=True))


# --- reading notes --------------------------------------------------------------------------


def test_notes_name_the_file_the_columns_not_found_and_leave_an_empty_column_unnoted(
    tmp_path: Path,
) -> None:
    # Devise and Observations are absent; column I has no header and nothing in it, column O
    # is "Monnaie" (what Devise may have become), column P has no header but a value; row 7
    # is a subtotal with a project after it.
    headers = [*QIP_HEADERS[:8], "", *QIP_HEADERS[9:14], "Monnaie", ""]

    def row(number: int, monnaie: str = "", p: str = "") -> list:
        values = qip_row(number)
        return [*(values[h] for h in QIP_HEADERS[:8]), "",
                *(values[h] for h in QIP_HEADERS[9:14]), monnaie, p]  # fmt: skip

    subtotal = ["", "Sous-total", *[""] * 5, Formula("=SUM(H5:H6)", 50_000)]
    rows = [row(1, "XOF", "vu"), row(2), subtotal, row(3)]
    sheet = qip_sheet(rows, headers=headers)
    result = read(write_workbook(tmp_path / QIP_NAME, {"Suivi QIPs": sheet}))
    assert result.rejected_rows.empty
    assert result.tables["projects"]["source_row"].tolist() == [5, 6, 8]
    missing = {"en": "Devise, Observations", "fr": "Devise, Observations"}
    file = ("QIP", QIP_NAME, "Suivi QIPs")
    assert notes(result) == [
        (*file, 4, "O", "Monnaie", "unknown_column",
         {"column": "O", "header": "Monnaie", "missing": missing}),
        (*file, 4, "P", "", "unnamed_column", {"column": "P", "missing": missing}),
        (*file, 7, None, "", "subtotal_row", {"label": "Sous-total", "row": 7}),
    ]  # fmt: skip
    assert result.notes["note"].tolist()[1] == (
        "column P holds values but has no header: they are kept but not read. If it is one of "
        "the tracker's columns, give it its header (columns not found in this sheet: Devise, "
        "Observations)"
    )


def test_a_merge_over_an_unknown_column_of_a_sheet_starting_at_column_c_names_its_header(
    tmp_path: Path,
) -> None:
    # The used range starts at column C: the unknown column "Remarques" after the 15
    # columns of the table is R, and its cells merged over rows 5-6 are noted under it.
    extra = [*QIP_HEADERS, "Remarques"]
    rows = [{**qip_row(1), "Remarques": "vu"}, qip_row(2)]
    path = write_workbook(
        tmp_path / QIP_NAME,
        {"Suivi QIPs": [["", ""] + row for row in qip_sheet(rows, headers=extra)]},
        merges={"Suivi QIPs": ["R5:R6"]},
    )
    result = read(path)
    assert result.tables["projects"]["extras"].tolist() == ['{"Remarques": "vu"}'] * 2
    assert [note[3:7] for note in notes(result)] == [
        (4, "R", "Remarques", "unknown_column"),
        (5, "R", "Remarques", "merged_cells"),
    ]


# --- validation: which field a problem is charged to, and every problem kept ---------------


def test_a_contribution_whose_written_currency_disagrees_is_rejected_on_its_amount(
    tmp_path: Path,
) -> None:
    contributions = [contribution_row(Amount="USD 1,000", Currency="EUR")]
    result = read(tf_workbook(tmp_path, [tf_row(1)], contributions))
    rejected = result.rejected_rows
    assert rejected[["sheet", "source_row", "field", "excel_column", "header"]].values.tolist() == [
        ["Contributions", 2, "amount", "C", "Amount"]
    ]
    assert rejected["problem"].tolist() == [
        "Amount: the amount is written in USD but the row's currency is EUR; make them agree"
    ]


def test_a_problem_found_while_parsing_hides_no_problem_of_a_later_row(tmp_path: Path) -> None:
    # Row 5's budget is no number (a parsing problem, which the schema sees again as a blank
    # required cell); row 6's code is not in the QIP form and row 7's status is blank.
    rows = [
        qip_row(1, Budget="beaucoup"),
        qip_row(2, **{"Code QIP": "QIP-2"}),
        qip_row(3, Statut=""),
        qip_row(4),
    ]
    result = read(write_workbook(tmp_path / QIP_NAME, {"Suivi QIPs": qip_sheet(rows)}))
    assert problems(result) == [
        (5, "budget", "Budget: 'beaucoup' is not a number: write the amount as digits "
                      "(e.g. 41970, 41 970, 41 970,50 or 41,970.50)"),
        (6, "project_code", "Code QIP: 'QIP-2' is not a code of the form QIP/GAO/2018/012"),
        (7, "status", "Statut: this cell is blank but the column is required"),
    ]  # fmt: skip
    assert result.tables["projects"]["source_row"].tolist() == [8]


# --- parsing -----------------------------------------------------------------------------


def test_a_title_of_invisible_characters_only_is_a_blank_required_cell(tmp_path: Path) -> None:
    # A zero-width space is not white space to Python's strip(), but reads as nothing.
    rows = [qip_row(1, **{"Intitulé du projet": "\u200b"}), qip_row(2)]
    result = read(write_workbook(tmp_path / QIP_NAME, {"Suivi QIPs": qip_sheet(rows)}))
    assert problems(result) == [
        (5, "title", "Intitulé du projet: this cell is blank but the column is required")
    ]
    assert result.tables["projects"]["project_code"].tolist() == ["QIP/GAO/2018/002"]


def test_an_expenditure_written_in_usd_is_read_as_its_amount(tmp_path: Path) -> None:
    # The header is in row 3: the projects are rows 4 and 5.
    rows = [tf_row(1, **{"Expenditure to date": "USD 50,000"}),
            tf_row(2, **{"Expenditure to date": "EUR 50,000"})]  # fmt: skip
    result = read(tf_workbook(tmp_path, rows))
    assert result.tables["projects"]["expenditure"].tolist() == [50_000.0]
    assert problems(result) == [
        (5, "expenditure", "Expenditure to date: 'EUR 50,000' must be in USD")
    ]


# --- flags ---------------------------------------------------------------------------------


def flag_lines(result: ReadResult) -> list[list]:
    columns = ["fund", "source_file", "sheet", "source_row", "project_code", "rule", "field",
               "excel_column", "header", "detail_code", "detail"]  # fmt: skip
    return result.rule_flags[columns].values.tolist()


def test_a_flag_names_the_file_the_project_and_the_cell_to_look_at(tmp_path: Path) -> None:
    rows = [qip_row(1), qip_row(2, Budget=60_000), qip_row(3, **{"Durée (mois)": 7})]
    result = read(write_workbook(tmp_path / QIP_NAME, {"Suivi QIPs": qip_sheet(rows)}))
    assert result.rejected_rows.empty
    file = ["QIP", QIP_NAME, "Suivi QIPs"]
    assert flag_lines(result) == [
        [*file, 6, "QIP/GAO/2018/002", "budget_over_cap", "budget", "H", "Budget",
         "budget_over_cap", "budget of 60,000 USD is above the QIP ceiling of 50,000 USD"],
        [*file, 7, "QIP/GAO/2018/003", "duration_over_6_months", "duration_months", "L",
         "Durée (mois)", "duration_over_6_months",
         "duration of 7 months is above the QIP maximum of 6 months"],
    ]  # fmt: skip


def test_a_flag_on_a_field_whose_column_is_absent_names_its_header(tmp_path: Path) -> None:
    # No "Durée (mois)" column: the dates decide; the flag has no cell to point at and names
    # the column by the contract's header, as a rejection does.
    headers = [h for h in QIP_HEADERS if h != "Durée (mois)"]
    rows = [qip_row(1, **{"Date de clôture": date(2018, 12, 15)}), qip_row(2)]
    sheet = qip_sheet(rows, headers=headers)
    result = read(write_workbook(tmp_path / QIP_NAME, {"Suivi QIPs": sheet}))
    assert flag_lines(result) == [
        ["QIP", QIP_NAME, "Suivi QIPs", 5, "QIP/GAO/2018/001", "duration_over_6_months",
         "duration_months", None, "Durée (mois)", "duration_over_6_months_by_dates",
         "runs from 15/03/2018 to 15/12/2018, more than 6 months"],
    ]  # fmt: skip


def test_a_flag_names_its_column_by_the_header_written_in_the_sheet(tmp_path: Path) -> None:
    # The budget's column is headed "Montant approuvé", a name the contract accepts besides
    # "Budget": the flag names the column as the sheet does.
    headers = ["Montant approuvé" if h == "Budget" else h for h in QIP_HEADERS]
    rows = [{**qip_row(1), "Montant approuvé": 60_000}]
    result = read(write_workbook(tmp_path / QIP_NAME,
                                 {"Suivi QIPs": qip_sheet(rows, headers=headers)}))  # fmt: skip
    assert result.rejected_rows.empty
    assert flag_lines(result) == [
        ["QIP", QIP_NAME, "Suivi QIPs", 5, "QIP/GAO/2018/001", "budget_over_cap", "budget", "H",
         "Montant approuvé", "budget_over_cap",
         "budget of 60,000 USD is above the QIP ceiling of 50,000 USD"],
    ]  # fmt: skip
