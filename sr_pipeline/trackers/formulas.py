"""Formulas saved without their result, computed as a spreadsheet would, or explained.

Excel and LibreOffice store each formula with its last result, and the reader takes that
result. A workbook last saved by a program that does not compute formulas (a script using
openpyxl, some converters) stores the formula alone: the cell looks empty to a reader of
values although the clerk typed ``=14000+21489``. Such a cell is computed here when it is
arithmetic on numbers and on cells of the same sheet (``=20000+21970``, ``=SUM(I5:I7)``,
``=I12*1.1``), with the ``formulas`` library (a maintained spreadsheet-formula engine, never
``eval``), rounded to Excel's 15 significant digits. Any other formula without a result
(another workbook, another sheet, a function such as ``TODAY()``, an error, a range of more
than ``MAX_RANGE_CELLS`` cells, which would hold the whole grid in memory) becomes a
:class:`FormulaWithoutResult` value, which the reader turns into a row error that says so and
what to do: open the file in Excel or LibreOffice and save it.

Finding them costs nothing in the usual case: ``safety.check_workbook`` already inflates every
part and notes the worksheets that hold a formula with no stored value; only those are read
again here.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from defusedxml import ElementTree

from sr_pipeline.language.messages import Message, Term

# Bytes that end a formula element with no stored value (openpyxl writes `<f>..</f><v />`);
# a false alarm only costs the closer look below.
MARKERS = (b"</f><v/>", b"</f><v />", b"</f><v></v>", b"</f></c>", b"/></c>")
# What "arithmetic" allows besides numbers, same-sheet cells and parentheses.
OPERATORS = frozenset({"+", "-", "*", "/", "^", "u-", "u+", "%"})
FUNCTIONS = frozenset({"SUM"})
EXCEL_DIGITS = 15
# The largest range a formula may refer to: a tracker's column is a few thousand rows; a range
# such as A1:XFD1048576 (17 billion cells) in an untrusted workbook must not be built in memory.
MAX_RANGE_CELLS = 100_000
EXCEL_EPOCH = datetime(1899, 12, 30)

REASONS = {
    "external": Term("it refers to another workbook", "elle fait référence à un autre classeur"),
    "other_sheet": Term("it refers to another sheet", "elle fait référence à une autre feuille"),
    "function": Term(
        "it uses a function that is not arithmetic",
        "elle utilise une fonction qui n'est pas un simple calcul",
    ),  # fmt: skip
    "text": Term("it works on text, not numbers", "elle porte sur du texte, pas sur des nombres"),
    "error": Term("its result is an error", "son résultat est une erreur"),
    "cycle": Term("it refers to itself", "elle fait référence à elle-même"),
    "range": Term(
        f"it refers to a whole column or row, or to more than {MAX_RANGE_CELLS:,} cells",
        "elle fait référence à une colonne ou une ligne entière, ou à plus de "
        f"{MAX_RANGE_CELLS:_} cellules".replace("_", "\u202f"),
    ),  # fmt: skip
    "unreadable": Term("it cannot be read", "elle ne peut pas être lue"),
}

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")
_CELL_NAME = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass(frozen=True)
class FormulaWithoutResult:
    """A formula cell with no stored result that cannot be computed here."""

    formula: str
    reason: str  # a key of REASONS

    def __str__(self) -> str:
        return f"={self.formula}"

    def message(self) -> Message:
        return Message.of("formula_no_result", formula=str(self), reason=REASONS[self.reason])


# A cell met again while computing the cells it needs: only the reason is read, by the formula
# that needed it, which reports the cycle with its own text.
_IN_CYCLE = FormulaWithoutResult("", "cycle")


def has_markers(window: bytes) -> bool:
    return any(marker in window for marker in MARKERS)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip part holding its cells."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.findall("rel:Relationship", _NS)
    }
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def formula_cells(xml: bytes) -> dict[tuple[int, int], str | None]:
    """(row, column), 0-based, -> formula text of every formula cell without a stored value
    (None: a shared-formula follower, whose text lives in another cell)."""
    found: dict[tuple[int, int], str | None] = {}
    for cell in _CELL.finditer(xml):
        body = cell.group(2) or b""
        formula = _FORMULA.search(body)
        if formula is None or _VALUE.search(body):
            continue
        ref = _REF.search(cell.group(1))
        if ref is None:
            continue
        text = formula.group(1)
        key = (int(ref.group(2)) - 1, _column_index(ref.group(1).decode()))
        found[key] = _unescape(text.decode("utf-8")) if text else None
    return found


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        .replace("&apos;", "'").replace("&amp;", "&")
    )  # fmt: skip


def _number(value: Any) -> Any:
    """A cell value as a formula sees it: as in Excel, a date is its serial number (days since
    the epoch), a time of day its fraction of a day and a duration (``[h]:mm``) its days."""
    if isinstance(value, datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86_400
    if isinstance(value, date):
        return float((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, time):
        value = datetime.combine(EXCEL_EPOCH, value) - EXCEL_EPOCH
    if isinstance(value, timedelta):
        return value.total_seconds() / 86_400
    return value


def _flat(values: list[Any]) -> list[Any]:
    """The cells of the inputs (each a grid: ``Evaluator._input``), one list."""
    out = []
    for value in values:
        out.extend(value.ravel().tolist())
    return out


def _range_cells(name: str) -> int | None:
    """How many cells a reference such as ``H5:H900`` or ``Suivi!A1:C3`` covers (1 for one
    cell); None for a whole column or row, or a range to the sheet's edge, which the formula
    library writes as an open range (``H:H``, ``5:5``, ``A1:`` for ``A1:XFD1048576``)."""
    first, colon, last = name.rsplit("!", 1)[-1].partition(":")
    if not colon:
        return 1
    corners = [_CELL_NAME.match(part.upper()) for part in (first, last)]
    if not all(corners):
        return None
    (top, left), (bottom, right) = ((int(m.group(2)), _column_index(m.group(1))) for m in corners)
    return (abs(bottom - top) + 1) * (abs(right - left) + 1)


class Evaluator:
    """Computes the value-less formulas of one sheet from its other cells."""

    def __init__(
        self,
        formulas_by_cell: dict[tuple[int, int], str | None],
        value_of: Callable[[int, int], Any],
        sheet_name: str,
    ) -> None:
        self.formulas = formulas_by_cell
        self.value_of = value_of
        self.sheet = sheet_name.upper()
        self.results: dict[tuple[int, int], Any] = {}

    def all(self) -> dict[tuple[int, int], Any]:
        for cell in self.formulas:
            self.result(cell, ())
        return self.results

    def result(self, cell: tuple[int, int], path: tuple[tuple[int, int], ...]) -> Any:
        if cell in self.results:
            return self.results[cell]
        if cell in path:
            return _IN_CYCLE
        self.results[cell] = value = self._compute(self.formulas[cell], (*path, cell))
        return value

    def _compute(self, text: str | None, path) -> Any:
        if not text:
            return FormulaWithoutResult("", "unreadable")
        import formulas  # a few hundred ms on first use: only files that need it pay

        try:
            tokens, ast = formulas.Parser().ast(f"={text}")
        except Exception:  # noqa: BLE001 - the library's parse errors: not computable here
            return FormulaWithoutResult(text, "unreadable")
        reason = self._not_arithmetic(tokens)
        if reason:
            return FormulaWithoutResult(text, reason)
        try:
            function = ast.compile()
            inputs = [self._input(name, path) for name in function.inputs]
            blocked = next((v for v in _flat(inputs) if isinstance(v, FormulaWithoutResult)), None)
            if blocked is not None:  # it needs a formula that cannot be computed either
                return FormulaWithoutResult(text, blocked.reason)
            result = function(*inputs)
        except Exception:  # noqa: BLE001 - an input it cannot use: not computable here
            return FormulaWithoutResult(text, "unreadable")
        from formulas.tokens.operand import XlError
        from schedula import EMPTY

        if getattr(result, "size", 1) != 1:  # a range as the result (=A1:C3): no one value
            return FormulaWithoutResult(text, "error")
        value = result.item() if hasattr(result, "item") else result
        if value is EMPTY:  # a reference to an empty cell alone (=A3): 0, as in Excel
            return 0.0
        if isinstance(value, XlError) or isinstance(value, bool):
            return FormulaWithoutResult(text, "error")
        if not isinstance(value, int | float):  # text, or a complex number (=(-8)^(1/3)): #NUM!
            return FormulaWithoutResult(text, "text" if isinstance(value, str) else "error")
        # 0.0, never -0.0 (=-A3 on an empty cell): Excel has no negative zero.
        return float(f"{float(value):.{EXCEL_DIGITS}g}") + 0.0

    def _not_arithmetic(self, tokens) -> str | None:
        for token in tokens:
            kind, name = type(token).__name__, str(token.name)
            if kind == "Range":
                if "[" in name:
                    return "external"
                if "!" in name and name.rsplit("!", 1)[0].strip("'") != self.sheet:
                    return "other_sheet"
                cells = _range_cells(name)
                if cells is None or cells > MAX_RANGE_CELLS:
                    return "range"
            elif kind == "Function" and name.upper() not in FUNCTIONS:
                return "function"
            elif kind == "OperatorToken" and name not in OPERATORS:
                return "text" if name == "&" else "function"
            elif kind == "String":
                return "text"
            elif kind == "Error":  # an error typed or left in the formula (=#REF!+1)
                return "error"
            # Any other kind (an intersection `A1:A3 A2`, ...) is not arithmetic; a function's
            # commas are separators.
            elif kind not in ("Number", "Function", "OperatorToken", "Parenthesis", "Separator"):
                return "function"
        return None

    def _input(self, name: str, path) -> Any:
        import numpy as np
        from schedula import EMPTY  # how the formula engine stands for an empty cell

        reference = name.rsplit("!", 1)[-1]
        first, _, last = reference.partition(":")
        top, left = self._cell(first)
        bottom, right = self._cell(last) if last else (top, left)
        # A range written corner to corner in any order (A4:A1, as a script may save it) is
        # the rectangle between them, as in Excel.
        top, bottom = sorted((top, bottom))
        left, right = sorted((left, right))
        grid = [
            [self._value((row, col), path, EMPTY) for col in range(left, right + 1)]
            for row in range(top, bottom + 1)
        ]
        # One cell too is a 1x1 range, as the formula engine passes a reference: SUM(A3) on an
        # empty or text cell ignores it, as in Excel.
        return np.array(grid, dtype=object)

    def _value(self, cell: tuple[int, int], path, empty: Any) -> Any:
        if cell in self.formulas:
            return self.result(cell, path)
        value = self.value_of(*cell)
        return empty if value is None or value == "" else _number(value)

    @staticmethod
    def _cell(name: str) -> tuple[int, int]:
        match = _CELL_NAME.match(name.upper())
        if not match:
            raise ValueError(name)
        return int(match.group(2)) - 1, _column_index(match.group(1))
