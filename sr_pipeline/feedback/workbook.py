"""The feedback workbook of one tracker version: a summary sheet of every problem, then the
unit's data sheets reproduced cell by cell with every problem cell filled and commented.
The problems themselves come from ``sr_pipeline.feedback.problems``.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import math
import os
import re
import uuid
from collections import defaultdict
from dataclasses import astuple
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.metadata import version
from itertools import chain, islice
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from sr_pipeline.feedback.problems import Problem, feedback_counts, problems_of
from sr_pipeline.language.feedback import FEEDBACK_SUFFIX, label
from sr_pipeline.language.text import fold
from sr_pipeline.language.wording import long_date, money
from sr_pipeline.reference import Reference, fund_facts, load_reference
from sr_pipeline.trackers.contracts import CONTRACTS, SheetContract
from sr_pipeline.trackers.reader import HEADER_SCAN_ROWS, Refused, find_header
from sr_pipeline.trackers.safety import UnsafeWorkbook, sha256_of
from sr_pipeline.trackers.values import show
from sr_pipeline.warehouse.raw import RecordedVersion

SUMMARY_HEADER_ROW = 8  # Excel row of the summary table's header (problems start below it)

FILL_REJECTED = "#FFC7CE"  # Excel's "Bad" red: the row was not loaded
FILL_FLAGGED = "#FFEB9C"  # Excel's "Neutral" amber: loaded, but breaks a business rule
FILL_SUGGESTION = "#C6EFCE"  # Excel's "Good" green
FILL_NOTED = "#DDEBF7"  # a light blue: read as written, to know

_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_TEXT = 32_767
_MAX_LINKS = 65_530  # Excel's limit of hyperlinks per sheet


def feedback_path(record: RecordedVersion, out_dir: Path) -> Path:
    """Where the feedback of this tracker version goes: ``<out_dir>/<fund>/<stem>_feedback.xlsx``.

    Deterministic from the file name, so a re-run replaces the same file; the suffix means it
    can never be the original, even if ``out_dir`` were the trackers folder."""
    return out_dir / record.file.fund / f"{record.file.path.stem}{FEEDBACK_SUFFIX}"


def write_feedback(
    record: RecordedVersion, out_dir: Path, reference: Reference | None = None
) -> Path:
    """Write the feedback workbook of one tracker version and return its path.

    The file is written next to its final name and moved into place, so a reader of
    ``out_dir`` never sees half a workbook. A workbook already there is kept as it is when
    what it was written from has not changed (``_Inputs``): a re-run, a backfill or a
    rebuilt warehouse does not write the same workbook again."""
    reference = reference or load_reference()
    language = fund_facts()[record.file.fund].language
    target = feedback_path(record, out_dir)
    if target.resolve() == record.file.path.resolve():  # cannot happen: the suffix differs
        raise ValueError(f"refusing to overwrite the original tracker {record.file.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    problems = [] if record.refused else problems_of(record, reference, language)
    inputs = _Inputs(target, _inputs_digest(record, problems, language))
    if inputs.unchanged(record, problems):
        return target
    inputs.forget()  # before the workbook changes: a stale record never vouches for it
    # A hidden name (discovery skips dot files) created with the usual permissions.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        complete = _write(record, problems, temporary, language)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if complete:  # a workbook saying the original could not be reproduced is written again
        inputs.remember()
    return target


class _Inputs:
    """What a feedback workbook was written from, kept in a hidden file beside it
    (``.<name>.inputs``: discovery and the digests skip dot files): the digest of its inputs
    (``_inputs_digest``), then the size and modification time of the workbook as written,
    so that a workbook replaced or edited since is written again."""

    def __init__(self, target: Path, digest: str) -> None:
        self.target = target
        self.digest = digest
        self.path = target.with_name(f".{target.name}.inputs")

    def _line(self) -> str:
        stat = self.target.stat()
        return f"{self.digest} {stat.st_size} {stat.st_mtime_ns}"

    def unchanged(self, record: RecordedVersion, problems: list[Problem]) -> bool:
        try:
            if self.path.read_text() != self._line():
                return False
            # Its data sheets were reproduced from the original: it must still be the file
            # that was read (else a workbook written now would say so).
            return not problems or sha256_of(record.file.path) == record.sha256
        except (OSError, UnsafeWorkbook):  # gone, or now a link: written again, saying so
            return False

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)

    def remember(self) -> None:
        temporary = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}.tmp")
        try:
            temporary.write_text(self._line())
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


# The code that shapes a workbook beyond its inputs: another version writes it again.
_WRITER_MODULES = (
    "sr_pipeline.feedback.workbook", "sr_pipeline.language.feedback",
    "sr_pipeline.language.wording", "sr_pipeline.trackers.contracts",
    "sr_pipeline.trackers.reader.structure", "sr_pipeline.trackers.reader.base",
    "sr_pipeline.trackers.values",
)  # fmt: skip


@cache
def _writer_digest() -> str:
    digest = hashlib.sha256(f"xlsxwriter {xlsxwriter.__version__}".encode())
    digest.update(f"python-calamine {version('python-calamine')}".encode())
    for name in _WRITER_MODULES:
        digest.update(Path(importlib.import_module(name).__file__ or "").read_bytes())
    return digest.hexdigest()


def _inputs_digest(record: RecordedVersion, problems: list[Problem], language: str) -> str:
    """Everything a feedback workbook is written from: the version (its sha256, name, date,
    counts and refusal), its problems as worded in ``language``, the writer's code."""
    digest = hashlib.sha256()
    refusal = record.refused_message.render(language) if record.refused_message else None
    facts = (
        _writer_digest(), language, record.sha256, record.file.fund, record.file.name,
        record.file.report_date.isoformat(), sorted(feedback_counts(record).items()),
        record.refused, refusal,
    )  # fmt: skip
    digest.update(repr(facts).encode())
    for problem in problems:
        digest.update(repr(astuple(problem)).encode())
    return digest.hexdigest()


class _Formats:
    """xlsxwriter formats, made once per combination (a workbook holds a limited number)."""

    NUMBER_FORMATS = {
        "date": "dd/mm/yyyy",
        "datetime": "dd/mm/yyyy hh:mm",
        "time": "hh:mm",
        "duration": "[h]:mm",
    }
    FILLS = {
        "rejected": FILL_REJECTED,
        "flagged": FILL_FLAGGED,
        "noted": FILL_NOTED,
        "suggestion": FILL_SUGGESTION,
    }

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self._made: dict[tuple[Any, ...], Any] = {}

    def get(
        self,
        kind: str = "plain",
        fill: str | None = None,
        bold: bool = False,
        wrap: bool = False,
        size: int | None = None,
    ) -> Any:
        key = (kind, fill, bold, wrap, size)
        if key not in self._made:
            spec: dict[str, Any] = {"valign": "top"}
            if kind in self.NUMBER_FORMATS:
                spec["num_format"] = self.NUMBER_FORMATS[kind]
            if kind == "link":
                spec.update(font_color="blue", underline=1)
            if fill:
                spec.update(pattern=1, bg_color=self.FILLS[fill])
            if bold:
                spec["bold"] = True
            if wrap:
                spec["text_wrap"] = True
            if size:
                spec["font_size"] = size
            self._made[key] = self.book.add_format(spec)
        return self._made[key]


def _write(record: RecordedVersion, problems: list[Problem], path: Path, language: str) -> bool:
    """Write the workbook; False if its data sheets could not be reproduced."""
    book = xlsxwriter.Workbook(
        str(path),
        {
            # Rows are streamed to disk: a 100,000-row tracker must not sit in memory.
            "constant_memory": True,
            # Never turn text into a formula, a number or a link (write_string is used anyway).
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {"title": label("title", language, file=record.file.name,
                        report_date=long_date(record.file.report_date, language)),
         "comments": label("note", language)}
    )  # fmt: skip
    formats = _Formats(book)
    summary = book.add_worksheet(label("summary_sheet", language))
    note = None
    if problems:
        note = _reproduce_sheets(book, formats, record, problems, language)
    _write_summary(summary, formats, record, problems, language, note)
    book.close()
    return note is None


_SUMMARY_COLUMNS = (
    # (label, width)
    ("col_sheet", 14), ("col_row", 7), ("col_code", 18), ("col_column", 9),
    ("col_header", 20), ("col_value", 24), ("col_problem", 60), ("col_accepted", 45),
    ("col_suggestion", 24), ("col_outcome", 26), ("col_link", 9),
)  # fmt: skip


def _write_summary(
    sheet: Any,
    formats: _Formats,
    record: RecordedVersion,
    problems: list[Problem],
    language: str,
    note: str | None,
) -> None:
    counts = feedback_counts(record)
    title = label(
        "title", language, file=record.file.name,
        report_date=long_date(record.file.report_date, language),
    )  # fmt: skip
    sheet.write_string(0, 0, title, formats.get(bold=True, size=13))
    sheet.write_string(
        1, 0,
        label("counts", language, read=money(counts["rows_read"], language),
              loaded=money(counts["rows_loaded"], language),
              rejected=money(counts["rows_rejected"], language),
              flagged=money(counts["rows_flagged"], language)),
    )  # fmt: skip
    if record.refused:
        sheet.write_string(2, 0, label("refused_heading", language), formats.get(bold=True))
    elif not problems:
        sheet.write_string(2, 0, label("no_problem", language), formats.get(bold=True))
    else:
        sheet.write_string(2, 0, label("note", language))
        sheet.write_string(3, 0, label("legend_rejected", language), formats.get(fill="rejected"))
        sheet.write_string(4, 0, label("legend_flagged", language), formats.get(fill="flagged"))
        if any(p.noted for p in problems):
            sheet.write_string(4, 6, label("legend_noted", language), formats.get(fill="noted"))
    if note:
        sheet.write_string(5, 0, note, formats.get(bold=True))
    # Where the unit's next file should start from (the template of its fund, its language).
    template = CONTRACTS[record.file.fund].template
    pointer = "template_pointer" if problems or record.refused else "template_pointer_clean"
    sheet.write_string(6, 0, label(pointer, language, file=template))

    header_row = SUMMARY_HEADER_ROW - 1
    header_format = formats.get(bold=True, wrap=True, fill=None)
    print_setup(sheet, header_row)
    sheet.set_row(header_row, _LINE_POINTS * 2)
    for col, (key, width) in enumerate(_SUMMARY_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(header_row, col, label(key, language), header_format)
    sheet.freeze_panes(header_row + 1, 0)

    wrap = formats.get(wrap=True)
    row = header_row
    if record.refused:
        row += 1
        message = (
            record.refused_message.render(language) if record.refused_message else record.refused
        )
        _write_text(sheet, row, 6, message or "", wrap)
        sheet.write_string(row, 9, label("refused", language), formats.get(fill="rejected"))
    room = _EXCEL_MAX_ROWS - header_row - 2  # one row kept for "... and N more"
    links = 0
    for problem in problems[:room]:
        row += 1
        outcome = problem.outcome
        cells = (
            problem.sheet, problem.row, problem.project_code, problem.column, problem.header,
            problem.value, problem.message, problem.accepted, problem.suggestion,
        )  # fmt: skip
        sheet.set_row(row, _row_height(cells))
        for col, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(row, col, value, wrap)
            elif value:
                fill = "suggestion" if col == 8 else None
                text = _excel_text(value)
                _write_text(sheet, row, col, text, formats.get(fill=fill, wrap=True))
        sheet.write_string(row, 9, label(outcome, language), formats.get(fill=outcome, wrap=True))
        if problem.cell:
            target = f"internal:{_quote_sheet(problem.sheet)}!{problem.cell}"
            if links < _MAX_LINKS:
                sheet.write_url(row, 10, target, formats.get("link"), string=problem.cell)
                links += 1
            else:
                sheet.write_string(row, 10, problem.cell)
    if len(problems) > room:
        row += 1
        more = len(problems) - room
        key = "truncated_one" if more == 1 else "truncated"
        sheet.write_string(row, 6, label(key, language, count=more))
    sheet.autofilter(header_row, 0, max(row, header_row), len(_SUMMARY_COLUMNS) - 1)


# Printing: a clerk prints the feedback and works from paper. Landscape A4, the columns fitted
# to the page width (as many pages down as needed), the table's header row repeated on each
# page, page numbers in the footer. Wrapped cells get a row height that holds their lines:
# LibreOffice and Excel do not grow a row for wrapped text written by a program, and long
# sentences were otherwise drawn over the rows below.
_LINE_POINTS = 15.0
_A4 = 9


def print_setup(sheet: Any, repeat_row: int | None) -> None:
    """Landscape A4, fitted to one page wide, ``repeat_row`` (0-based) on every page."""
    sheet.set_landscape()
    sheet.set_paper(_A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&L&A&R&P / &N")
    if repeat_row is not None:
        sheet.repeat_rows(repeat_row)


def _row_height(cells: tuple[Any, ...]) -> float:
    """Points for a summary row whose wrapped cells hold ``cells`` (in column order)."""
    lines = 1
    for (_, width), value in zip(_SUMMARY_COLUMNS, cells, strict=False):
        if isinstance(value, str) and value:
            # a column of width w holds about w average characters of the default font
            wrapped = sum(math.ceil(max(len(part), 1) / (width - 1)) for part in value.split("\n"))
            lines = max(lines, wrapped)
    return _LINE_POINTS * min(lines, 27)  # Excel's highest row is 409 points


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _excel_text(text: str) -> str:
    return text if len(text) <= _EXCEL_MAX_TEXT else text[: _EXCEL_MAX_TEXT - 1] + "…"


def _reproduce_sheets(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    record: RecordedVersion,
    problems: list[Problem],
    language: str,
) -> str | None:
    """Copy each data sheet with a problem into ``book``; a note for the heading if not.

    The original is read once into memory and must be the file the reader checked (same
    sha256): the bytes ``check_workbook`` vetted, and the cells the problems point at. It is
    parsed by the reader's own xlsx parser (python-calamine), so every value and position is
    exactly what the reader saw; it is also several times faster than openpyxl's read-only
    mode on a 100,000-row sheet."""
    try:
        data = record.file.path.read_bytes()
    except OSError:  # moved or deleted since it was read
        return label("changed", language)
    if hashlib.sha256(data).hexdigest() != record.sha256:
        return label("changed", language)
    try:
        source = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - the reader could read it; say so, go on
        return label("not_reproduced", language, detail=f"{type(exc).__name__}: {exc}")
    del data  # calamine holds its own copy: one copy fewer while it parses the sheet
    names = {fold(name): name for name in source.sheet_names}
    for sheet in CONTRACTS[record.file.fund].sheets:
        mine = [p for p in problems if fold(p.sheet) == fold(sheet.sheet)]
        if mine and fold(sheet.sheet) in names:
            name = names[fold(sheet.sheet)]
            target = book.add_worksheet(name)
            _reproduce(source.get_sheet_by_name(name), name, target, formats, mine, sheet, language)
    return None


def _reproduce(
    source: Any,
    name: str,
    target: Any,
    formats: _Formats,
    problems: list[Problem],
    sheet: SheetContract,
    language: str,
) -> None:
    """Stream one sheet row by row (xlsxwriter's constant-memory mode writes rows in order,
    so each row's comments are written before the next row)."""
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.row is not None:
            by_row[problem.row].append(problem)
    # As in the reader: calamine's rows start at row 1, its columns at the first used one.
    offset = source.start[1] if source.height else 0
    rows = source.iter_rows()
    head = list(islice(rows, HEADER_SCAN_ROWS))
    try:
        header_row: int | None = find_header(head, sheet, name, offset).header_row + 1
    except Refused:
        header_row = None
    writer = _SheetWriter(target, formats, offset, language)
    last = 0
    for excel_row, values in enumerate(chain(head, rows), start=1):
        last = excel_row
        marked = by_row.pop(excel_row, None)
        if marked or excel_row == header_row:
            writer.marked_row(excel_row, values, marked or [], bold=excel_row == header_row)
        else:
            writer.plain_row(excel_row, values)
    for excel_row in sorted(by_row):  # problems below the last row read: blank cells
        if excel_row > last:
            writer.marked_row(excel_row, [], by_row[excel_row], bold=False)
    for col, width in writer.widths.items():
        target.set_column(col, col, width)
    if header_row is not None:
        target.freeze_panes(header_row, 0)
    print_setup(target, header_row - 1 if header_row is not None else None)


class _SheetWriter:
    """Writes a data sheet's cells at their original positions, typed as read.

    Text is always written as a string cell, never a formula. Most rows have no problem:
    ``plain_row`` is the fast path (a 100,000-row sheet is 1.6 million cells)."""

    WIDTH_SAMPLE_ROWS = 2_000  # column widths from the first rows (and every marked row)

    def __init__(self, target: Any, formats: _Formats, offset: int, language: str) -> None:
        self.target = target
        self.formats = formats
        self.offset = offset
        self.language = language
        self.widths: dict[int, int] = {}
        self.rows = _PlainRows.of(target, formats, offset)

    def plain_row(self, excel_row: int, values: list[Any]) -> None:
        if self.rows is None or not self.rows.write(excel_row - 1, values):
            self._plain_row_by_cell(excel_row - 1, values)
        if excel_row <= self.WIDTH_SAMPLE_ROWS:
            self._measure(values)

    def _plain_row_by_cell(self, r: int, values: list[Any]) -> None:
        offset = self.offset
        target, write_number = self.target, self.target.write_number
        for position, value in enumerate(values):
            if value == "" or value is None:
                continue
            kind = type(value)
            if kind is str:
                _write_text(target, r, position + offset, _excel_text(value))
            elif kind is float and math.isfinite(value):
                write_number(r, position + offset, value)
            else:
                _write_value(self.target, self.formats, r, position + offset, value, None, False)

    def marked_row(
        self, excel_row: int, values: list[Any], problems: list[Problem], bold: bool
    ) -> None:
        offset = self.offset
        filled = [p + offset for p, v in enumerate(values) if not _empty(v)]
        first = filled[0] if filled else offset
        cells: dict[int, list[Problem]] = defaultdict(list)
        for problem in problems:
            col = column_index_from_string(problem.column) - 1 if problem.column else first
            problem.cell = f"{get_column_letter(col + 1)}{excel_row}"
            cells[col].append(problem)
        r = excel_row - 1
        for col in sorted(set(filled) | set(cells)):
            position = col - offset
            value = values[position] if 0 <= position < len(values) else None
            here = cells.get(col, [])
            fill = None
            if here:
                outcomes = {p.outcome for p in here}
                fill = next(o for o in ("rejected", "flagged", "noted") if o in outcomes)
                for problem in here:  # a flag's value is the cell's (dq.rule_flags has none)
                    if problem.outcome == "flagged" and problem.column and problem.value is None:
                        problem.value = None if _empty(value) else show(value, 200)
            _write_value(self.target, self.formats, r, col, value, fill, bold)
        for col, here in cells.items():
            text = _excel_text("\n\n".join(_comment(p, self.language) for p in here))
            lines = sum(len(line) // 60 + 1 for line in text.split("\n"))
            options = {
                "author": label("comment_author", self.language),
                "x_scale": 3,
                "y_scale": max(1.0, lines / 5),
            }
            self.target.write_comment(r, col, text, options)
        self._measure(values)

    def _measure(self, values: list[Any]) -> None:
        widths, offset = self.widths, self.offset
        for position, value in enumerate(values):
            if value == "" or value is None:
                continue
            width = min(len(show(value, 60)) + 2, 45)
            if width > widths.get(position + offset, 8):
                widths[position + offset] = width


class _PlainRows:
    """Rows without a problem, each written as the XML xlsxwriter itself writes for it.

    xlsxwriter's per-cell calls cost several microseconds a cell, and a 100,000-row tracker
    is 1.6 million cells: most of the feedback step. In constant-memory mode xlsxwriter
    writes each finished row to a row file and keeps only the current row; ``write`` appends
    a plain row to that file in one piece, with the bytes xlsxwriter would write for the
    same calls (``<row r="6">``, then per cell ``<c r="A6" t="inlineStr"><is><t>text</t>
    </is></c>``, ``<c r="B6"><v>5000</v></c>`` or ``<c r="C6" s="2"><v>43281</v></c>``),
    and keeps xlsxwriter's bookkeeping as its calls would: the pending row written out
    first, the sheet's dimensions, each format's index assigned at its first use. A row
    holding anything else (a boolean, a text over 16,383 characters, a text xlsxwriter
    would read as rich text, a cell beyond the sheet's bounds) goes through xlsxwriter's
    calls. xlsxwriter is pinned, and tests/feedback compare the worksheets written with and
    without this path byte for byte, so an upgrade that writes other XML fails there."""

    # What xlsxwriter's inline strings change or mark: control characters and text looking
    # like their _xHHHH_ escapes, U+FFFE/U+FFFF, XML's & < > (and "<r>" rich text), a
    # leading or trailing space (xml:space="preserve"). Other text is written as it is.
    _CARE = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
    _FAST_TEXT = 16_383  # xlsxwriter measures longer text in UTF-16 units (and may cut it)

    def __init__(self, target: Any, formats: _Formats, offset: int) -> None:
        self.target = target
        self.formats = formats
        self.offset = offset
        self.names: dict[int, str] = {}
        self.numbers: dict[tuple[type, Any], str] = {}  # dates as Excel serial numbers
        self.styles: dict[str, str] = {}

    @classmethod
    def of(cls, target: Any, formats: _Formats, offset: int) -> _PlainRows | None:
        """The fast path for ``target``, or None where xlsxwriter would write rows otherwise
        (not in constant memory, another default row height or Excel version)."""
        usable = (
            getattr(target, "constant_memory", False)
            and target.fh is target.row_data_fh
            and target.default_row_height == target.original_row_height
            and target.excel_version == 2007
        )
        return cls(target, formats, offset) if usable else None

    def write(self, r: int, values: list[Any]) -> bool:
        """Write row ``r`` (0-based); False if it must go through xlsxwriter's calls.

        Decided cell by cell in column order; a row given back to xlsxwriter has changed
        nothing it would not have changed itself by then (the pending row written out and
        the formats of the cells before, in the same order)."""
        target = self.target
        if r in target.row_info or r in target.comments:
            return False
        started = False
        suffix = str(r + 1)
        parts = [f'<row r="{suffix}">']
        first = last = -1
        names, care, fast_text, isfinite = (
            self.names,
            self._CARE.search,
            self._FAST_TEXT,
            math.isfinite,
        )
        for position, value in enumerate(values):
            if value == "" or value is None:
                continue
            col = position + self.offset
            kind = type(value)
            if col >= target.xls_colmax or r >= target.xls_rowmax or kind is bool:
                return False
            if not started:  # xlsxwriter's first call on a row writes out the pending one
                if r > target.previous_row:
                    target._write_single_row(r)
                elif r < target.previous_row or target.table:
                    return False
                started = True
            name = names.get(col) or self._name(col)
            # The two cells of most rows, inline; the others as _cell says.
            if kind is str and len(value) <= fast_text and not care(value):
                parts.append(f'<c r="{name}{suffix}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind is float and isfinite(value):
                parts.append(f'<c r="{name}{suffix}"><v>{value:.16G}</v></c>')
            else:
                cell = self._cell(name + suffix, value)
                if cell is None:
                    return False
                parts.append(cell)
            if first < 0:
                first = col
            last = col
        if started:
            parts.append("</row>")
            target._check_dimensions(r, first)
            target._check_dimensions(r, last)
            target.fh.write("".join(parts))
        return True

    def _name(self, col: int) -> str:
        name = self.names.get(col)
        if name is None:
            name = self.names[col] = xl_col_to_name(col)
        return name

    def _style(self, kind: str = "plain") -> str:
        """`` s="N"``: the index of the format ``_write_value`` gives a cell of ``kind``."""
        style = self.styles.get(kind)
        if style is None:
            index = self.formats.get(kind)._get_xf_index()
            style = self.styles[kind] = f' s="{index}"'
        return style

    def _cell(self, ref: str, value: Any) -> str | None:
        """As ``plain_row`` then ``_write_value`` write ``value`` (fill None, not bold)."""
        kind = type(value)
        if kind is str:
            return self._text(ref, _excel_text(value), "")
        if kind is float or kind is int:
            if math.isfinite(value):
                style = "" if kind is float else self._style()
                return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'
            return self._text(ref, str(value), self._style())
        if isinstance(value, datetime):
            style = self._style("datetime" if value.time() != time() else "date")
        elif isinstance(value, date):
            style = self._style("date")
        elif isinstance(value, time):
            style = self._style("time")
        elif isinstance(value, timedelta):
            return f'<c r="{ref}"{self._style("duration")}><v>' + (
                f"{value.total_seconds() / 86_400:.16G}</v></c>"
            )
        elif isinstance(value, int | float):  # a subclass: as _write_value, exactly
            return None
        else:
            return self._text(ref, _excel_text(str(value)), self._style())
        key = (kind, value)
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = f"{self.target._convert_date_time(value):.16G}"
        return f'<c r="{ref}"{style}><v>{number}</v></c>'

    def _text(self, ref: str, text: str, style: str) -> str | None:
        if len(text) > self._FAST_TEXT:
            return None
        space = ""
        if self._CARE.search(text):
            text = XMLwriter._escape_control_characters(text)
            if text.startswith("<r>") and text.endswith("</r>"):
                return None
            if _preserve_whitespace(text):
                space = ' xml:space="preserve"'
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _comment(problem: Problem, language: str) -> str:
    outcome = label(problem.outcome, language)
    lines = [outcome[:1].upper() + outcome[1:]]
    message = problem.message
    if problem.column is None:  # commented away from its column: say which one
        message = label("comment_header", language, header=problem.header, message=message)
    lines.append(message)
    if problem.suggestion:
        lines.append(label("comment_suggestion", language, s=problem.suggestion))
    return "\n".join(lines)


def _write_text(
    sheet: Any, r: int, c: int, text: str, cell_format: xlsxwriter.format.Format | None = None
) -> None:
    """A text cell, always as text.

    In constant-memory mode xlsxwriter writes a text that starts with ``<r>`` and ends with
    ``</r>`` into the sheet as it is, as rich-text XML: a tracker's cell could carry any
    XML, a formula included, into the feedback. Such a text is written as a rich string of
    three unformatted runs instead, which Excel shows as the same text."""
    if text.startswith("<r>") and text.endswith("</r>"):
        runs: list[Any] = [text[:1], text[1:2], text[2:]]
        if cell_format is not None:
            runs.append(cell_format)
        sheet.write_rich_string(r, c, *runs)
    else:
        sheet.write_string(r, c, text, cell_format)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _write_value(
    target: Any, formats: _Formats, r: int, c: int, value: Any, fill: str | None, bold: bool
) -> None:
    """One cell as read, typed as read; text always as a string cell (never a formula)."""
    if _empty(value):
        if fill or bold:
            target.write_blank(r, c, None, formats.get(fill=fill, bold=bold))
        return
    if isinstance(value, bool):
        target.write_boolean(r, c, value, formats.get(fill=fill, bold=bold))
    elif isinstance(value, int | float):
        if math.isfinite(value):
            target.write_number(r, c, value, formats.get(fill=fill, bold=bold))
        else:
            target.write_string(r, c, str(value), formats.get(fill=fill, bold=bold))
    elif isinstance(value, datetime):
        kind = "datetime" if value.time() != time() else "date"
        target.write_datetime(r, c, value, formats.get(kind, fill, bold))
    elif isinstance(value, date):
        target.write_datetime(r, c, value, formats.get("date", fill, bold))
    elif isinstance(value, time):
        target.write_datetime(r, c, value, formats.get("time", fill, bold))
    elif isinstance(value, timedelta):
        target.write_number(r, c, value.total_seconds() / 86_400, formats.get("duration", fill))
    else:
        _write_text(target, r, c, _excel_text(str(value)), formats.get(fill=fill, bold=bold))
