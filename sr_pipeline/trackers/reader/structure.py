"""Sheet structure: the header row, the report date in the title, the data rows (merges,
blanks, region group headers and totals)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from sr_pipeline.language.messages import Message
from sr_pipeline.language.text import clean, fold
from sr_pipeline.model import (
    TrackerFile,
)
from sr_pipeline.reference import Reference
from sr_pipeline.trackers.contracts import SheetContract
from sr_pipeline.trackers.reader.base import (
    _AS_OF,
    _CHUNK_ROWS,
    HEADER_SCAN_ROWS,
    TOTAL_MARKERS,
    Refused,
    column_letter,
)
from sr_pipeline.trackers.values import (
    title_date,
)

# --- sheet structure ------------------------------------------------------------------------


def _blank(cell: Any) -> bool:
    return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())


@dataclass
class Layout:
    header_row: int  # 0-based index into the sheet's rows
    columns: dict[str, int]  # field -> column index
    headers: dict[str, str]  # field -> header text as written
    extras: dict[int, str]  # column index -> header (or column letter) of unmapped columns
    col_offset: int = 0  # the parser's first column (0 = A)

    def letter(self, field_name: str) -> str | None:
        """The Excel column letter of a field in this sheet (None if the column is absent)."""
        col = self.columns.get(field_name)
        return None if col is None else column_letter(col + self.col_offset)

    def header(self, sheet: SheetContract, field_name: str) -> str:
        """A field's header as written in this sheet, or, for a column the sheet lacks (an
        optional one a rule needs), as the contract names it: the column the clerk must add,
        not the field's inner name."""
        return self.headers.get(field_name) or sheet.field(field_name).headers[0]


def find_header(
    rows: list[list[Any]], sheet: SheetContract, sheet_name: str, col_offset: int
) -> Layout:
    aliases = {fold(alias): f.name for f in sheet.fields for alias in f.headers}
    required = [f.name for f in sheet.required]
    best: tuple[int, int, list[str]] = (-1, -1, [])
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        matches: dict[str, list[int]] = defaultdict(list)
        for col, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                name = aliases.get(fold(cell))
                if name:
                    matches[name].append(col)
        found = sum(1 for name in required if name in matches)
        if found == len(required):
            return _layout(rows[index], index, matches, sheet, sheet_name, col_offset)
        if found > best[0]:
            texts = [clean(c) for c in row if isinstance(c, str) and c.strip()]
            best = (found, index, texts)
    found, index, texts = best
    if found <= 0:
        columns = ", ".join(repr(sheet.field(n).headers[0]) for n in required)
        raise Refused(
            Message.of("no_header", sheet=sheet_name, columns=columns, rows=HEADER_SCAN_ROWS)
        )
    row = rows[index]
    present = {aliases.get(fold(c)) for c in row if isinstance(c, str)}
    missing = [n for n in required if n not in present]
    names = "; ".join(
        f"'{sheet.field(n).headers[0]}' (also accepted: "
        f"{', '.join(repr(h) for h in sheet.field(n).headers[1:]) or 'no other name'})"
        for n in missing
    )
    found_text = ", ".join(repr(t) for t in texts)
    raise Refused(
        Message.of(
            "column_missing", sheet=sheet_name, missing=names, row=index + 1, found=found_text
        )
    )


def _layout(
    row: list[Any],
    index: int,
    matches: dict[str, list[int]],
    sheet: SheetContract,
    sheet_name: str,
    col_offset: int,
) -> Layout:
    for name, cols in matches.items():
        if len(cols) > 1:
            found = ", ".join(
                f"'{clean(row[c])}' (column {column_letter(c + col_offset)})" for c in cols
            )
            header = sheet.field(name).headers[0]
            raise Refused(
                Message.of(
                    "column_twice", sheet=sheet_name, row=index + 1, header=header, found=found
                )
            )
    columns = {name: cols[0] for name, cols in matches.items()}
    mapped = set(columns.values())
    extras = {}
    for col, cell in enumerate(row):
        if col in mapped:
            continue
        letter = column_letter(col + col_offset)
        extras[col] = clean(str(cell)) if not _blank(cell) else f"column {letter}"
    headers = {name: clean(row[col]) for name, col in columns.items()}
    return Layout(index, columns, headers, extras, col_offset)


def stated_report_date(rows: list[list[Any]], header_row: int, sheet_name: str) -> tuple[date, str]:
    """The report date stated above the header, and the title text that states it. A title
    that says "situation au" / "as of" wins over other dates up there (e.g. "mis à jour le
    ..."). The date may also sit in a cell of its own after such a title (``Situation au`` |
    ``30/06/2018``, as the tracker templates lay it out), typed as a date or as text."""
    found: list[tuple[bool, date, str]] = []
    for row in rows[:header_row]:
        at, label = next(((col, clean(c)) for col, c in enumerate(row) if isinstance(c, str)
                          and _AS_OF.search(fold(c)) and title_date(c) is None),
                         (len(row), None))  # fmt: skip
        for col, cell in enumerate(row):
            # Only a date after the label is the label's ("Mis à jour le 05/07/2018" |
            # "Situation au" | "30/06/2018": the report date is the 30th).
            label_of = label if col > at else None
            if isinstance(cell, str) and cell.strip():
                stated = title_date(cell)
                if stated is not None:
                    as_of = bool(_AS_OF.search(fold(cell)))
                    text = clean(cell) if as_of or label_of is None else f"{label_of} {clean(cell)}"
                    found.append((as_of or label_of is not None, stated, text))
            elif isinstance(cell, date) and label_of is not None:
                stated = cell.date() if isinstance(cell, datetime) else cell
                found.append((True, stated, f"{label_of} {stated:%d/%m/%Y}"))
    if not found:
        raise Refused(Message.of("title_date_missing", sheet=sheet_name))
    _, stated, title = next((f for f in found if f[0]), found[0])
    return stated, title


def check_title_date(
    rows: list[list[Any]], header_row: int, tracker: TrackerFile, sheet_name: str
) -> None:
    """The report date stated above the header (:func:`stated_report_date`) must be the file
    name's."""
    stated, title = stated_report_date(rows, header_row, sheet_name)
    if stated != tracker.report_date:
        raise Refused(
            Message.of(
                "title_date_mismatch", sheet=sheet_name, title=title,
                stated=f"{stated:%d/%m/%Y}", named=f"{tracker.report_date:%d/%m/%Y}",
            )
        )  # fmt: skip


@dataclass
class Column:
    """One sheet column, dictionary-encoded: ``codes[p]`` indexes ``uniques`` (-1: no cell).

    A 100,000-row tracker has few distinct values per column (regions, sectors, dates), so
    parsing once per distinct value and keeping int32 codes instead of cell objects is what
    makes the read fast and small."""

    codes: np.ndarray
    uniques: list[Any]

    def raw(self, position: int) -> Any:
        code = self.codes[position]
        return "" if code < 0 else self.uniques[code]


class ColumnCollector:
    """Accumulates data rows chunk by chunk into dictionary-encoded columns.

    Each chunk is factorized on its own (in C) and its distinct values appended; a value
    repeated across chunks is parsed once per chunk, which costs less than merging."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._uniques: list[list[Any]] = [[] for _ in range(width)]
        self._codes: list[list[np.ndarray]] = [[] for _ in range(width)]

    def add(self, rows: list[list[Any]]) -> None:
        for col, cells in enumerate(zip(*rows, strict=True)):
            codes, found = pd.factorize(np.array(cells, dtype=object))
            if any(isinstance(v, bool) for v in found):
                # factorize would merge True with 1.0: encode this chunk cell by cell
                codes, found = self._exact(cells)
            uniques = self._uniques[col]
            offset = np.where(codes < 0, -1, codes + len(uniques))  # -1: no value
            self._codes[col].append(offset.astype(np.int32))
            uniques.extend(found)

    @staticmethod
    def _exact(cells: tuple[Any, ...]) -> tuple[np.ndarray, list[Any]]:
        index: dict[tuple[type, Any], int] = {}
        found: list[Any] = []
        codes = np.empty(len(cells), dtype=np.int64)
        for p, value in enumerate(cells):
            key = (value.__class__, value)
            if key not in index:
                index[key] = len(found)
                found.append(value)
            codes[p] = index[key]
        return codes, found

    def columns(self) -> list[Column]:
        return [
            Column(np.concatenate(parts) if parts else np.empty(0, np.int32), uniques)
            for parts, uniques in zip(self._codes, self._uniques, strict=True)
        ]


def collect_rows(
    rows: Iterator[list[Any]],
    first_row: int,
    width: int,
    reference: Reference,
    record_columns: tuple[int, ...] = (),
    keyed: bool = True,
) -> tuple[list[Column], list[int], dict[str, int], list[tuple[int, str]]]:
    """Data rows below the header into columns, with their Excel row numbers.

    Blank rows and region group headers are skipped. A row whose first non-empty cell reads
    TOTAL / Sous-total / Total général / Grand total is a total row and never counts; the
    data ends at a total row after which no row carries a record (``record_columns`` filled:
    a project code), and a total row with records after it is a subtotal: the rows after it
    are read. The counts of the rows skipped (structure, and the rows after the last total)
    and the subtotal rows (Excel row, label) are returned."""
    collector = ColumnCollector(width)
    excel_rows: list[int] = []
    skipped = {"blank": 0, "group_header": 0, "total": 0, "after_total": 0}
    subtotals: list[tuple[int, str]] = []
    chunk: list[list[Any]] = []
    # Rows after a total row, held until a record shows the total was a subtotal.
    held: list[tuple[int, list[Any] | None, str]] | None = None

    def keep(excel_row: int, row: list[Any]) -> None:
        nonlocal chunk
        chunk.append(row)
        excel_rows.append(excel_row)
        if len(chunk) == _CHUNK_ROWS:
            collector.add(chunk)
            chunk = []

    for excel_row, row in enumerate(rows, start=first_row):
        if len(row) != width:
            row = (row + [""] * width)[:width]
        kind, label = _row_kind(row, reference)
        if kind != "data":
            skipped[kind] += 1
        if held is not None:
            if kind == "data" and _carries_record(row, record_columns, keyed):
                for held_row, cells, held_label in held:  # the totals above were subtotals
                    if cells is None:
                        subtotals.append((held_row, held_label))
                    else:
                        keep(held_row, cells)
                held = None
            else:
                if kind in ("data", "total"):
                    held.append((excel_row, row if kind == "data" else None, label))
                continue
        if kind == "total":
            held = [(excel_row, None, label)]
        elif kind == "data":
            keep(excel_row, row)
    if held:
        skipped["after_total"] += sum(1 for _, cells, _ in held if cells is not None)
    if chunk:
        collector.add(chunk)
    return collector.columns(), excel_rows, skipped, subtotals


def _row_kind(row: list[Any], reference: Reference) -> tuple[str, str]:
    """What a row below the header is: ``blank``, ``total`` (with its label),
    ``group_header`` (only a region name, once or merged across the row) or ``data``.

    A cell of spaces is blank everywhere here. A data row costs two looks: its first cell
    is filled, and its second differs from it."""
    first = row[0] if row else None
    if _blank(first):
        first = next((c for c in row if not _blank(c)), None)
        if first is None:
            return "blank", ""
    if isinstance(first, str) and len(first) < 40:
        if first.lstrip()[:1] in "TtGgSs" and fold(first).rstrip(" :") in TOTAL_MARKERS:
            return "total", clean(first)
        # Every other cell is the same name or blank.
        if all(c == first or _blank(c) for c in row) and reference.regions.get(first):
            return "group_header", ""
    return "data", ""


def _carries_record(row: list[Any], columns: tuple[int, ...], keyed: bool) -> bool:
    """A row that holds a record: its key cell holds a project code (one word with a digit,
    as every code form has; a sentence such as "Notes : voir la Synthèse" is none), or, in a
    sheet without a key, all its required cells but one are filled."""
    if not columns:
        return True
    if keyed:
        cell = row[columns[0]] if columns[0] < len(row) else ""
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            return True
        text = cell.strip() if isinstance(cell, str) else ""
        return bool(text) and len(text.split()) == 1 and any(c.isdigit() for c in text)
    filled = sum(1 for c in columns if c < len(row) and not _blank(row[c]))
    return filled >= len(columns) - 1


def _sheet_name(book: CalamineWorkbook, sheet: SheetContract) -> str:
    """The workbook's name for a data sheet (found by folded name; hidden or not)."""
    names = {fold(name): name for name in book.sheet_names}
    actual = names.get(fold(sheet.sheet))
    if actual is None:
        found = ", ".join(f"'{n}'" for n in book.sheet_names)
        raise Refused(Message.of("sheet_missing", sheet=sheet.sheet, found=found))
    return actual
