"""How the reader turns a sheet's columns into typed values: merges filled, formulas' saved
results, typed arrays and conversions (``trackers/reader/validation.py``: ``_fill_merges``,
``_data_merges``, ``_filled``, ``_with_formula_results``, ``_typed_array``, ``_typed_frame``,
``_convert``).

Guards against: a formula saved without its result left of every stored cell (the sheet's
used range then starts right of it) or right of every stored cell dropped instead of computed;
overlapping merged ranges (a hostile or hand-edited file) filling their cells in an order that
depends on where each starts, one merge's value left in another's first cell."""

from __future__ import annotations

from pathlib import Path

from tests.builders import (
    Formula,
    qip_row,
    qip_sheet,
    qip_workbook,
    replace_in_part,
    write_workbook,
)
from tests.test_reader_clerk_edits import CURRENCY, notes, read
from tests.test_uncached import saved_by_a_script

QIP_NAME = "QIPs_Suivi_2018-06-30.xlsx"


# --- formulas saved without their result, outside the cells the sheet stores ----------------


def script_saved(tmp_path: Path, sheet_rows: list[list]) -> Path:
    """A QIP workbook of these rows as a script saves it: formulas without their results."""
    cached = write_workbook(tmp_path / "excel" / QIP_NAME, {"Suivi QIPs": sheet_rows})
    return saved_by_a_script(cached, tmp_path / "script" / QIP_NAME)


def test_a_formula_without_result_left_of_every_stored_cell_is_computed(tmp_path: Path) -> None:
    # Column A holds nothing but formulas without results (rows 5 and 6), so the sheet's stored
    # cells start at column B: the formulas are computed and read as an unnamed column A, the
    # table's columns keep their own letters (Budget is I, one right of H).
    sheet = [["", *row] for row in qip_sheet([qip_row(1), qip_row(2, Budget="beaucoup")])]
    sheet[4][0] = Formula("=20+3", 0)
    sheet[5][0] = Formula("=A5*2", 0)
    result = read(script_saved(tmp_path, sheet))
    assert result.tables["projects"]["extras"].tolist() == ['{"column A": "23"}']
    assert notes(result) == [
        ("Suivi QIPs", 4, "A", "unnamed_column",
         {"column": "A", "missing": {"en": "none", "fr": "aucune"}}),
    ]  # fmt: skip
    assert result.rejected_rows[["source_row", "excel_column", "field"]].values.tolist() == [
        [6, "I", "budget"]
    ]


def test_a_formula_without_result_right_of_every_stored_cell_is_computed(tmp_path: Path) -> None:
    # Column P, right of the table's last header (O), holds one formula without its result:
    # it is read as an unnamed column P of row 6, not cut at the header's width.
    sheet = qip_sheet([qip_row(1), qip_row(2)])
    sheet[5] = [*sheet[5], Formula("=H6/1000", 0)]
    result = read(script_saved(tmp_path, sheet))
    assert result.tables["projects"]["extras"].tolist() == [None, '{"column P": "25"}']
    assert [(n[1], n[2], n[3]) for n in notes(result)] == [(4, "P", "unnamed_column")]


def test_a_formula_without_result_below_every_stored_row_is_computed(tmp_path: Path) -> None:
    # A budget formula in row 7, under the last stored row (a row of nothing else): read as a
    # row of its own, rejected for its missing code, its budget computed.
    sheet = qip_sheet([qip_row(1), qip_row(2)])
    sheet.append(["", "", "", "", "", "", "", Formula("=H5+H6", 0)])
    result = read(script_saved(tmp_path, sheet))
    assert result.rows_read == 3
    rejected = result.rejected_rows
    assert rejected["source_row"].unique().tolist() == [7]
    assert "project_code" in rejected["field"].tolist()


# --- overlapping merged ranges --------------------------------------------------------------


def test_overlapping_merges_each_fill_their_cells_the_later_one_last(tmp_path: Path) -> None:
    # Excel never saves overlapping merges, a hand-edited file can: I5:I6 (XOF) and I6:I7
    # (EUR, written in I6) share I6. Each fills all its own cells, the later one in the sheet's
    # order (top row, then left column) last: I6 is EUR, as is I7.
    path = qip_workbook(
        tmp_path,
        [qip_row(1, Devise="XOF"), qip_row(2, Devise="EUR"), qip_row(3, Devise="")],
        name=QIP_NAME,
    )
    replace_in_part(
        path, "xl/worksheets/sheet2.xml",
        b'<mergeCells count="2">',
        b'<mergeCells count="4"><mergeCell ref="I6:I7"/><mergeCell ref="I5:I6"/>',
    )  # fmt: skip
    result = read(path)
    assert result.tables["projects"]["currency"].tolist() == ["XOF", "EUR", "EUR"]
    assert [(n[1], n[2], n[4]["cells"], n[4]["value"]) for n in notes(result)] == [
        (5, CURRENCY, "I5:I6", "XOF"), (6, CURRENCY, "I6:I7", "EUR"),
    ]  # fmt: skip
