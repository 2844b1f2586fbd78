"""Formulas saved without their result (``sr_pipeline.trackers.formulas`` through the reader).

Guards against: a tracker touched by a script (openpyxl saves formulas without cached values)
losing every formula budget as "blank" (441 QIP projects became 417 before this); a formula
computed differently from a spreadsheet; a formula that cannot be computed here (another
workbook, another sheet, a function, text, a cycle, an error, a range so large it would exhaust
memory or that the formula library shortens to its first cell) silently blank, silently
guessed, or crashing the read; a range written bottom-up (A4:A1) summed as nothing; a date,
a time of day or a duration referred to by a formula not taken as Excel's serial number.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.formulas import (
    MAX_RANGE_CELLS,
    Evaluator,
    FormulaWithoutResult,
    formula_cells,
)
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.trackers.safety import check_workbook
from tests import DEMO_TRACKERS
from tests.builders import Formula, qip_row, qip_workbook, replace_in_part

# Row 5 is the first data row (title rows 1-2, blank 3, header 4); Budget is column H.
ROWS = [
    qip_row(1, Budget=Formula("=14000+21489", 35489)),
    qip_row(2, Budget=Formula("=SUM(H5:H5)/2", 17744.5)),  # same-sheet range
    qip_row(3, Budget=Formula("=H6*1.1", 19518.95)),  # a formula on a formula's cell
    qip_row(4, Budget=Formula("=(1000+500)*2^2-10%", 5999.9)),  # operators as in Excel
    qip_row(5, Budget=20_000),
]


def read(path: Path) -> ReadResult:
    return read_tracker(recognise(path))


def saved_by_a_script(path: Path, target: Path) -> Path:
    """The workbook as openpyxl saves it: every formula kept, every cached result dropped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    openpyxl.load_workbook(path).save(target)
    return target


def test_saved_by_excel_and_saved_by_a_script_give_the_same_rows(tmp_path: Path) -> None:
    cached = qip_workbook(tmp_path / "excel", ROWS)
    script = saved_by_a_script(cached, tmp_path / "script" / cached.name)
    with_results, without = read(cached), read(script)
    assert without.rejected_rows.empty
    assert without.tables["projects"]["budget"].tolist() == [
        35_489.0, 17_744.5, 19_518.95, 5_999.9, 20_000.0,
    ]  # fmt: skip
    assert without.tables["projects"]["budget_usd"].tolist() == (
        with_results.tables["projects"]["budget_usd"].tolist()
    )


def test_the_demo_june_tracker_saved_by_a_script_keeps_its_441_projects(tmp_path: Path) -> None:
    """The held-out case: the June 2018 QIP tracker, whose budgets include formulas such as
    =14000+21489, re-saved by openpyxl, gives exactly the same rows and figures."""
    original = DEMO_TRACKERS / "qips" / "2018" / "juin" / "QIPs_Suivi_2018-06-30.xlsx"
    script = saved_by_a_script(original, tmp_path / original.name)
    before, after = read(original), read(script)
    assert len(after.tables["projects"]) == len(before.tables["projects"]) == 441
    assert (
        after.tables["projects"]["budget_usd"].sum()
        == before.tables["projects"]["budget_usd"].sum()
    )
    assert after.rejected_rows["source_row"].tolist() == before.rejected_rows["source_row"].tolist()


@pytest.mark.parametrize(
    ("formula", "reason_en", "reason_fr"),
    [
        # A link to another workbook: its value is nowhere in this file.
        ("='[Budget GAO 2018.xlsx]FEUIL1'!D14", "it refers to another workbook",
         "elle fait référence à un autre classeur"),
        # Another sheet of the same workbook: not the arithmetic the contract computes.
        ("=Listes!A1*2", "it refers to another sheet", "elle fait référence à une autre feuille"),
        # A function whose result depends on the day it is computed.
        ("=TODAY()", "it uses a function that is not arithmetic",
         "elle utilise une fonction qui n'est pas un simple calcul"),
        # An error in Excel too (#DIV/0!).
        ("=1/0", "its result is an error", "son résultat est une erreur"),
        # An error written in the formula (a reference whose cells were deleted).
        ("=#REF!+1", "its result is an error", "son résultat est une erreur"),
        # Several cells as the result: no one value (Excel would spill it or show #VALUE!).
        ("=H6:H7", "its result is an error", "son résultat est une erreur"),
        # Text joined: not a number, whatever it spells.
        ('="41"&"970"', "it works on text, not numbers",
         "elle porte sur du texte, pas sur des nombres"),
        # The cell itself (a circular reference, 0 in Excel with a warning).
        ("=H5+1", "it refers to itself", "elle fait référence à elle-même"),
        # A range to the sheet's edge (17 billion cells): refused before anything is built.
        ("=SUM(A1:XFD1048576)", "it refers to a whole column or row, or to more than "
         "100,000 cells", "elle fait référence à une colonne ou une ligne entière, ou à plus "
         "de 100\u202f000 cellules"),
        # A whole column, the same range written Excel's short way.
        ("=SUM(H:H)", "it refers to a whole column or row, or to more than 100,000 cells",
         "elle fait référence à une colonne ou une ligne entière, ou à plus de 100\u202f000 "
         "cellules"),
        # A large rectangle, within the sheet's edges but over the limit (200 x 1,000 cells).
        ("=SUM(A6:GR1005)", "it refers to a whole column or row, or to more than 100,000 "
         "cells", "elle fait référence à une colonne ou une ligne entière, ou à plus de "
         "100\u202f000 cellules"),
        # A comparison, stored in the XML as &lt; / &gt;: quoted back as the clerk typed it.
        ("=IF(H6<1,1,2)+IF(H6>1,1,2)", "it uses a function that is not arithmetic",
         "elle utilise une fonction qui n'est pas un simple calcul"),
        # Not a formula Excel could have saved: the parser gives up.
        ("=1+*2", "it cannot be read", "elle ne peut pas être lue"),
    ],
)  # fmt: skip
def test_a_formula_that_cannot_be_computed_is_a_row_error_that_says_what_to_do(
    tmp_path: Path, formula: str, reason_en: str, reason_fr: str
) -> None:
    cached = qip_workbook(tmp_path / "excel", [qip_row(1, Budget=Formula(formula, 1))])
    result = read(saved_by_a_script(cached, tmp_path / "script" / cached.name))
    (line,) = result.rejected_rows.to_dict("records")
    assert (line["source_row"], line["field"], line["excel_column"]) == (5, "budget", "H")
    assert line["value"] == formula  # what the clerk typed, never "blank"
    message = Message.from_stored(line["problem_code"], line["problem_params"])
    assert message.render("en") == (
        f"the cell holds the formula {formula} but no saved result, and it cannot be computed "
        f"here ({reason_en}); open the file in Excel or LibreOffice and save it again so that "
        "the result is saved with it"
    )
    assert message.render("fr") == (
        f"la cellule contient la formule {formula} mais pas son résultat, et elle ne peut pas "
        f"être calculée ici ({reason_fr}) ; ouvrez le fichier dans Excel ou LibreOffice et "
        "enregistrez-le à nouveau pour que le résultat soit enregistré avec la formule"
    )


@pytest.mark.parametrize("target", ["worksheets/sheet2.xml", "/xl/worksheets/sheet2.xml"])
def test_the_sheet_is_found_by_a_relative_or_absolute_target(tmp_path: Path, target: str) -> None:
    """The workbook's relationship names the sheet's part relative to xl/ (as Excel writes it)
    or from the package's root (as openpyxl does): the formulas are computed either way."""
    cached = qip_workbook(tmp_path / "excel", ROWS)
    script = saved_by_a_script(cached, tmp_path / "script" / cached.name)
    rels = "xl/_rels/workbook.xml.rels"
    replace_in_part(
        script, rels, b'Target="/xl/worksheets/sheet2.xml"', f'Target="{target}"'.encode()
    )
    result = read(script)
    assert result.rejected_rows.empty
    assert result.tables["projects"]["budget"].tolist()[:2] == [35_489.0, 17_744.5]


def test_formulas_with_their_result_are_not_recomputed(tmp_path: Path, monkeypatch) -> None:
    # The usual case costs nothing: the formula engine is never loaded.
    path = qip_workbook(tmp_path, ROWS)
    shutil.copy(path, tmp_path / "copy.xlsx")
    import sr_pipeline.trackers.reader.validation as reader

    def fail(*args, **kwargs):
        raise AssertionError("formulas with a stored result were evaluated")

    monkeypatch.setattr(reader, "Evaluator", fail)
    assert read(path).tables["projects"]["budget"].tolist()[0] == 35_489
    # Not even a sheet is read again: the safety check saw no formula without its result.
    assert check_workbook(path) == frozenset()


# --- the evaluator on its own: cells given as a grid (row, column), 0-based ------------------


def evaluate(formulas: dict, cells: dict, sheet: str = "Suivi QIPs") -> dict:
    """The evaluator's results for ``formulas`` ({(row, col): text}) over ``cells``."""
    return Evaluator(formulas, lambda r, c: cells.get((r, c)), sheet).all()


def test_dates_referred_to_are_their_excel_serial_numbers() -> None:
    cells = {
        (0, 0): datetime(2018, 6, 30),
        (1, 0): date(2018, 6, 30),
        (2, 0): datetime(2018, 6, 30, 12),
    }
    assert evaluate({(0, 1): "A1+1", (1, 1): "A2*1", (2, 1): "A3*2"}, cells) == {
        (0, 1): 43282.0, (1, 1): 43281.0, (2, 1): 86563.0,
    }  # fmt: skip


def test_times_and_durations_referred_to_are_fractions_of_a_day() -> None:
    """As Excel stores them: 12:30 is 0.520833... of a day, a duration of 30 hours ([h]:mm)
    is 1.25 days; the workbook reader gives them as a time and a timedelta. Summed or
    multiplied, they give what Excel shows, never 0 (as a SUM that skipped them would)."""
    cells = {(0, 0): time(12, 30), (1, 0): timedelta(hours=30), (2, 0): time(6, 0, 0, 500_000)}
    formulas = {(0, 1): "A1", (1, 1): "A1*24", (2, 1): "A2*24", (3, 1): "SUM(A1:A3)",
                (4, 1): "A3*86400"}  # fmt: skip
    assert evaluate(formulas, cells) == {
        (0, 1): 0.520833333333333, (1, 1): 12.5, (2, 1): 30.0, (3, 1): 2.02083912037037,
        (4, 1): 21600.5,
    }  # fmt: skip


def test_a_formula_that_is_only_a_number_is_that_number() -> None:
    """``=41970`` (a number typed after an equals sign) is 41970; the formula library gives a
    lone constant as a plain number, not as the grid it gives for anything computed. ``=TRUE``
    is a logical value, not an amount."""
    results = evaluate({(0, 0): "41970", (1, 0): "0.5", (2, 0): "TRUE"}, {})
    assert results == {
        (0, 0): 41970.0, (1, 0): 0.5, (2, 0): FormulaWithoutResult("TRUE", "error"),
    }  # fmt: skip


def test_ranges_empty_cells_blank_text_and_rectangles() -> None:
    cells = {(0, 0): 1.5, (1, 0): None, (2, 0): "", (3, 0): 4, (0, 1): 10, (3, 1): 20}
    results = evaluate(
        {(5, 0): "SUM(A1:A4)", (5, 1): "SUM(A1:B4)", (5, 2): "SUM(A4:A1)",
         (5, 3): "'Suivi QIPs'!A1*2", (5, 4): "SUM(A1,A4,B1)"},
        cells,
    )  # fmt: skip
    assert results == {(5, 0): 5.5, (5, 1): 35.5, (5, 2): 5.5, (5, 3): 3.0, (5, 4): 15.5}


def test_a_range_holding_a_formula_that_cannot_be_computed_is_not_computed() -> None:
    results = evaluate({(0, 0): "TODAY()", (3, 0): "SUM(A1:A3)", (4, 0): "A1+1"}, {(1, 0): 2})
    assert results[(3, 0)] == FormulaWithoutResult("SUM(A1:A3)", "function")
    assert results[(4, 0)] == FormulaWithoutResult("A1+1", "function")


def test_a_range_of_exactly_the_limit_is_computed_one_more_cell_is_not() -> None:
    limit = MAX_RANGE_CELLS
    assert limit == 100_000
    wide = {(0, 5): f"SUM(A1:A{limit})", (1, 5): f"SUM(A1:A{limit + 1})",
            (2, 5): "SUM(A1:B50000)", (3, 5): "SUM(B50001:A1)"}  # fmt: skip
    results = evaluate(wide, {(0, 0): 7})
    assert results[(0, 5)] == 7.0 and results[(2, 5)] == 7.0
    assert results[(1, 5)].reason == "range" and results[(3, 5)].reason == "range"


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("H6&H7", "text"),  # joining cells: text, even without a quoted string
        ("H6>1", "function"),  # a comparison is not arithmetic
        ("H6=H7", "function"),
        ("IF(H6>1,1,2)", "function"),
        ("{1,2}", "function"),  # an array constant
        ("H6:H7 H7", "function"),  # an intersection (the space operator)
        ("@H6", "function"),  # Excel 365's implicit intersection
    ],
)
def test_what_is_not_arithmetic_is_refused_with_its_reason(formula: str, reason: str) -> None:
    (result,) = evaluate({(4, 7): formula}, {(5, 7): 2, (6, 7): 3}).values()
    assert result == FormulaWithoutResult(formula, reason)


def test_a_range_is_exactly_its_rectangle() -> None:
    """Cells just outside a range (the row below, the column after) are not in it, and a
    range two columns wide counts its cells as columns times rows (B1:C50000 is 100,000)."""
    cells = {(0, 1): 1, (1, 1): 2, (0, 2): 10, (1, 2): 20, (2, 1): 1000, (0, 3): 5000}
    results = evaluate({(9, 9): "SUM(B1:C2)", (9, 8): "SUM(B1:C50000)"}, cells)
    assert results == {(9, 9): 33.0, (9, 8): 1033.0}
    # The same rectangle written from any two opposite corners.
    corners = {(9, 1): "SUM(C2:B1)", (9, 2): "SUM(B2:C1)", (9, 3): "SUM(C1:B2)"}
    assert evaluate(corners, cells) == {(9, 1): 33.0, (9, 2): 33.0, (9, 3): 33.0}


@pytest.mark.parametrize("sheet", ["Suivi QIPs", "Suivi!QIPs", "Suivi X"])
def test_a_reference_qualified_with_its_own_sheet_is_a_cell_of_the_sheet(sheet: str) -> None:
    """``'Suivi QIPs'!A1:A3`` on the sheet Suivi QIPs is A1:A3, also when the sheet's name
    has a space or a ``!`` (Excel allows both)."""
    cells = {(0, 0): 1, (1, 0): 2, (2, 0): 4}
    formulas = {(5, 1): f"SUM('{sheet}'!A1:A3)", (5, 2): f"'{sheet}'!A2*2"}
    assert evaluate(formulas, cells, sheet) == {(5, 1): 7.0, (5, 2): 4.0}


def test_results_are_rounded_to_excels_15_digits() -> None:
    results = evaluate({(0, 0): "0.1+0.2", (0, 1): "1/3", (0, 2): "2/3*3"}, {})
    assert results == {(0, 0): 0.3, (0, 1): 0.333333333333333, (0, 2): 2.0}


def test_a_defined_name_is_not_a_cell_of_the_sheet() -> None:
    # =Budget*2 names a range defined elsewhere in the workbook: not computed here.
    (result,) = evaluate({(0, 1): "Budget*2"}, {(0, 0): 2}).values()
    assert result == FormulaWithoutResult("Budget*2", "unreadable")


def test_the_formula_cells_without_a_saved_value_are_found_in_the_sheet_xml() -> None:
    """Only formulas with no stored value (``<v/>``, ``<v></v>``, no ``<v>``), at their row
    and column (0-based), their text unescaped; a shared formula's follower has no text."""
    xml = (
        b'<sheetData><row r="5"><c r="H5"><f>SUM(H1:H2)</f><v></v></c>'
        b'<c r="I5"><f>1+1</f><v>2</v></c>'  # a saved result: not listed
        b'<c r="J5" t="str"><f>&apos;A b&apos;!A1&amp;&quot;x&quot;&lt;&gt;</f></c>'
        b'<c r="K5"><f t="shared" si="0"/></c>'
        b'<c r="L5" t="inlineStr"><f>1</f><is><t>x</t></is></c>'  # a saved text result
        b"<c><f>3</f></c>"  # no reference: nowhere to put it
        b'<c r="M5" s="1"/><c r="N5"><v>4</v></c></row>'
        b'<row r="12"><c r="AB12"><f>2*3</f><v/></c></row></sheetData>'
    )
    assert formula_cells(xml) == {
        (4, 7): "SUM(H1:H2)",
        (4, 9): "'A b'!A1&\"x\"<>",
        (4, 10): None,
        (11, 27): "2*3",
    }


def test_an_empty_cell_referred_to_counts_as_zero_as_in_excel() -> None:
    """Excel computes =A3 on an empty cell as 0 and =A3+1 as 1 (never -0, never "text");
    SUM over one cell, empty or text, ignores it."""
    cells = {(1, 0): "", (4, 0): "Gao", (5, 0): 2.5}
    formulas = {(0, 1): "A3", (1, 1): "A3+1", (2, 1): "-A3", (3, 1): "SUM(A3)", (4, 1): "SUM(A5)",
                (5, 1): "A2*2", (6, 1): "SUM(A6,A3,A5)", (7, 1): "A6"}  # fmt: skip
    results = evaluate(formulas, cells)
    assert results == {(0, 1): 0.0, (1, 1): 1.0, (2, 1): 0.0, (3, 1): 0.0, (4, 1): 0.0,
                       (5, 1): 0.0, (6, 1): 2.5, (7, 1): 2.5}  # fmt: skip
    assert math.copysign(1.0, results[(2, 1)]) == 1.0  # 0, not -0


def test_an_empty_cell_referred_to_by_a_formula_saved_by_a_script_is_zero(tmp_path: Path) -> None:
    # Observations (column O) is empty on the row: =SUM(O5)+O5+25000 is 25000, as Excel
    # shows it.
    formula = Formula("=SUM(O5)+O5+25000", 25000)
    cached = qip_workbook(tmp_path / "excel", [qip_row(1, Budget=formula)])
    result = read(saved_by_a_script(cached, tmp_path / "script" / cached.name))
    assert result.rejected_rows.empty
    assert result.tables["projects"]["budget"].tolist() == [25_000.0]


@pytest.mark.parametrize(
    ("formulas", "cells", "reasons"),
    [
        # A cell of text as the result: not a number, whatever it spells.
        ({(0, 1): "A1"}, {(0, 0): "41970"}, {(0, 1): "text"}),
        # Arithmetic on text: #VALUE! in Excel.
        ({(0, 1): "A1+1"}, {(0, 0): "Gao"}, {(0, 1): "error"}),
        # An error typed in the formula, alone, in a function or in arithmetic.
        ({(0, 1): "#REF!+1", (1, 1): "SUM(#N/A)", (2, 1): "#DIV/0!"}, {},
         {(0, 1): "error", (1, 1): "error", (2, 1): "error"}),
        # A logical value (TRUE) as the result: not an amount.
        ({(0, 1): "A1"}, {(0, 0): True}, {(0, 1): "error"}),
        # A negative number to a fractional power: #NUM! in Excel; the formula library gives
        # a complex number, which is not a result either.
        ({(0, 1): "A1^0.5", (1, 1): "(-8)^(1/3)"}, {(0, 0): -4},
         {(0, 1): "error", (1, 1): "error"}),
        # Two cells referring to each other: a cycle, reported for both.
        ({(0, 1): "C1+1", (0, 2): "B1+1"}, {}, {(0, 1): "cycle", (0, 2): "cycle"}),
        # A formula on a cycle's cell gives the cycle as its reason.
        ({(0, 1): "B1*2", (1, 1): "B1+1"}, {}, {(0, 1): "cycle", (1, 1): "cycle"}),
        # Another sheet, quoted or not; another workbook.
        ({(0, 1): "'Listes'!A1+1", (1, 1): "Listes!A1:A3*1", (2, 1): "[1]Suivi!A1"}, {},
         {(0, 1): "other_sheet", (1, 1): "other_sheet", (2, 1): "external"}),
        # A function other than SUM, also in lower case, or inside SUM.
        ({(0, 1): "ROUND(A1,0)", (1, 1): "sum(A1)+max(A1)", (2, 1): "SUM(TODAY())"},
         {(0, 0): 2}, {(0, 1): "function", (1, 1): "function", (2, 1): "function"}),
        # Whole rows and columns, and ranges to the sheet's edge.
        ({(0, 1): "SUM(5:5)", (1, 1): "SUM(A:B)", (2, 1): "SUM(A2:XFD2)"}, {},
         {(0, 1): "range", (1, 1): "range", (2, 1): "range"}),
        # A formula the cell records only as a shared formula's follower, and a broken one.
        ({(0, 1): None, (1, 1): "1+*2", (2, 1): "SUM(A1"}, {},
         {(0, 1): "unreadable", (1, 1): "unreadable", (2, 1): "unreadable"}),
    ],
)  # fmt: skip
def test_every_refusal_gives_its_own_reason(formulas: dict, cells: dict, reasons: dict) -> None:
    results = evaluate(formulas, cells)
    assert {cell: value.reason for cell, value in results.items()} == reasons
    assert all(value.formula == (formulas[cell] or "") for cell, value in results.items())
