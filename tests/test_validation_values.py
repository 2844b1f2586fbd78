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

import pandas as pd

from sr_pipeline.trackers.reader import validation
from tests.builders import (
    QIP_HEADERS,
    Formula,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_sheet,
    qip_workbook,
    replace_in_part,
    write_workbook,
)
from tests.test_reader_clerk_edits import CURRENCY, edit, notes, read
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


def test_a_formula_without_result_too_far_from_the_table_is_refused_not_placed(
    tmp_path: Path,
) -> None:
    # A hostile file: one formula without its result in XFD2000, far right of and below a
    # one-row table. Placing it would make 2,000 rows of 16,384 cells (32.8 million, over the
    # 20 million the reader places): the file is refused as unreadable, naming the cell.
    path = script_saved(tmp_path, qip_sheet([qip_row(1)]))
    far = b'<row r="2000"><c r="XFD2000"><f>1+1</f></c></row></sheetData>'
    replace_in_part(path, "xl/worksheets/sheet1.xml", b"</sheetData>", far)
    result = read(path)
    assert result.refused_message is not None
    assert result.refused_message.code == "file_unreadable"
    assert dict(result.refused_message.params)["detail"] == (
        "sheet 'Suivi QIPs': ValueError: a formula saved without its result in XFD2000 lies "
        "too far from the sheet's other cells: 2,000 rows of 16,384 columns"
    )


def test_the_refusal_names_the_formula_that_makes_the_rows_too_large(tmp_path: Path) -> None:
    # The table starts at column C; two formulas without results lie outside it: B1600 (the
    # lowest) and XFD1500 (the farthest right). The rows would span B..XFD (16,383 columns)
    # over 1,600 rows: refused, naming XFD1500, whose cell spans the most (1,500 x 16,384).
    path = script_saved(tmp_path, [["", "", *row] for row in qip_sheet([qip_row(1)])])
    far = (
        b'<row r="1500"><c r="XFD1500"><f>1+1</f></c></row>'
        b'<row r="1600"><c r="B1600"><f>2+2</f></c></row></sheetData>'
    )
    replace_in_part(path, "xl/worksheets/sheet1.xml", b"</sheetData>", far)
    result = read(path)
    assert result.refused_message is not None
    assert dict(result.refused_message.params)["detail"] == (
        "sheet 'Suivi QIPs': ValueError: a formula saved without its result in XFD1500 lies "
        "too far from the sheet's other cells: 1,600 rows of 16,383 columns"
    )


def test_the_rows_may_hold_the_bound_exactly_but_not_a_cell_more(
    tmp_path: Path, monkeypatch
) -> None:
    # The table starts at column C; one formula without its result lies left of it and below
    # it, in B40. Placed, the rows span B..Q (16 columns: the table's C..Q and B) over 40
    # rows, 640 cells: read when the bound is 640 (lowered from 20 million, to try the edge
    # without building it), refused at 639.
    path = script_saved(tmp_path, [["", "", *row] for row in qip_sheet([qip_row(1)])])
    far = b'<row r="40"><c r="B40"><f>1+1</f></c></row></sheetData>'
    replace_in_part(path, "xl/worksheets/sheet1.xml", b"</sheetData>", far)
    monkeypatch.setattr(validation, "MAX_SHEET_CELLS", 640)
    assert read(path).refused_message is None
    monkeypatch.setattr(validation, "MAX_SHEET_CELLS", 639)
    assert dict(read(path).refused_message.params)["detail"] == (
        "sheet 'Suivi QIPs': ValueError: a formula saved without its result in B40 lies "
        "too far from the sheet's other cells: 40 rows of 16 columns"
    )


def test_the_refusal_names_the_cell_spanning_most_from_a1(tmp_path: Path, monkeypatch) -> None:
    # Four formulas without results, their spans from A1 (rows x columns) nearly equal: R21
    # (21 x 18 = 378), S38 (38 x 19 = 722), AG22 (22 x 33 = 726) and Z28 (28 x 26 = 728, the
    # most). The bound lowered to 100 cells to refuse them all: Z28 is named.
    path = script_saved(tmp_path, qip_sheet([qip_row(1)]))
    far = (
        b'<row r="21"><c r="R21"><f>1+1</f></c></row><row r="22"><c r="AG22"><f>1+1</f></c>'
        b'</row><row r="28"><c r="Z28"><f>1+1</f></c></row><row r="38"><c r="S38"><f>1+1</f>'
        b"</c></row></sheetData>"
    )
    replace_in_part(path, "xl/worksheets/sheet1.xml", b"</sheetData>", far)
    monkeypatch.setattr(validation, "MAX_SHEET_CELLS", 100)
    assert dict(read(path).refused_message.params)["detail"] == (
        "sheet 'Suivi QIPs': ValueError: a formula saved without its result in Z28 lies "
        "too far from the sheet's other cells: 38 rows of 33 columns"
    )


# --- overlapping merged ranges --------------------------------------------------------------


def add_merges(path: Path, *refs: str, part: str = "xl/worksheets/sheet2.xml") -> Path:
    """Merged ranges written into a built workbook's sheet as they are, its cells untouched (as
    a hand-edited file may have them: Excel and openpyxl would empty the covered cells, and
    refuse overlaps). The sheet already has two merges (the titles)."""
    merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    old = b'<mergeCells count="2">'
    replace_in_part(path, part, old, f'<mergeCells count="{2 + len(refs)}">{merges}'.encode())
    return path


def test_overlapping_merges_each_fill_their_cells_the_later_one_last(tmp_path: Path) -> None:
    # Excel never saves overlapping merges, a hand-edited file can: I5:I6 (XOF) and I6:I7
    # (EUR, written in I6) share I6. Each fills all its own cells, the later one in the sheet's
    # order (top row, then left column) last: I6 is EUR, as is I7, whatever the file's order.
    rows = [qip_row(1, Devise="XOF"), qip_row(2, Devise="EUR"), qip_row(3, Devise="")]
    result = read(add_merges(qip_workbook(tmp_path, rows), "I6:I7", "I5:I6"))
    assert result.tables["projects"]["currency"].tolist() == ["XOF", "EUR", "EUR"]
    assert [(n[1], n[2], n[4]["cells"], n[4]["value"]) for n in notes(result)] == [
        (5, CURRENCY, "I5:I6", "XOF"), (6, CURRENCY, "I6:I7", "EUR"),
    ]  # fmt: skip


def test_a_blank_merge_leaves_the_next_merge_of_its_row_to_fill(tmp_path: Path) -> None:
    # Row 5 starts two merges over rows 5-6: G5:G6 (Composante parrain, blank in G5) and I5:I6
    # (Devise, XOF). The blank one fills nothing (G6 keeps its own text); the currency still
    # fills I6.
    rows = [qip_row(1, Devise="XOF", **{"Composante parrain": ""}), qip_row(2)]
    result = read(add_merges(qip_workbook(tmp_path, rows), "G5:G6", "I5:I6"))
    projects = result.tables["projects"]
    assert projects["currency"].tolist() == ["XOF", "XOF"]
    assert projects["sponsor"].tolist() == [None, "Civil Affairs"]
    assert [n[4]["cells"] for n in notes(result)] == ["I5:I6"]


def test_a_merge_in_the_first_column_fills_it(tmp_path: Path) -> None:
    # The code in A5 merged over A5:A6: row 6 has the same code, so both are rejected as
    # duplicates, each naming the other's row.
    result = read(add_merges(qip_workbook(tmp_path, [qip_row(1), qip_row(2)]), "A5:A6"))
    rejected = result.rejected_rows
    assert rejected[["source_row", "field", "problem_code"]].values.tolist() == [
        [5, "project_code", "duplicate_code"], [6, "project_code", "duplicate_code"],
    ]  # fmt: skip
    assert result.tables["projects"].empty


def test_a_merge_starting_left_of_every_stored_cell_fills_nothing(tmp_path: Path) -> None:
    # The sheet's cells start at column C; a merge A5:C6 starts at A5, which holds nothing: a
    # blank merge, so C6 keeps its own code and no merge is noted.
    sheet = [["", "", *row] for row in qip_sheet([qip_row(1), qip_row(2)])]
    path = write_workbook(tmp_path / QIP_NAME, {"Suivi QIPs": sheet},
                          merges={"Suivi QIPs": ["C1:Q1", "C2:Q2"]})  # fmt: skip
    result = read(add_merges(path, "A5:C6", part="xl/worksheets/sheet1.xml"))
    assert result.tables["projects"]["project_code"].tolist() == [
        "QIP/GAO/2018/001", "QIP/GAO/2018/002",
    ]  # fmt: skip
    assert result.rejected_rows.empty and notes(result) == []


def test_a_merge_within_one_row_is_not_noted(tmp_path: Path) -> None:
    # A group header "Gao" merged across the table in row 5: layout, not a merged value.
    result = read(add_merges(qip_workbook(tmp_path, [["Gao"], qip_row(1)]), "A5:O5"))
    assert result.tables["projects"]["source_row"].tolist() == [6]
    assert result.rows_skipped["group_header"] == 1 and notes(result) == []


def test_formulas_without_results_refer_to_cells_by_their_own_letters(tmp_path: Path) -> None:
    # The sheet's cells start at column C, a numbered column "N°"; Budget is then K. K5 is
    # =C5*25000 (C5 holds 1, the first stored column), K6 =S6+30000 (S, right of every stored
    # cell, is empty: 0, as in Excel).
    rows = [{"N°": 1, **qip_row(1)}, {"N°": 2, **qip_row(2)}]
    rows[0]["Budget"] = Formula("=C5*25000", 0)
    rows[1]["Budget"] = Formula("=S6+30000", 0)
    sheet = [["", "", *row] for row in qip_sheet(rows, headers=["N°", *QIP_HEADERS])]
    result = read(script_saved(tmp_path, sheet))
    assert result.rejected_rows.empty
    assert result.tables["projects"]["budget"].tolist() == [25_000.0, 30_000.0]


# --- typed values ---------------------------------------------------------------------------


def test_each_kind_of_field_has_its_own_column_type(tmp_path: Path) -> None:
    # Amounts are float64, whole numbers Int64 (a blank one <NA>), dates datetime64[ns],
    # text object: what the warehouse's columns expect.
    rows = [qip_row(1, **{"Durée (mois)": ""}), qip_row(2, Budget=30_000.5)]
    projects = read(qip_workbook(tmp_path, rows)).tables["projects"]
    assert {c: str(projects[c].dtype) for c in ("budget", "duration_months", "approval_date",
                                               "region", "budget_usd")} == {
        "budget": "float64", "duration_months": "Int64", "approval_date": "datetime64[ns]",
        "region": "object", "budget_usd": "float64",
    }  # fmt: skip
    assert projects["budget"].tolist() == [25_000.0, 30_000.5]
    assert projects["duration_months"].tolist() == [pd.NA, 4]
    assert projects["approval_date"].tolist() == [pd.Timestamp("2018-03-01")] * 2


def test_a_list_of_nothing_but_separators_is_a_blank_required_field(tmp_path: Path) -> None:
    # " , ; " in Agences récipiendaires lists no agency: blank, and the field is required.
    rows = [pbf_row(1, **{"Agences récipiendaires": " , ; "}), pbf_row(2)]
    result = read(pbf_workbook(tmp_path, rows))
    rejected = result.rejected_rows[["source_row", "field", "value", "problem_code"]]
    assert rejected.values.tolist() == [[4, "recipients", " , ; ", "blank_required"]]
    assert result.tables["projects"]["recipients"].tolist() == ["UN Women; UNFPA; MINUSMA"]


def test_a_merge_past_the_table_of_a_script_saved_sheet_stops_at_its_last_column(
    tmp_path: Path,
) -> None:
    # Formulas computed here widen no row past the table's last column (O): a merge of the
    # remarks reaching to Z and row 400 is clipped to O5:O7 as in a sheet saved by Excel.
    rows = [qip_row(1, Observations="vu", Budget=Formula("=20000+5000", 0)), qip_row(2)]
    cached = qip_workbook(tmp_path / "excel", [*rows, qip_row(3)])
    path = edit(saved_by_a_script(cached, tmp_path / "script" / cached.name),
                lambda sheet: sheet.merge_cells("O5:Z400"))  # fmt: skip
    result = read(path)
    projects = result.tables["projects"]
    assert projects["budget"].tolist() == [25_000.0, 25_000.0, 25_000.0]
    assert projects["remarks"].tolist() == ["vu", "vu", "vu"]
    assert [n[4]["cells"] for n in notes(result)] == ["O5:O7"]


def test_a_merge_past_the_table_of_a_script_saved_sheet_starting_at_column_c_stops_there(
    tmp_path: Path,
) -> None:
    # The sheet's cells start at column C (the table runs C to Q) and a budget is a formula
    # without its result: the rows are as wide as the table, no wider, so a merge of the
    # remarks reaching to Z and row 400 is clipped to Q5:Q7.
    rows = [qip_row(1, Observations="vu", Budget=Formula("=20000+5000", 0)), qip_row(2),
            qip_row(3)]  # fmt: skip
    sheet = [["", "", *row] for row in qip_sheet(rows)]
    path = edit(script_saved(tmp_path, sheet), lambda s: s.merge_cells("Q5:Z400"))
    result = read(path)
    projects = result.tables["projects"]
    assert projects["budget"].tolist() == [25_000.0, 25_000.0, 25_000.0]
    assert projects["remarks"].tolist() == ["vu", "vu", "vu"]
    assert projects["extras"].tolist() == [None, None, None]
    assert [(n[1], n[2], n[4]["cells"]) for n in notes(result)] == [(5, "Q", "Q5:Q7")]


def test_a_merge_past_the_table_of_a_sheet_with_a_formula_left_of_its_cells_stops_there(
    tmp_path: Path,
) -> None:
    # Column A holds only a formula without its result (A5), so the stored cells start at B
    # (the table runs B to P): the rows start at A and end at P, and a merge of the remarks
    # reaching to Z is clipped to P5:P7.
    rows = [qip_row(1, Observations="vu"), qip_row(2), qip_row(3)]
    sheet = [["", *row] for row in qip_sheet(rows)]
    sheet[4][0] = Formula("=20+3", 0)
    path = edit(script_saved(tmp_path, sheet), lambda s: s.merge_cells("P5:Z400"))
    result = read(path)
    projects = result.tables["projects"]
    assert projects["remarks"].tolist() == ["vu", "vu", "vu"]
    assert projects["extras"].tolist() == ['{"column A": "23"}', None, None]
    assert [(n[1], n[2], n[3], n[4].get("cells")) for n in notes(result)] == [
        (4, "A", "unnamed_column", None), (5, "P", "merged_cells", "P5:P7"),
    ]  # fmt: skip


def test_a_formula_without_result_in_the_last_row_adds_no_blank_row(tmp_path: Path) -> None:
    # The last project's budget is a formula without its result: the table is not lengthened
    # past that row, so no blank row is counted below the data.
    rows = [qip_row(1), qip_row(2, Budget=Formula("=20000+5000", 0))]
    result = read(script_saved(tmp_path, qip_sheet(rows)))
    assert result.tables["projects"]["budget"].tolist() == [25_000.0, 25_000.0]
    assert result.rows_read == 2
    assert result.rows_skipped == {"blank": 0, "group_header": 0, "total": 0, "after_total": 0}


def test_a_formula_without_result_on_another_sheet_leaves_the_data_sheet_as_stored(
    tmp_path: Path,
) -> None:
    # Only a second sheet ("Calculs") holds a formula saved without its result: the data sheet
    # has none and is read from its stored cells.
    sheets = {"Suivi QIPs": qip_sheet([qip_row(1), qip_row(2)]),
              "Calculs": [["Total", Formula("=1+1", 0)]]}  # fmt: skip
    cached = write_workbook(tmp_path / "excel" / QIP_NAME, sheets)
    result = read(saved_by_a_script(cached, tmp_path / "script" / QIP_NAME))
    assert result.rejected_rows.empty
    assert result.tables["projects"]["project_code"].tolist() == [
        "QIP/GAO/2018/001", "QIP/GAO/2018/002",
    ]  # fmt: skip


def test_a_data_sheet_of_nothing_but_formulas_without_results_has_no_header(
    tmp_path: Path,
) -> None:
    # A script wrote only formulas in the sheet (A1 and A3), no value: the sheet stores no
    # cell at all. The formulas are computed (23 and 46) and the sheet is refused as one
    # without a header row, not as an unreadable file.
    sheet = [[Formula("=20+3", 0)], [], [Formula("=A1*2", 0)]]
    result = read(script_saved(tmp_path, sheet))
    assert result.refused_message is not None
    assert result.refused_message.code == "no_header"
    assert dict(result.refused_message.params)["sheet"] == "Suivi QIPs"
    assert result.tables == {}
