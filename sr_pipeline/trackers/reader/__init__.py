"""One generic tracker reader: a workbook into canonical rows, rejections and flags.

Everything fund-specific comes from the contract (``sr_pipeline.trackers.contracts``) and the
reference
data. The steps, for each data sheet: find the header row (first row holding every required
header), check the report date in the title rows against the file name, collect data rows
(merged ranges giving their value to every row they cover; skipping blank rows, region group
headers and total rows, reading past a subtotal, stopping at the last total), parse every
cell by its field's kind (once per distinct value), validate with the pandera schema
(lazily), enforce uniqueness, convert to USD and apply the rules on USD amounts, then flag
business-rule breaches on the accepted rows.

Nothing read is lost: every data row ends up accepted or with one line per problem in the
rejections; a file that cannot be read at all is refused with one line saying why. What the
reader did with the layout that the unit should know (an unknown column, a subtotal, a merge)
is a reading note.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from python_calamine import CalamineWorkbook

from sr_pipeline.language.messages import FIELD_NAMES, VOCABULARY_NAMES, Message, Term, term
from sr_pipeline.language.text import clean, fold, name_key
from sr_pipeline.model import (
    CANONICAL_COLUMNS,
    LINEAGE_COLUMNS,
    NOTE_COLUMNS,
    REJECTED_ROW_COLUMNS,
    RULE_FLAG_COLUMNS,
    ReadResult,
    TrackerFile,
)
from sr_pipeline.reference import Reference, Vocabulary, load_reference
from sr_pipeline.trackers.contracts import CONTRACTS, SheetContract
from sr_pipeline.trackers.formulas import (
    Evaluator,
    FormulaWithoutResult,
    formula_cells,
    sheet_parts,
)
from sr_pipeline.trackers.rules import AMOUNT_FIELD, FLAG_RULES, REPORT_DATE, ROW_RULES
from sr_pipeline.trackers.safety import UnsafeWorkbook, check_workbook, open_regular, sha256_of
from sr_pipeline.trackers.schemas import build_schema
from sr_pipeline.trackers.suggestions import suggest
from sr_pipeline.trackers.values import (
    CURRENCY_TOKENS,
    parse_amount,
    parse_code,
    parse_date,
    parse_mptf,
    parse_text,
    parse_whole,
    show,
    title_date,
)

HEADER_SCAN_ROWS = 50
_CHUNK_ROWS = 8192  # rows encoded at a time: bounds the cell objects alive at once
TOTAL_MARKERS = frozenset({"total", "sous-total", "sous total", "total general", "grand total"})
_LIST_SEPARATORS = (",", ";", "/", " et ")
_AS_OF = re.compile(r"\b(situation au|as of|as at|au)\b")


class Refused(Exception):
    """The whole file is refused; the message is one line for the fund unit."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- cell parsers by field kind -------------------------------------------------------------

Parser = Callable[[Any], tuple[Any, Message | None]]


def accepted_values(vocab: Vocabulary, kind: str, reference: Reference) -> Term:
    """A vocabulary's values as a clerk writes them, in each language ("Achevé, En cours, ..."
    for a French unit; "Completed, Ongoing, ..." in English)."""
    en, fr = ([reference.label(kind, v, lang) for v in vocab.values] for lang in ("en", "fr"))
    return Term(", ".join(en), ", ".join(fr))


def _vocabulary_parser(vocab: Vocabulary, kind: str, reference: Reference) -> Parser:
    what, accepted = term(VOCABULARY_NAMES, kind), accepted_values(vocab, kind, reference)

    def parse(raw: Any) -> tuple[Any, Message | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        value = vocab.get(text)
        if value is None:
            return None, Message.of("unknown_value", value=show(raw), what=what, accepted=accepted)
        return value, None

    return parse


def _list_parser(
    item: Parser | None, vocab: Vocabulary | None, kind: str, reference: Reference
) -> Parser:
    def parse(raw: Any) -> tuple[Any, Message | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        parts = [text]
        for sep in _LIST_SEPARATORS:
            parts = [p for part in parts for p in _split(part, sep)]
        parts = [clean(p) for p in parts if clean(p)]
        if item is None or vocab is None:
            return "; ".join(parts), None
        values = []
        for part in parts:
            value, problem = item(part)
            if problem:
                return None, Message.of(
                    "unknown_list_item", item=part, value=show(raw),
                    what=term(VOCABULARY_NAMES, kind),
                    accepted=accepted_values(vocab, kind, reference),
                )  # fmt: skip
            if value not in values:
                values.append(value)
        return "; ".join(values), None

    return parse


def _split(text: str, sep: str) -> list[str]:
    if sep.strip() == sep:
        return text.split(sep)
    # " et " separates names case-insensitively ("UNDP et UNICEF", "UNDP ET UNICEF")
    out, rest = [], text
    while (pos := rest.lower().find(sep)) >= 0:
        out.append(rest[:pos])
        rest = rest[pos + len(sep) :]
    return [*out, rest]


def _currency_parser(sheet: SheetContract) -> Parser:
    accepted = ", ".join(sheet.currencies)

    def parse(raw: Any) -> tuple[Any, Message | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        code = fold(text).upper()
        code = CURRENCY_TOKENS.get(code, code)  # FCFA, $, € as in amounts
        if code not in sheet.currencies:
            what = term(VOCABULARY_NAMES, "currency")
            return None, Message.of("unknown_value", value=show(raw), what=what, accepted=accepted)
        return code, None

    return parse


def _parsers(sheet: SheetContract, reference: Reference) -> dict[str, Parser]:
    vocabs = reference.vocabularies()
    simple: dict[str, Parser] = {
        "text": parse_text,
        "code": parse_code,
        "mptf": parse_mptf,
        "amount": parse_amount,
        "date": parse_date,
        "whole": parse_whole,
        "currency": _currency_parser(sheet),
    }
    for kind, vocab in vocabs.items():
        simple[kind] = _vocabulary_parser(vocab, kind, reference)
    parsers = {}
    for f in sheet.fields:
        if f.kind.startswith("list:"):
            inner = f.kind.split(":", 1)[1]
            item = None if inner == "text" else simple[inner]
            parsers[f.name] = _list_parser(item, vocabs.get(inner), inner, reference)
        else:
            parsers[f.name] = simple[f.kind]
    return parsers


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


def find_header(
    rows: list[list[Any]], sheet: SheetContract, sheet_name: str, col_offset: int = 0
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
        label = next((clean(c) for c in row if isinstance(c, str) and _AS_OF.search(fold(c))
                      and title_date(c) is None), None)  # fmt: skip
        for cell in row:
            if isinstance(cell, str) and cell.strip():
                stated = title_date(cell)
                if stated is not None:
                    as_of = bool(_AS_OF.search(fold(cell)))
                    text = clean(cell) if as_of or label is None else f"{label} {clean(cell)}"
                    found.append((as_of or label is not None, stated, text))
            elif isinstance(cell, date) and label is not None:
                stated = cell.date() if isinstance(cell, datetime) else cell
                found.append((True, stated, f"{label} {stated:%d/%m/%Y}"))
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
        kind, label = _row_kind(row, width, reference)
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


def _row_kind(row: list[Any], width: int, reference: Reference) -> tuple[str, str]:
    """What a row below the header is: ``blank``, ``total`` (with its label),
    ``group_header`` (only a region name, once or merged across the row) or ``data``."""
    filled = width - row.count("")
    if filled <= 3 or (isinstance(row[0], str) and not row[0].strip()):
        cells = [c for c in row if not _blank(c)]
        filled = len(cells)
        first = cells[0] if cells else None
    else:
        first = row[0] if row[0] != "" else next(c for c in row if c != "")
    if filled == 0:
        return "blank", ""
    if isinstance(first, str) and len(first) < 40:
        if first.lstrip()[:1] in "TtGgSs" and fold(first).rstrip(" :") in TOTAL_MARKERS:
            return "total", clean(first)
        if (filled == 1 or row.count(first) == filled) and reference.regions.get(first):
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


# --- values, validation, rules ----------------------------------------------------------------


@dataclass
class SheetOutcome:
    accepted: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Parsed:
    """A column's parsed values (one per row), and the problems by row position."""

    values: np.ndarray
    problems: dict[int, Message]
    written_currency: np.ndarray | None = None


def parse_column(column: Column, parser: Parser, kind: str) -> Parsed:
    """Parse each distinct raw value once, then spread the results over the rows."""
    results = [
        (None, raw.message()) if isinstance(raw, FormulaWithoutResult)
        else (None, None) if _blank(raw)
        else parser(raw)
        for raw in column.uniques
    ]  # fmt: skip
    values: list[Any] = [value if value != "" else None for value, _ in results]
    currencies: list[Any] | None = None
    if kind == "amount":
        currencies = [v[1] if v is not None else None for v in values]
        values = [v[0] if v is not None else None for v in values]
    lookup = _typed_array(values + [None], kind)  # the last slot serves empty cells (-1)
    codes = np.where(column.codes < 0, len(values), column.codes)
    bad = {k: problem for k, (_, problem) in enumerate(results) if problem}
    problems: dict[int, Message] = {}
    if bad:
        for position in np.flatnonzero(np.isin(column.codes, list(bad))):
            problems[int(position)] = bad[int(column.codes[position])]
    written = None
    if currencies is not None:
        written = np.array(currencies + [None], dtype=object)[codes]
    return Parsed(lookup[codes], problems, written)


def _typed_array(values: list[Any], kind: str) -> np.ndarray:
    if kind == "date":
        return np.array(
            [
                np.datetime64(v, "ns") if v is not None else np.datetime64("NaT", "ns")
                for v in values
            ]
        )
    if kind in ("amount", "whole"):
        return np.array([np.nan if v is None else float(v) for v in values], dtype="float64")
    return np.array(values, dtype=object)


@dataclass
class SheetRows:
    """A data sheet's cells below its header, as read: one dictionary-encoded column per
    sheet column, the Excel row of each data row, and the structure rows skipped."""

    name: str  # the sheet's name as written in the workbook
    layout: Layout
    columns: list[Column]
    excel_rows: list[int]
    skipped: dict[str, int]
    subtotals: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, label)
    merges: list[Merge] = field(default_factory=list)

    def field(self, sheet: SheetContract, name: str) -> Column:
        """The raw cells of a field (all empty when its optional column is absent)."""
        if name in self.layout.columns:
            return self.columns[self.layout.columns[name]]
        return Column(np.full(len(self.excel_rows), -1, dtype=np.int32), [])


def read_sheet(
    book: CalamineWorkbook,
    sheet: SheetContract,
    tracker: TrackerFile,
    sha256: str,
    reference: Reference,
    uncached: frozenset[str] = frozenset(),
) -> SheetOutcome:
    """One data sheet into accepted rows, rejections and flags, in named steps: read its rows,
    parse every field, validate (pandera), enforce unique codes, convert to USD, then list
    the rejections and flag the accepted rows."""
    rows = read_rows(book, sheet, tracker, reference, uncached)
    raws = {f.name: rows.field(sheet, f.name) for f in sheet.fields}
    frame, problems = parse_fields(sheet, raws, reference)
    frame[REPORT_DATE] = pd.Timestamp(tracker.report_date)
    _validate(frame, sheet, reference, problems)
    _unique(frame, sheet, rows.excel_rows, problems)
    _convert(frame, sheet, reference, problems)
    _rules_after_conversion(frame, sheet, problems)
    for name in sheet.name_keys:
        frame[f"{name}_key"] = frame[name].map(name_key, na_action="ignore")
    rejected = _rejections(frame, sheet, tracker, rows, raws, problems, reference)
    del raws  # memory: on a 100,000-row sheet each copy held at once costs tens of MB
    good = np.array([p for p in range(len(rows.excel_rows)) if p not in problems], dtype=np.int64)
    ordered = list(CANONICAL_COLUMNS[(tracker.fund, sheet.table)]) + list(LINEAGE_COLUMNS)
    accepted = frame.take(good)
    del frame
    accepted.reset_index(drop=True, inplace=True)
    good_rows = np.asarray(rows.excel_rows, dtype=np.int64)[good] if rows.excel_rows else good
    flags = _flags(accepted, sheet, tracker, rows.name, good_rows, rows.layout)
    for column, value in (
        ("fund", tracker.fund),
        ("source_file", tracker.name),
        ("sha256", sha256),
        ("sheet", rows.name),
        ("source_row", good_rows),
        ("extras", _extras(rows.columns, rows.layout, good)),
    ):
        accepted[column] = value
    notes = reading_notes(sheet, tracker, rows)
    return SheetOutcome(
        accepted[ordered], rejected, flags, len(rows.excel_rows), rows.skipped, notes
    )


def reading_notes(
    sheet: SheetContract, tracker: TrackerFile, rows: SheetRows
) -> list[dict[str, Any]]:
    """What the reader did with the sheet's layout that the unit should know, one line each:
    every column the contract does not know (a renamed ``Devise`` is seen, not ignored), every
    subtotal row read past, every merged range whose value counts for several rows."""
    layout = rows.layout
    # The contract's columns absent here: what a renamed column may have been meant to be.
    absent = ", ".join(f.headers[0] for f in sheet.fields if f.name not in layout.columns)
    missing = Term(absent or "none", absent or "aucune")
    lines: list[tuple[int | None, str | None, str, Message]] = []
    header_row = layout.header_row + 1  # an unknown column's note goes on its header cell
    for col, header in sorted(layout.extras.items()):
        letter = column_letter(col + layout.col_offset)
        column = rows.columns[col] if col < len(rows.columns) else None
        if header != f"column {letter}":
            message = Message.of("unknown_column", header=header, column=letter, missing=missing)
            lines.append((header_row, letter, header, message))
        elif column is not None and any(not _blank(v) for v in column.uniques):
            message = Message.of("unnamed_column", column=letter, missing=missing)
            lines.append((header_row, letter, "", message))
    for excel_row, label in rows.subtotals:
        lines.append((excel_row, None, "", Message.of("subtotal_row", row=excel_row, label=label)))
    for merge in rows.merges:
        header = next((h for c, h in _headers_by_letter(layout) if c == merge.column), "")
        message = Message.of(
            "merged_cells", cells=merge.cells, value=show(merge.value),
            first=merge.first_row, last=merge.last_row,
        )  # fmt: skip
        lines.append((merge.first_row, merge.column, header, message))
    return [
        {
            "fund": tracker.fund,
            "source_file": tracker.name,
            "sheet": rows.name,
            "source_row": excel_row,
            "excel_column": letter,
            "header": header,
            "note_code": message.code,
            "note_params": message.params_json(),
            "note": str(message),
        }
        for excel_row, letter, header, message in lines
    ]


def _headers_by_letter(layout: Layout) -> list[tuple[str, str]]:
    named = [(layout.letter(name), header) for name, header in layout.headers.items()]
    extras = [(column_letter(c + layout.col_offset), h) for c, h in layout.extras.items()]
    return [(letter, header) for letter, header in [*named, *extras] if letter]


def _rules_after_conversion(frame: pd.DataFrame, sheet: SheetContract, problems: Problems) -> None:
    """Row rules on the USD amount (the QIP budget limit): a breach rejects the row."""
    for name in sheet.row_rules:
        rule = ROW_RULES[name]
        if not rule.after_conversion:
            continue
        for position in np.flatnonzero(~rule.ok(frame).to_numpy(dtype=bool)):
            problems[int(position)].append((rule.field, rule.message(frame.iloc[position])))


def read_rows(
    book: CalamineWorkbook,
    sheet: SheetContract,
    tracker: TrackerFile,
    reference: Reference,
    uncached: frozenset[str] = frozenset(),
) -> SheetRows:
    """Find the data sheet and its header, check the report date in its title, and collect
    the data rows below (blank rows, group headers and the TOTAL row are structure).
    Formulas saved without their result are computed or marked first (``uncached``)."""
    sheet_name = _sheet_name(book, sheet)
    try:
        calamine_sheet = book.get_sheet_by_name(sheet_name)
        col_offset = calamine_sheet.start[1] if calamine_sheet.height else 0
        rows = calamine_sheet.iter_rows()
        if uncached:
            rows = iter(_with_formula_results(tracker, sheet_name, rows, col_offset, uncached))
        head = list(islice(rows, HEADER_SCAN_ROWS))
    except Exception as exc:  # noqa: BLE001 - the xlsx parser's own errors: the file is bad
        detail = f"sheet '{sheet_name}': {type(exc).__name__}: {exc}"
        raise Refused(Message.of("file_unreadable", detail=detail)) from exc
    layout = find_header(head, sheet, sheet_name, col_offset)
    if sheet.has_title_date:
        check_title_date(head, layout.header_row, tracker, sheet_name)
    width = len(head[layout.header_row])
    body: Iterator[list[Any]] = chain(head[layout.header_row + 1 :], rows)
    merges = _data_merges(calamine_sheet, layout.header_row, col_offset, width)
    merged: list[Merge] = []
    if merges:
        body = _fill_merges(body, merges, layout.header_row + 1, col_offset, merged)
    columns, excel_rows, skipped, subtotals = collect_rows(
        body, layout.header_row + 2, width, reference, _record_columns(sheet, layout),
        keyed=sheet.key is not None,
    )  # fmt: skip
    return SheetRows(sheet_name, layout, columns, excel_rows, skipped, subtotals, merged)


def _record_columns(sheet: SheetContract, layout: Layout) -> tuple[int, ...]:
    """The columns whose cells make a row a record: the key, or every required field."""
    names = [sheet.key] if sheet.key else [f.name for f in sheet.required]
    return tuple(layout.columns[n] for n in names if n in layout.columns)


@dataclass(frozen=True)
class Merge:
    """A merged range in the data, as read: its value counts for every row it covers."""

    cells: str  # "J72:J73"
    column: str  # the letter of its first column
    first_row: int  # Excel rows
    last_row: int
    value: Any


def _data_merges(
    calamine_sheet: Any, header_row: int, col_offset: int, width: int
) -> list[tuple[tuple[int, int], ...]]:
    """Merged ranges below the header that cover more than one row (0-based, absolute),
    clipped to the cells the sheet stores (a hostile ``A5:XFD1048576`` fills no more rows or
    columns than the sheet has).

    A merge within one row is layout (a title, group header or total label spread across
    columns) and stays as Excel stores it: its value in its first cell."""
    try:
        ranges = calamine_sheet.merged_cell_ranges or []
        last_row = calamine_sheet.end[0] if calamine_sheet.height else -1
    except Exception:  # noqa: BLE001 - no merge information: the cells as stored
        return []
    last_col = col_offset + width - 1
    clipped = []
    for (top, left), (bottom, right) in ranges:
        bottom, right = min(bottom, last_row), min(right, last_col)
        if header_row < top < bottom and left <= right:
            clipped.append(((top, left), (bottom, right)))
    return sorted(clipped)


def _fill_merges(
    rows: Iterator[list[Any]],
    merges: list[tuple[tuple[int, int], ...]],
    first_index: int,
    col_offset: int,
    merged: list[Merge],
) -> Iterator[list[Any]]:
    """The rows with each merged range's value in every cell it covers (TRACKERS.md: a
    currency merged over two rows applies to both), recording each merge applied."""
    by_top: dict[int, list[tuple[tuple[int, int], ...]]] = defaultdict(list)
    for merge in merges:
        by_top[merge[0][0]].append(merge)
    fills: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
    index = first_index - 1
    for index, row in enumerate(rows, start=first_index):
        for (top, left), (bottom, right) in by_top.get(index, ()):
            position = left - col_offset
            value = row[position] if 0 <= position < len(row) else ""
            if _blank(value):
                continue
            for covered in range(top + 1, bottom + 1):
                fills[covered].append((position, right - col_offset, value))
            if right > left:
                fills[top].append((position, right - col_offset, value))
            cells = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
            merged.append(Merge(cells, column_letter(left), top + 1, bottom + 1, value))
        yield _filled(row, fills.pop(index, ()))
    for extra in range(index + 1, max(fills, default=index) + 1):  # merges past the last row
        yield _filled([], fills.pop(extra, ()))


def _filled(row: list[Any], fills: Any) -> list[Any]:
    if not fills:
        return row
    row = list(row)
    for start, end, value in fills:
        if len(row) <= end:
            row += [""] * (end + 1 - len(row))
        for position in range(max(start, 0), end + 1):
            row[position] = value
    return row


def _with_formula_results(
    tracker: TrackerFile,
    sheet_name: str,
    rows: Iterator[list[Any]],
    col_offset: int,
    uncached: frozenset[str],
) -> list[list[Any]]:
    """The sheet's rows with each formula saved without its result replaced by its computed
    value, or by a ``FormulaWithoutResult`` the parsers reject (a rare path: the whole sheet
    is held in memory)."""
    with zipfile.ZipFile(tracker.path) as archive:
        part = sheet_parts(archive).get(sheet_name)
        if part not in uncached:
            return list(rows)
        cells = formula_cells(archive.read(part))
    table = list(rows)
    if not cells:
        return table

    def value_of(row: int, col: int) -> Any:
        position = col - col_offset
        if row < len(table) and 0 <= position < len(table[row]):
            return table[row][position]
        return None

    for (row, col), value in Evaluator(cells, value_of, sheet_name).all().items():
        position = col - col_offset
        if position < 0:
            continue
        while len(table) <= row:
            table.append([])
        if len(table[row]) <= position:
            table[row] = table[row] + [""] * (position + 1 - len(table[row]))
        table[row][position] = value
    return table


Problems = dict[int, list[tuple[str, Message]]]  # row position -> [(field, problem)]


def parse_fields(
    sheet: SheetContract, raws: dict[str, Column], reference: Reference
) -> tuple[pd.DataFrame, Problems]:
    """Every field's cells into typed values (once per distinct value), with the problems
    found; the amount's written currency is kept for the currency rule."""
    n = len(next(iter(raws.values())).codes) if raws else 0
    parsers = _parsers(sheet, reference)
    problems: Problems = defaultdict(list)
    data: dict[str, Any] = {}
    written_currency = np.full(n, None, dtype=object)
    amount_field = sheet.conversion.amount if sheet.conversion else None
    for f in sheet.fields:
        parsed = parse_column(raws[f.name], parsers[f.name], f.kind)
        if parsed.written_currency is not None:
            if f.name == amount_field:
                written_currency = parsed.written_currency
            else:  # other amounts (expenditure, USD equivalent) are USD by definition
                for position in np.flatnonzero(
                    pd.notna(parsed.written_currency) & (parsed.written_currency != "USD")
                ):
                    raw = show(raws[f.name].raw(int(position)))
                    parsed.problems[int(position)] = Message.of("amount_not_usd", value=raw)
        data[f.name] = parsed.values
        for position, problem in parsed.problems.items():
            problems[position].append((f.name, problem))

    frame = _typed_frame(sheet, data, n)
    if "currency" in frame:
        if sheet.default_currency:  # TRACKERS.md: a blank currency cell means USD
            frame["currency"] = frame["currency"].fillna(sheet.default_currency)
        frame["_currency"] = frame["currency"]
    else:  # sheets without a currency column are in USD
        frame["_currency"] = "USD"
    frame["_written_currency"] = written_currency
    return frame, problems


def _rejections(
    frame: pd.DataFrame,
    sheet: SheetContract,
    tracker: TrackerFile,
    rows: SheetRows,
    raws: dict[str, Column],
    problems: Problems,
    reference: Reference,
) -> list[dict[str, Any]]:
    """One line per problem, naming the row, the field, its column and the value found, with
    a likely correction in English where there is one (never applied)."""
    rejected = []
    codes_in_use = _codes_written(frame, sheet, raws)
    for position in sorted(problems):
        code = frame[sheet.key].iat[position] if sheet.key else None
        if code is None and sheet.key:
            raw = raws[sheet.key].raw(position)
            code = None if _blank(raw) else show(raw, 200)
        for field_name, problem in problems[position]:
            header = rows.layout.headers.get(field_name, field_name)
            raw = raws[field_name].raw(position) if field_name in raws else ""
            value = None if _blank(raw) else show(raw, 200)
            field = next((f for f in sheet.fields if f.name == field_name), None)
            suggestion = suggest(
                problem.code, dict(problem.params), value, field, sheet, reference, "en",
                codes_in_use,
            )  # fmt: skip
            rejected.append(
                {
                    "fund": tracker.fund,
                    "source_file": tracker.name,
                    "sheet": rows.name,
                    "source_row": rows.excel_rows[position],
                    "project_code": code,
                    "field": field_name,
                    "value": value,
                    "problem": f"{header}: {problem}",
                    "problem_code": problem.code,
                    "problem_params": problem.params_json(),
                    "excel_column": rows.layout.letter(field_name),
                    "header": header,
                    "suggestion": suggestion,
                }
            )
    return rejected


def _codes_written(
    frame: pd.DataFrame, sheet: SheetContract, raws: dict[str, Column]
) -> frozenset[str]:
    """Every project code written in the sheet: a suggested code must not be one of them."""
    if not sheet.key:
        return frozenset()
    parsed = {str(c) for c in frame[sheet.key].dropna()}
    written = {show(v, 200) for v in raws[sheet.key].uniques if not _blank(v)}
    return frozenset(parsed | written)


def _typed_frame(sheet: SheetContract, data: dict[str, np.ndarray], n: int) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for f in sheet.fields:
        values = data[f.name]
        if f.kind == "whole":
            columns[f.name] = pd.array(values, dtype="Float64").astype("Int64")
        else:
            columns[f.name] = values
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


def _validate(
    frame: pd.DataFrame,
    sheet: SheetContract,
    reference: Reference,
    problems: Problems,
) -> None:
    """Run the pandera schema lazily; turn each failure case into a clerk's sentence."""
    schema = build_schema(sheet, reference)
    try:
        schema.validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    seen = {(pos, name) for pos, items in problems.items() for name, _ in items}
    for case in cases.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            continue
        position = int(case.index)
        check = str(case.check)
        rule = ROW_RULES.get(check)
        if rule is not None:
            name = rule.field
            if name == AMOUNT_FIELD:
                name = sheet.conversion.amount if sheet.conversion else "budget"
            if (position, name) in seen or (position, check) in seen:
                continue
            seen.add((position, check))
            message = rule.message(frame.loc[position])
        else:
            name = str(case.column)
            if (position, name) in seen:
                continue
            message = _column_message(sheet, name, check, case.failure_case)
        seen.add((position, name))
        problems[position].append((name, message))


def _column_message(sheet: SheetContract, name: str, check: str, value: Any) -> Message:
    """A pandera failure case in a clerk's words."""
    if check == "not_nullable":
        return Message.of("blank_required")
    if check.startswith("str_matches"):
        return Message.of("bad_pattern", value=show(value), example=sheet.field(name).example)
    if check.startswith("greater_than_or_equal_to"):
        return Message.of("amount_negative", value=show(value))
    if check.startswith("isin"):
        return Message.of("not_accepted", value=show(value))
    return Message.of("check_failed", value=show(value), check=check)


def _unique(
    frame: pd.DataFrame,
    sheet: SheetContract,
    excel_rows: list[int],
    problems: Problems,
) -> None:
    if not sheet.key:
        return
    positions: dict[str, list[int]] = defaultdict(list)
    for position, code in enumerate(frame[sheet.key]):
        if code is not None:
            positions[code].append(position)
    for code, where in positions.items():
        if len(where) < 2:
            continue
        for position in where:
            others = ", ".join(str(excel_rows[p]) for p in where if p != position)
            message = Message.of("duplicate_code", code=code, rows=others)
            problems[position].append((sheet.key, message))


def _convert(
    frame: pd.DataFrame,
    sheet: SheetContract,
    reference: Reference,
    problems: Problems,
) -> None:
    """Amounts to USD at the rate of the month of the conversion date (TRACKERS.md)."""
    conversion = sheet.conversion
    if conversion is None:
        return
    dates = frame[conversion.date]
    months = (dates.dt.year * 100 + dates.dt.month).astype("Int64")
    keys = pd.DataFrame({"currency": frame["_currency"], "month": months})
    pairs = keys.dropna().drop_duplicates()
    rates = {
        (currency, month): reference.rate(currency, f"{month // 100:04d}-{month % 100:02d}")
        for currency, month in pairs.itertuples(index=False)
    }
    rate = pd.Series(
        [rates.get((c, m)) for c, m in zip(keys["currency"], keys["month"], strict=True)]
        if rates
        else [None] * len(frame),
        index=frame.index,
        dtype="float64",
    )
    usd = frame[conversion.amount] / rate
    if conversion.override:
        usd = frame[conversion.override].where(frame[conversion.override].notna(), usd)
    # A currency that could not be read is a problem of its own: no rate to report for it.
    known = months.notna() & frame[conversion.amount].notna() & keys["currency"].notna()
    missing = rate.isna() & known
    if conversion.override:
        missing &= frame[conversion.override].isna()
    field_name = "currency" if any(f.name == "currency" for f in sheet.fields) else "budget"
    for position in np.flatnonzero(missing.to_numpy()):
        currency, month = keys["currency"].iat[position], int(keys["month"].iat[position])
        message = Message.of(
            "missing_rate", currency=currency, month=f"{month // 100:04d}-{month % 100:02d}",
            date_field=term(FIELD_NAMES, conversion.date),
        )  # fmt: skip
        problems[int(position)].append((field_name, message))
    # Money to the cent: what a person would write, and sums without float noise downstream.
    frame[conversion.output] = usd.astype("float64").round(2)
    # How each amount was converted, for messages that quote it (None: not converted).
    converted = rate.notna() & (keys["currency"] != "USD")
    if conversion.override:
        converted &= frame[conversion.override].isna()
    frame["_rate"] = rate.where(converted)
    frame["_rate_month"] = months.where(converted)


def _extras(columns: list[Column], layout: Layout, good: np.ndarray) -> np.ndarray:
    """Unmapped columns of each accepted row as a JSON object (None when all are empty)."""
    out = np.full(len(good), None, dtype=object)
    if not layout.extras:
        return out
    fragments = []
    for col, name in sorted(layout.extras.items(), key=lambda item: item[1]):
        column = columns[col] if col < len(columns) else None
        if column is None or not column.uniques:
            continue
        key = json.dumps(name, ensure_ascii=False)
        texts = [
            None if _blank(v) else f"{key}: {json.dumps(_extra_text(v), ensure_ascii=False)}"
            for v in column.uniques
        ]
        lookup = np.array([*texts, None], dtype=object)
        codes = np.where(column.codes < 0, len(texts), column.codes)[good]
        fragments.append(lookup[codes])
    for position in range(len(good)):
        parts = [f[position] for f in fragments if f[position] is not None]
        if parts:
            out[position] = "{" + ", ".join(parts) + "}"
    return out


def _extra_text(value: Any) -> str:
    return clean(value) if isinstance(value, str) else show(value, 10_000)


def _flags(
    accepted: pd.DataFrame,
    sheet: SheetContract,
    tracker: TrackerFile,
    sheet_name: str,
    excel_rows: np.ndarray,
    layout: Layout,
) -> list[dict[str, Any]]:
    flags = []
    for name in sheet.flags:
        rule = FLAG_RULES[name]
        breached = ~rule.ok(accepted)
        for position in breached[breached].index:
            row = accepted.loc[position]
            flags.append(
                {
                    "fund": tracker.fund,
                    "source_file": tracker.name,
                    "sheet": sheet_name,
                    "source_row": int(excel_rows[position]),
                    "project_code": row.get(sheet.key) if sheet.key else None,
                    "rule": name,
                    "detail": str(message := rule.message(row)),
                    "field": rule.field,
                    "detail_code": message.code,
                    "detail_params": message.params_json(),
                    "excel_column": layout.letter(rule.field),
                    "header": layout.headers.get(rule.field, rule.field),
                }
            )
    return flags


# --- the file ---------------------------------------------------------------------------------


def _sheet_name(book: CalamineWorkbook, sheet: SheetContract) -> str:
    """The workbook's name for a data sheet (found by folded name; hidden or not)."""
    names = {fold(name): name for name in book.sheet_names}
    actual = names.get(fold(sheet.sheet))
    if actual is None:
        found = ", ".join(f"'{n}'" for n in book.sheet_names)
        raise Refused(Message.of("sheet_missing", sheet=sheet.sheet, found=found))
    return actual


def _open(tracker: TrackerFile) -> tuple[CalamineWorkbook, frozenset[str]]:
    """The workbook, and its worksheet parts that may hold formulas without a result."""
    uncached = check_workbook(tracker.path)
    with open_regular(tracker.path) as handle:  # never through a link
        try:
            return CalamineWorkbook.from_filelike(handle), uncached
        except Exception as exc:  # noqa: BLE001 - the xlsx parser's own errors: the file is bad
            detail = f"{type(exc).__name__}: {exc}"
            raise Refused(Message.of("file_unreadable", detail=detail)) from exc


def report_date_in(path: Path, fund: str) -> date:
    """The report date a workbook of ``fund`` states in the title of its data sheet, for a
    file that has no contract name yet (a tracker uploaded to the portal). The workbook goes
    through the same safety checks and header search as :func:`read_tracker`; raises
    ``Refused`` or ``UnsafeWorkbook`` with the sentence the pipeline would give."""
    sheet = next(s for s in CONTRACTS[fund].sheets if s.has_title_date)
    check_workbook(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - the xlsx parser's own errors: the file is bad
        raise Refused(Message.of("file_unreadable", detail=f"{type(exc).__name__}: {exc}")) from exc
    sheet_name = _sheet_name(book, sheet)
    try:
        head = list(islice(book.get_sheet_by_name(sheet_name).iter_rows(), HEADER_SCAN_ROWS))
    except Exception as exc:  # noqa: BLE001 - as in read_rows
        detail = f"sheet '{sheet_name}': {type(exc).__name__}: {exc}"
        raise Refused(Message.of("file_unreadable", detail=detail)) from exc
    layout = find_header(head, sheet, sheet_name)
    return stated_report_date(head, layout.header_row, sheet_name)[0]


def read_tracker(tracker: TrackerFile, reference: Reference | None = None) -> ReadResult:
    """Read, validate and split one tracker version. Bad input never raises: it is refused,
    rejected or flagged."""
    reference = reference or load_reference()
    contract = CONTRACTS[tracker.fund]
    result = ReadResult(file=tracker, sha256=sha256_of(tracker.path))
    rejected: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    try:
        book, uncached = _open(tracker)
        outcomes = {}
        for sheet in contract.sheets:
            outcomes[sheet.table] = read_sheet(
                book, sheet, tracker, result.sha256, reference, uncached
            )
    except (UnsafeWorkbook, Refused) as exc:
        return _refused(result, exc.message)
    for table, outcome in outcomes.items():
        result.tables[table] = outcome.accepted
        rejected += outcome.rejected
        flags += outcome.flags
        notes += outcome.notes
        result.rows_read += outcome.rows_read
        for kind, count in outcome.skipped.items():
            result.rows_skipped[kind] = result.rows_skipped.get(kind, 0) + count
    result.rejected_rows = pd.DataFrame(rejected, columns=list(REJECTED_ROW_COLUMNS))
    result.rule_flags = pd.DataFrame(flags, columns=list(RULE_FLAG_COLUMNS))
    result.notes = pd.DataFrame(notes, columns=list(NOTE_COLUMNS))
    result.notes["source_row"] = result.notes["source_row"].astype("Int64")
    result.rejected_rows["source_row"] = result.rejected_rows["source_row"].astype("int64")
    result.rule_flags["source_row"] = result.rule_flags["source_row"].astype("int64")
    return result


def _refused(result: ReadResult, problem: Message) -> ReadResult:
    result.refused = f"{result.file.name}: {problem}"
    result.refused_message = problem
    result.tables = {}
    result.rejected_rows = pd.DataFrame(columns=list(REJECTED_ROW_COLUMNS))
    result.rule_flags = pd.DataFrame(columns=list(RULE_FLAG_COLUMNS))
    result.notes = pd.DataFrame(columns=list(NOTE_COLUMNS))
    return result
