"""One generic tracker reader: a workbook into canonical rows, rejections and flags.

Everything fund-specific comes from the contract (``sr_pipeline.contracts``) and the reference
data. The steps, for each data sheet: find the header row (first row holding every required
header), check the report date in the title rows against the file name, collect data rows
(skipping blank rows and region group headers, stopping at TOTAL), parse every cell by its
field's kind (once per distinct value), validate with the pandera schema (lazily), enforce
uniqueness, convert to USD, then flag business-rule breaches on the accepted rows.

Nothing read is lost: every data row ends up accepted or with one line per problem in the
rejections; a file that cannot be read at all is refused with one line saying why.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pandera.pandas as pa
from python_calamine import CalamineWorkbook

from sr_pipeline.contracts import CONTRACTS, SheetContract
from sr_pipeline.model import (
    CANONICAL_COLUMNS,
    LINEAGE_COLUMNS,
    REJECTED_ROW_COLUMNS,
    RULE_FLAG_COLUMNS,
    ReadResult,
    TrackerFile,
)
from sr_pipeline.reference import Reference, Vocabulary, load_reference
from sr_pipeline.rules import AMOUNT_FIELD, FLAG_RULES, ROW_RULES
from sr_pipeline.safety import UnsafeWorkbook, check_workbook, sha256_of
from sr_pipeline.schemas import build_schema
from sr_pipeline.text import clean, fold
from sr_pipeline.values import (
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
TOTAL_MARKERS = frozenset({"total", "total general", "grand total"})
_LIST_SEPARATORS = (",", ";", "/", " et ")


class Refused(Exception):
    """The whole file is refused; the message is one line for the fund unit."""


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- cell parsers by field kind -------------------------------------------------------------

Parser = Callable[[Any], tuple[Any, str | None]]


def _vocabulary_parser(vocab: Vocabulary, what: str) -> Parser:
    accepted = ", ".join(vocab.values)

    def parse(raw: Any) -> tuple[Any, str | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        value = vocab.get(text)
        if value is None:
            return None, f"'{show(raw)}' is not a known {what}; use one of: {accepted}"
        return value, None

    return parse


def _list_parser(item: Parser | None, what: str) -> Parser:
    def parse(raw: Any) -> tuple[Any, str | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        parts = [text]
        for sep in _LIST_SEPARATORS:
            parts = [p for part in parts for p in _split(part, sep)]
        parts = [clean(p) for p in parts if clean(p)]
        if item is None:
            return "; ".join(parts), None
        values = []
        for part in parts:
            value, problem = item(part)
            if problem:
                return None, f"'{part}' (in '{show(raw)}') is not a known {what}: {problem}"
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
    def parse(raw: Any) -> tuple[Any, str | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        code = fold(text).upper()
        if code not in sheet.currencies:
            return None, f"'{show(raw)}' is not an accepted currency; use one of: " + ", ".join(
                sheet.currencies
            )
        return code, None

    return parse


def _parsers(sheet: SheetContract, reference: Reference) -> dict[str, Parser]:
    vocabularies = {
        "region": (reference.regions, "region (gazetteer)"),
        "status": (reference.statuses, "status"),
        "sector": (reference.qip_sectors, "QIP sector"),
        "objective": (reference.tf_objectives, "Trust Fund objective (1-5 or its name)"),
        "window": (reference.pbf_windows, "PBF window"),
    }
    simple: dict[str, Parser] = {
        "text": parse_text,
        "code": parse_code,
        "mptf": parse_mptf,
        "amount": parse_amount,
        "date": parse_date,
        "whole": parse_whole,
        "currency": _currency_parser(sheet),
    }
    for kind, (vocab, what) in vocabularies.items():
        simple[kind] = _vocabulary_parser(vocab, what)
    parsers = {}
    for f in sheet.fields:
        if f.kind.startswith("list:"):
            inner = f.kind.split(":", 1)[1]
            parsers[f.name] = _list_parser(
                None if inner == "text" else simple[inner], vocabularies.get(inner, ("", inner))[1]
            )
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


def find_header(rows: list[list[Any]], sheet: SheetContract, sheet_name: str) -> Layout:
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
            return _layout(rows, index, matches, sheet, sheet_name)
        if found > best[0]:
            texts = [clean(c) for c in row if isinstance(c, str) and c.strip()]
            best = (found, index, texts)
    found, index, texts = best
    if found <= 0:
        raise Refused(
            f"sheet '{sheet_name}': no header row found (none of the required columns "
            f"{', '.join(repr(sheet.field(n).headers[0]) for n in required)} appears in the "
            f"first {HEADER_SCAN_ROWS} rows)"
        )
    row = rows[index]
    present = {aliases.get(fold(c)) for c in row if isinstance(c, str)}
    missing = [n for n in required if n not in present]
    names = "; ".join(
        f"'{sheet.field(n).headers[0]}' (also accepted: "
        f"{', '.join(repr(h) for h in sheet.field(n).headers[1:]) or 'no other name'})"
        for n in missing
    )
    raise Refused(
        f"sheet '{sheet_name}': required column missing: {names}. "
        f"Headers found in row {index + 1}: {', '.join(repr(t) for t in texts)}"
    )


def _layout(
    rows: list[list[Any]],
    index: int,
    matches: dict[str, list[int]],
    sheet: SheetContract,
    sheet_name: str,
) -> Layout:
    row = rows[index]
    for name, cols in matches.items():
        if len(cols) > 1:
            found = ", ".join(f"'{clean(row[c])}' (column {column_letter(c)})" for c in cols)
            raise Refused(
                f"sheet '{sheet_name}', row {index + 1}: several columns could be "
                f"'{sheet.field(name).headers[0]}': {found}; keep only one"
            )
    columns = {name: cols[0] for name, cols in matches.items()}
    mapped = set(columns.values())
    width = max((len(r) for r in rows), default=0)
    extras = {}
    for col in range(width):
        if col in mapped:
            continue
        cell = row[col] if col < len(row) else ""
        extras[col] = clean(str(cell)) if not _blank(cell) else f"column {column_letter(col)}"
    headers = {name: clean(row[col]) for name, col in columns.items()}
    return Layout(index, columns, headers, extras)


def check_title_date(
    rows: list[list[Any]], header_row: int, tracker: TrackerFile, sheet_name: str
) -> None:
    for row in rows[:header_row]:
        for cell in row:
            stated = None
            if isinstance(cell, str) and cell.strip():
                stated = title_date(cell)
            if stated is None:
                continue
            if stated != tracker.report_date:
                raise Refused(
                    f"sheet '{sheet_name}': the title says '{clean(cell)}' "
                    f"({stated:%d/%m/%Y}) but the file name says "
                    f"{tracker.report_date:%d/%m/%Y}; correct one of them"
                )
            return
    raise Refused(
        f"sheet '{sheet_name}': no report date found in the title rows above the header "
        "(expected e.g. 'Situation au 30/06/2018' or 'as of 30 June 2018')"
    )


def data_rows(
    rows: list[list[Any]], layout: Layout, reference: Reference
) -> tuple[list[int], dict[str, int]]:
    """Indices of data rows below the header; also counts of the structural rows skipped."""
    kept: list[int] = []
    skipped = {"blank": 0, "group_header": 0, "total": 0}
    for index in range(layout.header_row + 1, len(rows)):
        cells = [c for c in rows[index] if not _blank(c)]
        if not cells:
            skipped["blank"] += 1
            continue
        first = cells[0]
        if isinstance(first, str) and fold(first).rstrip(" :") in TOTAL_MARKERS:
            skipped["total"] += 1
            break
        if len(cells) == 1 and isinstance(first, str) and reference.regions.get(first):
            skipped["group_header"] += 1
            continue
        kept.append(index)
    return kept, skipped


# --- values, validation, rules ----------------------------------------------------------------


@dataclass
class SheetOutcome:
    accepted: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def _parse_column(values: tuple[Any, ...], parser: Parser) -> tuple[list[Any], dict[int, str]]:
    cache: dict[tuple[type, Any], tuple[Any, str | None]] = {}
    out: list[Any] = []
    problems: dict[int, str] = {}
    for position, raw in enumerate(values):
        if _blank(raw):
            out.append(None)
            continue
        key = (raw.__class__, raw)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = parser(raw)
        value, problem = hit
        if problem:
            problems[position] = problem
        out.append(value if value != "" else None)
    return out, problems


def read_sheet(
    rows: list[list[Any]],
    sheet: SheetContract,
    sheet_name: str,
    tracker: TrackerFile,
    sha256: str,
    reference: Reference,
) -> SheetOutcome:
    layout = find_header(rows, sheet, sheet_name)
    if sheet.has_title_date:
        check_title_date(rows, layout.header_row, tracker, sheet_name)
    indices, skipped = data_rows(rows, layout, reference)
    excel_rows = [i + 1 for i in indices]
    n = len(indices)
    width = max((len(rows[i]) for i in indices), default=0)
    body = [rows[i] + [""] * (width - len(rows[i])) for i in indices]
    columns = list(zip(*body, strict=True)) if body else []

    def raw_column(col: int | None) -> tuple[Any, ...]:
        return columns[col] if col is not None and col < len(columns) else ("",) * n

    parsers = _parsers(sheet, reference)
    problems: dict[int, list[tuple[str, str]]] = defaultdict(list)  # row -> [(field, problem)]
    typed: dict[str, list[Any]] = {}
    raws: dict[str, tuple[Any, ...]] = {}
    written_currency: list[str | None] = [None] * n
    amount_field = sheet.conversion.amount if sheet.conversion else None
    for f in sheet.fields:
        raws[f.name] = raw_column(layout.columns.get(f.name))
        values, errors = _parse_column(raws[f.name], parsers[f.name])
        if f.kind == "amount":
            amounts = []
            for position, parsed in enumerate(values):
                if parsed is None:
                    amounts.append(None)
                    continue
                number, currency = parsed
                amounts.append(number)
                if f.name == amount_field:
                    written_currency[position] = currency
                elif currency not in (None, "USD"):
                    errors[position] = f"'{show(raws[f.name][position])}' must be in USD"
            values = amounts
        typed[f.name] = values
        for position, problem in errors.items():
            problems[position].append((f.name, problem))

    frame = _typed_frame(sheet, typed, n)
    if "currency" in frame:
        if sheet.default_currency:  # TRACKERS.md: a blank currency cell means USD
            frame["currency"] = frame["currency"].fillna(sheet.default_currency)
        frame["_currency"] = frame["currency"]
    else:  # sheets without a currency column are in USD
        frame["_currency"] = "USD"
    frame["_written_currency"] = pd.Series(written_currency, dtype=object)

    _validate(frame, sheet, reference, problems)
    _unique(frame, sheet, excel_rows, problems)
    _convert(frame, sheet, reference, problems)

    rejected = []
    for position in sorted(problems):
        code = typed[sheet.key][position] if sheet.key else None
        code = code if code is not None else _raw_code(raws, sheet, position)
        for field_name, problem in problems[position]:
            header = layout.headers.get(field_name, field_name)
            raw = raws[field_name][position] if field_name in raws else ""
            rejected.append(
                {
                    "fund": tracker.fund,
                    "source_file": tracker.name,
                    "sheet": sheet_name,
                    "source_row": excel_rows[position],
                    "project_code": code,
                    "field": field_name,
                    "value": None if _blank(raw) else show(raw, 200),
                    "problem": f"{header}: {problem}",
                }
            )
    good = [p for p in range(n) if p not in problems]
    accepted = frame.iloc[good].reset_index(drop=True)
    extras = _extras(body, layout, good)
    flags = _flags(accepted, sheet, tracker, sheet_name, [excel_rows[p] for p in good], layout)
    accepted = accepted.assign(
        fund=tracker.fund,
        source_file=tracker.name,
        sha256=sha256,
        sheet=sheet_name,
        source_row=pd.Series([excel_rows[p] for p in good], dtype="int64"),
        extras=pd.Series(extras, dtype=object),
    )
    ordered = list(CANONICAL_COLUMNS[(tracker.fund, sheet.table)]) + list(LINEAGE_COLUMNS)
    return SheetOutcome(accepted[ordered], rejected, flags, n, skipped)


def _typed_frame(sheet: SheetContract, typed: dict[str, list[Any]], n: int) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for f in sheet.fields:
        values = typed[f.name]
        if f.kind == "date":
            data[f.name] = pd.to_datetime(pd.Series(values, dtype=object))
        elif f.kind == "amount":
            data[f.name] = pd.Series(values, dtype="float64")
        elif f.kind == "whole":
            data[f.name] = pd.Series(values, dtype="Int64")
        else:
            data[f.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def _validate(
    frame: pd.DataFrame,
    sheet: SheetContract,
    reference: Reference,
    problems: dict[int, list[tuple[str, str]]],
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


def _column_message(sheet: SheetContract, name: str, check: str, value: Any) -> str:
    f = sheet.field(name)
    if check == "not_nullable":
        hint = f" ({f.rule_text})" if f.rule_text else ""
        return f"this cell is blank but the column is required{hint}"
    if check.startswith("str_matches"):
        return f"'{value}' is not {f.rule_text or 'in the expected form'}"
    if check.startswith("greater_than_or_equal_to"):
        return f"{value} is negative; amounts must be 0 or more"
    if check.startswith("isin"):
        return f"'{value}' is not an accepted value"
    return f"'{value}' fails the check {check}"


def _unique(
    frame: pd.DataFrame,
    sheet: SheetContract,
    excel_rows: list[int],
    problems: dict[int, list[tuple[str, str]]],
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
            problems[position].append(
                (
                    sheet.key,
                    f"the code {code} is also used in row(s) {others}; a code must be unique "
                    "in the file, and the pipeline cannot know which row is right",
                )
            )


def _convert(
    frame: pd.DataFrame,
    sheet: SheetContract,
    reference: Reference,
    problems: dict[int, list[tuple[str, str]]],
) -> None:
    conversion = sheet.conversion
    if conversion is None:
        return
    months = frame[conversion.date].dt.strftime("%Y-%m")
    usd: list[float | None] = []
    override = frame[conversion.override] if conversion.override else None
    for position, (amount, currency, month) in enumerate(
        zip(frame[conversion.amount], frame["_currency"], months, strict=True)
    ):
        if override is not None and pd.notna(override.iloc[position]):
            usd.append(float(override.iloc[position]))
            continue
        if pd.isna(amount) or currency is None or not isinstance(month, str):
            usd.append(None)
            continue
        rate = reference.rate(currency, month)
        if rate is None:
            name = "currency" if any(f.name == "currency" for f in sheet.fields) else "budget"
            problems[position].append(
                (
                    name,
                    f"no UN exchange rate is on file for {currency} in {month} (the month of "
                    f"the {conversion.date.replace('_', ' ')}); the data team must add it to "
                    "sources/reference/fx_rates.csv",
                )
            )
            usd.append(None)
            continue
        usd.append(float(amount) / rate)
    frame[conversion.output] = pd.Series(usd, dtype="float64")


def _raw_code(raws: dict[str, tuple[Any, ...]], sheet: SheetContract, position: int) -> str | None:
    if not sheet.key:
        return None
    raw = raws[sheet.key][position]
    return None if _blank(raw) else show(raw, 200)


def _extras(body: list[list[Any]], layout: Layout, good: list[int]) -> list[str | None]:
    if not layout.extras:
        return [None] * len(good)
    out: list[str | None] = []
    for position in good:
        row = body[position]
        kept = {
            name: (show(row[col], 10_000) if not isinstance(row[col], str) else clean(row[col]))
            for col, name in layout.extras.items()
            if col < len(row) and not _blank(row[col])
        }
        out.append(json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None)
    return out


def _flags(
    accepted: pd.DataFrame,
    sheet: SheetContract,
    tracker: TrackerFile,
    sheet_name: str,
    excel_rows: list[int],
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
                    "source_row": excel_rows[position],
                    "project_code": row.get(sheet.key) if sheet.key else None,
                    "rule": name,
                    "detail": rule.message(row),
                }
            )
    return flags


# --- the file ---------------------------------------------------------------------------------


def _sheet_rows(book: CalamineWorkbook, sheet: SheetContract) -> tuple[str, list[list[Any]]]:
    names = {fold(name): name for name in book.sheet_names}
    actual = names.get(fold(sheet.sheet))
    if actual is None:
        raise Refused(
            f"the data sheet '{sheet.sheet}' is missing; sheets found: "
            + ", ".join(f"'{n}'" for n in book.sheet_names)
        )
    try:
        return actual, book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - the xlsx parser's own errors: the file is bad
        raise Refused(f"sheet '{actual}' could not be read ({type(exc).__name__}: {exc})") from exc


def _open(tracker: TrackerFile) -> CalamineWorkbook:
    check_workbook(tracker.path)
    try:
        return CalamineWorkbook.from_path(str(tracker.path))
    except Exception as exc:  # noqa: BLE001 - the xlsx parser's own errors: the file is bad
        raise Refused(f"the workbook could not be opened ({type(exc).__name__}: {exc})") from exc


def read_tracker(tracker: TrackerFile, reference: Reference | None = None) -> ReadResult:
    """Read, validate and split one tracker version. Bad input never raises: it is refused,
    rejected or flagged."""
    reference = reference or load_reference()
    contract = CONTRACTS[tracker.fund]
    result = ReadResult(file=tracker, sha256=sha256_of(tracker.path))
    rejected: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    try:
        book = _open(tracker)
        outcomes = {}
        for sheet in contract.sheets:
            name, rows = _sheet_rows(book, sheet)
            outcomes[sheet.table] = read_sheet(rows, sheet, name, tracker, result.sha256, reference)
    except (UnsafeWorkbook, Refused) as exc:
        return _refused(result, str(exc))
    for table, outcome in outcomes.items():
        result.tables[table] = outcome.accepted
        rejected += outcome.rejected
        flags += outcome.flags
        result.rows_read += outcome.rows_read
    result.rejected_rows = pd.DataFrame(rejected, columns=list(REJECTED_ROW_COLUMNS))
    result.rule_flags = pd.DataFrame(flags, columns=list(RULE_FLAG_COLUMNS))
    result.rejected_rows["source_row"] = result.rejected_rows["source_row"].astype("int64")
    result.rule_flags["source_row"] = result.rule_flags["source_row"].astype("int64")
    return result


def _refused(result: ReadResult, problem: str) -> ReadResult:
    result.refused = f"{result.file.name}: {problem}"
    result.tables = {}
    result.rejected_rows = pd.DataFrame(columns=list(REJECTED_ROW_COLUMNS))
    result.rule_flags = pd.DataFrame(columns=list(RULE_FLAG_COLUMNS))
    return result
