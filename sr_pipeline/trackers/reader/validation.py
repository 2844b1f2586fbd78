"""Values, validation, rules: cells parsed once per distinct value, the pandera schema,
uniqueness, USD conversion, the rules and the flags."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from python_calamine import CalamineWorkbook

from sr_pipeline.language.messages import FIELD_NAMES, Message, Term, term
from sr_pipeline.language.text import clean, name_key
from sr_pipeline.model import (
    CANONICAL_COLUMNS,
    LINEAGE_COLUMNS,
    TrackerFile,
)
from sr_pipeline.reference import Reference
from sr_pipeline.trackers.contracts import SheetContract
from sr_pipeline.trackers.formulas import (
    Evaluator,
    FormulaWithoutResult,
    formula_cells,
    sheet_parts,
)
from sr_pipeline.trackers.reader.base import HEADER_SCAN_ROWS, Refused, column_letter
from sr_pipeline.trackers.reader.parsers import Parser, _parsers
from sr_pipeline.trackers.reader.structure import (
    Column,
    Layout,
    _blank,
    _sheet_name,
    check_title_date,
    collect_rows,
    find_header,
)
from sr_pipeline.trackers.rules import AMOUNT_FIELD, FLAG_RULES, REPORT_DATE, ROW_RULES
from sr_pipeline.trackers.safety import MAX_SHEET_CELLS
from sr_pipeline.trackers.schemas import build_schema
from sr_pipeline.trackers.suggestions import suggest
from sr_pipeline.trackers.values import (
    show,
)

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
    if kind == "date":  # None (a blank or unreadable date) is NaT
        return np.array(values, dtype="datetime64[ns]")
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
            table, col_offset = _with_formula_results(
                tracker, sheet_name, rows, col_offset, uncached
            )
            rows = iter(table)
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
        # The sheet has cells: its header row (read_rows found it before asking).
        last_row = calamine_sheet.end[0]
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
    """The rows with each merged range's value in every cell it covers (docs/trackers.md: a
    currency merged over two rows applies to both), recording each merge applied. Overlapping
    ranges fill in ``merges``' (sorted) order: a cell two cover holds the later one's value."""
    by_top: dict[int, list[tuple[tuple[int, int], ...]]] = defaultdict(list)
    for merge in merges:
        by_top[merge[0][0]].append(merge)
    fills: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
    for index, row in enumerate(rows, start=first_index):
        for (top, left), (bottom, right) in by_top.get(index, ()):
            position = left - col_offset
            # Left of the stored cells, its first cell holds nothing; _data_merges clipped it
            # to the table's width, which every row has, on the right.
            value = row[position] if position >= 0 else ""
            if _blank(value):
                continue
            # Every row it covers, its first one too: where merges overlap (Excel saves none,
            # a hand-edited file can), each fills all its cells, the later one in sorted order
            # last, its value in its own first cell whatever an earlier one covers.
            for covered in range(top, bottom + 1):
                fills[covered].append((position, right - col_offset, value))
            cells = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
            merged.append(Merge(cells, column_letter(left), top + 1, bottom + 1, value))
        yield _filled(row, fills.pop(index, ()))
    # No merge reaches past the last row: _data_merges clips each to the rows the sheet stores.


def _filled(row: list[Any], fills: Any) -> list[Any]:
    """The row with each (first, last, value) of ``fills`` written over its cells, in order.
    Every merge lies within the row: it starts at a stored cell (its value) and _data_merges
    clips it to the table's width, which every row has (the workbook parser's rows, or
    _with_formula_results' ones, are of one width)."""
    if not fills:
        return row
    row = list(row)
    for start, end, value in fills:
        for position in range(start, end + 1):
            row[position] = value
    return row


def _with_formula_results(
    tracker: TrackerFile,
    sheet_name: str,
    rows: Iterator[list[Any]],
    col_offset: int,
    uncached: frozenset[str],
) -> tuple[list[list[Any]], int]:
    """The sheet's rows with each formula saved without its result replaced by its computed
    value, or by a ``FormulaWithoutResult`` the parsers reject (a rare path: the whole sheet
    is held in memory), and the column of the rows' first cell.

    The workbook parser's rows cover the cells that hold a value, so a formula without one
    can lie outside them: left of every stored cell (the rows then start further left, at its
    column: the offset returned), right of them or below them (the rows are widened, every
    row to one width, and lengthened). Every such cell is placed (docs/rules.md)."""
    with zipfile.ZipFile(tracker.path) as archive:
        part = sheet_parts(archive).get(sheet_name)
        if part not in uncached:
            return list(rows), col_offset
        cells = formula_cells(archive.read(part))
    table = list(rows)
    if not cells:
        return table, col_offset

    def value_of(row: int, col: int) -> Any:
        position = col - col_offset
        if row < len(table) and 0 <= position < len(table[row]):
            return table[row][position]
        return None

    results = Evaluator(cells, value_of, sheet_name).all()
    first = min(col_offset, *(col for _, col in results))
    last = max(col_offset + max(map(len, table), default=0) - 1, *(col for _, col in results))
    rows_needed = max(len(table), *(row + 1 for row, _ in results))
    if rows_needed * (last - first + 1) > MAX_SHEET_CELLS:  # the bound safety.py sets
        # An untrusted file's formula at XFD1048576 would make every row 16,384 cells wide.
        row, col = max(results, key=lambda cell: (cell[0] + 1) * (cell[1] + 1))
        raise ValueError(
            f"a formula saved without its result in {column_letter(col)}{row + 1} lies too far "
            f"from the sheet's other cells: {rows_needed:,} rows of {last - first + 1:,} columns"
        )
    table += [[] for _ in range(rows_needed - len(table))]
    width = last - first + 1
    left = [""] * (col_offset - first)
    table = [left + row + [""] * (width - len(left) - len(row)) for row in table]
    for (row, col), value in results.items():
        table[row][col - first] = value
    return table, first


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
        if sheet.default_currency:  # docs/trackers.md: a blank currency cell means USD
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
    if not problems:
        return []
    rejected = []
    codes_in_use = _codes_written(frame, sheet)
    for position in sorted(problems):
        code = frame[sheet.key].iat[position] if sheet.key else None
        if code is None and sheet.key:
            raw = raws[sheet.key].raw(position)
            code = None if _blank(raw) else show(raw, 200)
        for field_name, problem in problems[position]:
            # Every problem is recorded under a field of the sheet (its rules' fields and its
            # conversion's are the contract's: tests/test_validation_messages.py checks it).
            field = sheet.field(field_name)
            header = rows.layout.header(sheet, field_name)
            raw = raws[field_name].raw(position)
            value = None if _blank(raw) else show(raw, 200)
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


def _codes_written(frame: pd.DataFrame, sheet: SheetContract) -> frozenset[str]:
    """Every project code written in the sheet, as read (an MPTF number typed as a number is
    ``00092458``, not ``92458``): a suggested code must not be one of them. A suggestion
    matches the contract's pattern, and any cell that reads as such a code is in the parsed
    codes as written (a text without spaces, or a whole number)."""
    if not sheet.key:
        return frozenset()
    return frozenset(str(c) for c in frame[sheet.key].dropna())


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
        # inplace: without a copy of the frame (the schema coerces nothing, adds no column)
        schema.validate(frame, lazy=True, inplace=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    seen = {(pos, name) for pos, items in problems.items() for name, _ in items}
    for case in cases.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            continue  # a case about a whole column (its dtype): no row to reject
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
    """A pandera failure case in a clerk's words: a required cell left blank, or a code not in
    its contract's form. The schema's other column checks never fail on the reader's frame:
    the parsers refuse a negative amount, a currency the sheet does not take and a value
    outside its vocabulary first (the cell is then empty in the frame, which those checks
    skip). A check added to the schema later is named as it is."""
    if check == "not_nullable":
        return Message.of("blank_required")
    if check.startswith("str_matches"):
        return Message.of("bad_pattern", value=show(value), example=sheet.field(name).example)
    return Message.of("check_failed", value=show(value), check=check)


def _unique(
    frame: pd.DataFrame,
    sheet: SheetContract,
    excel_rows: list[int],
    problems: Problems,
) -> None:
    if not sheet.key:
        return
    codes = frame[sheet.key]  # parsed codes: text, or None where blank or unreadable
    repeated = (codes.notna() & codes.duplicated(keep=False)).to_numpy()
    positions: dict[str, list[int]] = defaultdict(list)
    for position in np.flatnonzero(repeated):  # only the repeated ones, in the sheet's order
        positions[codes.iat[position]].append(int(position))
    for code, where in positions.items():
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
    """Amounts to USD at the rate of the month of the conversion date (docs/trackers.md)."""
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
        [rates.get((c, m)) for c, m in zip(keys["currency"], keys["month"], strict=True)],
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
    # Only a currency other than USD can lack a rate, and only a currency column can give one
    # (a sheet without it is in USD): the problem is the currency's.
    for position in np.flatnonzero(missing.to_numpy()):
        currency, month = keys["currency"].iat[position], int(keys["month"].iat[position])
        message = Message.of(
            "missing_rate", currency=currency, month=f"{month // 100:04d}-{month % 100:02d}",
            date_field=term(FIELD_NAMES, conversion.date),
        )  # fmt: skip
        problems[int(position)].append(("currency", message))
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
        column = columns[col]  # a column of the header row: every data row was read that wide
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
                    "header": layout.header(sheet, rule.field),
                }
            )
    return flags
