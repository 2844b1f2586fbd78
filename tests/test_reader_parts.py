"""The reader's parts one by one, on the edges the whole-workbook tests do not reach: column
letters past Z, a sheet whose used range starts right of column A, the header scan's limits,
list separators, merged cells and saved formula results (issue #23, the reader's mutants)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import column_letter, read_tracker
from tests.builders import QIP_HEADERS, qip_row, qip_sheet, write_workbook


@pytest.mark.parametrize(
    ("index", "letters"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"),
     (701, "ZZ"), (702, "AAA"), (16383, "XFD")],
)  # fmt: skip
def test_column_letters_as_excel_writes_them(index: int, letters: str) -> None:
    assert column_letter(index) == letters


# --- a sheet whose used range starts right of column A ----------------------------------------


def read(path: Path) -> ReadResult:
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    return read_tracker(tracker)


def test_a_sheet_starting_at_column_c_names_its_columns_as_excel_does(tmp_path: Path) -> None:
    # Budget is the 8th header: column J here (H in a sheet starting at A); Devise is K; an
    # unknown column after the table is R. The currency merged over rows 5-6 fills both.
    extra = [*QIP_HEADERS, "Remarques"]
    rows = [
        {**qip_row(1, Budget=15_000_000, Devise="XOF"), "Remarques": "vu"},
        qip_row(2, Budget=15_000_000),
        qip_row(3, Budget="beaucoup"),
    ]
    sheet_rows = qip_sheet(rows, headers=extra)
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["", ""] + row for row in sheet_rows]},
        merges={"Suivi QIPs": ["C1:R1", "C2:R2", "K5:K6"]},
    )
    result = read(path)
    projects = result.tables["projects"]
    assert projects["project_code"].tolist() == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert projects["currency"].tolist() == ["XOF", "XOF"]
    assert projects["extras"].tolist() == ['{"Remarques": "vu"}', None]
    rejected = result.rejected_rows
    assert rejected[["source_row", "field", "excel_column", "header"]].values.tolist() == [
        [7, "budget", "J", "Budget"]
    ]
    assert [
        (n.source_row, n.excel_column, n.header, n.note_code, json.loads(n.note_params))
        for n in result.notes.itertuples()
    ] == [
        (4, "R", "Remarques", "unknown_column",
         {"column": "R", "header": "Remarques", "missing": {"en": "none", "fr": "aucune"}}),
        (5, "K", "Devise", "merged_cells",
         {"cells": "K5:K6", "first": 5, "last": 6, "value": "XOF"}),
    ]  # fmt: skip
