"""What each fund's template holds, derived from the contracts and the reference data.

One source: the sheet names, headers (each field's first name in the contract), required
flags, field kinds, code patterns and examples, currencies and file-name pattern come from
``sr_pipeline.trackers.contracts.CONTRACTS``; the drop-down lists from ``load_reference()``, each
canonical value written as the unit's clerks write it (``display_label``). A template's
spec is plain data (frozen dataclasses of text and numbers): ``workbook.py`` lays it out,
and its ``repr`` is what the rebuild digest hashes, so any change of input shows up there.

The unit's working language comes from the funds' reference data (``funds.csv``), a clerk's
spelling of each canonical value from the reference labels (``Reference.label``).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from sr_pipeline.language.feedback import FEEDBACK_SUFFIX, label
from sr_pipeline.language.wording import MONTH_NAMES
from sr_pipeline.reference import Reference, fund_facts, load_reference
from sr_pipeline.templates.shape import shape_formula
from sr_pipeline.templates.text import fund_words, meaning, words
from sr_pipeline.trackers.contracts import CONTRACTS, Contract, Field, SheetContract
from sr_pipeline.trackers.reader import column_letter
from sr_pipeline.trackers.rules import QIP_BUDGET_CAP_USD, QIP_BUDGET_LIMIT_USD, QIP_MAX_MONTHS

TEMPLATE_FUNDS = tuple(CONTRACTS)
DATA_ROWS = 5000  # rows of each data sheet that carry the validations (QIPs: ~440 since 2013)
EXAMPLE_REPORT_DATE = date(2018, 6, 30)  # the date the read-me's examples use
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)  # as the reader's serial dates
VOCABULARY_KINDS = ("region", "status", "sector", "objective", "window")

# Layout of a data sheet (0-based rows): with a report date, title + date cell, a hint,
# the required/optional markers, the headers; without one, markers then headers (the TF's
# Contributions: "header in row 1 or 2").
TITLE_ROW, HINT_ROW = 0, 1

_WIDTHS = {
    "code": 19, "mptf": 14, "text": 28, "amount": 15, "date": 13, "whole": 10, "currency": 10,
    "region": 14, "status": 14, "sector": 24, "objective": 40, "window": 22,
    "list:text": 30, "list:region": 26,
}  # fmt: skip
_FIELD_WIDTHS = {"title": 45, "remarks": 40}
_NUMBER_FORMATS = {
    "date": "dd/mm/yyyy",
    "amount": "#,##0.00",
    "whole": "0",
    "code": "@",  # a code is text: Excel must not read it as anything else
    "mptf": "@",  # 00092458 must keep its zeros
}
_TITLE_SCALE = 1.3  # the title is bold 14 pt: about 1.3 column-width units per character


def unit_language(fund: str) -> str:
    """The unit's working language ("fr" or "en"): the language of its template."""
    return fund_facts()[fund].language


def display_label(kind: str, canonical: str, language: str) -> str:
    """A canonical vocabulary value as a clerk of ``language`` writes it: statuses and QIP
    sectors in the unit's language (``completed`` -> ``Achevé``), regions by their admin-1
    name, TF objectives as number and name (``3 - Return of State Authority, ...``)."""
    return load_reference().label(kind, canonical, language)


# --- file names -----------------------------------------------------------------------------


def _name_prefix(contract: Contract) -> str:
    match = re.match(r"\^([\w-]+)\(", contract.file_pattern.pattern)
    if match is None:
        raise ValueError(f"no literal prefix in the {contract.fund} file pattern")
    return match.group(1)


def tracker_file_name(fund: str, report_date: date, revision: str = "") -> str:
    """A tracker's file name for a report date (and revision suffix such as ``v2``), checked
    against the contract's own pattern."""
    contract = CONTRACTS[fund]
    if contract.date_format == "iso":
        stamp = report_date.isoformat()
    elif contract.date_format == "yyyymmdd":
        stamp = f"{report_date:%Y%m%d}"
    else:
        stamp = f"{MONTH_NAMES['en'][report_date.month - 1][:3]}{report_date.year}"
    name = f"{_name_prefix(contract)}{stamp}{'_' + revision if revision else ''}.xlsx"
    if not contract.file_pattern.match(name):
        raise ValueError(f"{name} does not match the {fund} file pattern")
    return name


def template_file_name(fund: str) -> str:
    """The template's file name (the contract's: ``QIPs_Suivi_modele.xlsx``; no date, so it
    can never be taken for a tracker)."""
    return CONTRACTS[fund].template


def template_pointer(fund: str, language: str | None = None) -> str:
    """The sentence the feedback workbook's summary points a unit at its template with."""
    language = language or unit_language(fund)
    return label("template_pointer", language, file=template_file_name(fund))


def _name_pattern(fund: str, language: str) -> str:
    contract = CONTRACTS[fund]
    stamp = words(f"name_date:{contract.date_format}", language)
    return f"{_name_prefix(contract)}{stamp}.xlsx"


# --- the spec -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueList:
    """One drop-down list, a column of the hidden lists sheet."""

    title: str
    kind: str
    entries: tuple[str, ...]  # as the clerk picks them
    canonical: tuple[str, ...]  # what the reader makes of each entry, in the same order
    column: int  # on the lists sheet; entries start on its second row

    @property
    def source(self) -> str:
        letter = column_letter(self.column)
        return f"${letter}$2:${letter}${len(self.entries) + 1}"


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    header: str
    kind: str
    required: bool
    width: float
    number_format: str | None
    list_index: int | None  # into TemplateSpec.lists
    multiple: bool  # several list values in one cell (PBF regions): the alert only informs
    shape: str | None  # custom validation formula, relative to the first data cell
    meaning: str
    accepted: str
    prompt_title: str
    prompt: str
    error: str


@dataclass(frozen=True)
class SheetSpec:
    name: str
    table: str
    title: str | None  # the label before the report-date cell (None: no title date)
    hint: str | None
    title_span: int  # columns the title label is merged across; the date cell comes next
    marker_row: int
    header_row: int
    columns: tuple[ColumnSpec, ...]

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def last_data_row(self) -> int:
        return self.header_row + DATA_ROWS

    @property
    def date_cell(self) -> str | None:
        """The report-date cell, e.g. ``C1`` (None on a sheet without a title date)."""
        return f"{column_letter(self.title_span)}{TITLE_ROW + 1}" if self.title else None


@dataclass(frozen=True)
class TemplateSpec:
    fund: str
    language: str
    file_name: str
    readme_sheet: str
    lists_sheet: str
    sheets: tuple[SheetSpec, ...]
    lists: tuple[ValueList, ...]
    readme: tuple[tuple[str, str], ...]  # (kind, text): title, heading, line, bullet, table
    date_prompt: str
    properties: tuple[tuple[str, str], ...]


def template_spec(fund: str, reference: Reference | None = None) -> TemplateSpec:
    """Everything the fund's template says, from the contract and the reference data."""
    reference = reference or load_reference()
    contract = CONTRACTS[fund]
    language = unit_language(fund)
    lists: list[ValueList] = []
    sheets = tuple(_sheet_spec(fund, s, reference, language, lists) for s in contract.sheets)
    example = tracker_file_name(fund, EXAMPLE_REPORT_DATE)
    placeholder = words("date_placeholder", language)
    date_prompt = words("prompt_date", language, placeholder=placeholder, name=example,
                        date=f"{EXAMPLE_REPORT_DATE:%d/%m/%Y}")  # fmt: skip
    fund_name = fund_words(fund, "fund_name", language)
    return TemplateSpec(
        fund=fund,
        language=language,
        file_name=template_file_name(fund),
        readme_sheet=words("readme_sheet", language),
        lists_sheet=words("lists_sheet", language),
        sheets=sheets,
        lists=tuple(lists),
        readme=_readme(fund, contract, sheets, language),
        date_prompt=date_prompt,
        properties=(
            ("title", words("readme_title", language, fund_name=fund_name)),
            ("subject", fund_name),
            ("author", "S&R data team"),
            ("company", "MINUSMA"),
        ),
    )


def _list_for(
    kind: str, field: Field, sheet: SheetContract, reference: Reference, language: str,
    lists: list[ValueList],
) -> int:  # fmt: skip
    if kind == "currency":
        canonical = sheet.currencies
        entries = tuple(sheet.currencies)
    else:
        canonical = reference.vocabularies()[kind].values
        entries = tuple(display_label(kind, value, language) for value in canonical)
    for index, existing in enumerate(lists):
        if existing.kind == kind and existing.entries == entries:
            return index
    lists.append(ValueList(field.headers[0], kind, entries, tuple(canonical), len(lists)))
    return len(lists) - 1


def _sheet_spec(
    fund: str, sheet: SheetContract, reference: Reference, language: str, lists: list[ValueList]
) -> SheetSpec:
    if sheet.has_title_date:
        marker_row, header_row = 2, 3
        title = fund_words(fund, "title", language)
        when = words(f"hint_when:{CONTRACTS[fund].date_format}", language)
        hint = words("hint", language, placeholder=words("date_placeholder", language), when=when)
    else:
        marker_row, header_row, title, hint = 0, 1, None, None
    first = header_row + 1
    columns = []
    for index, field in enumerate(sheet.fields):
        letter = column_letter(index)
        columns.append(_column_spec(fund, sheet, field, letter, first, reference, language, lists))
    span = _title_span(title, columns) if title else 0
    return SheetSpec(sheet.sheet, sheet.table, title, hint, span, marker_row, header_row,
                     tuple(columns))  # fmt: skip


def _title_span(title: str, columns: list[ColumnSpec]) -> int:
    """How many columns the title label needs; the date cell is the next one (wide enough)."""
    needed, total = len(title) * _TITLE_SCALE, 0.0
    for index, column in enumerate(columns):
        if total >= needed and 13 <= column.width <= 30:
            return index
        total += column.width
    return len(columns)


def _column_spec(
    fund: str, sheet: SheetContract, field: Field, letter: str, first: int,
    reference: Reference, language: str, lists: list[ValueList],
) -> ColumnSpec:  # fmt: skip
    kind = field.kind
    inner = kind.split(":", 1)[1] if kind.startswith("list:") else kind
    list_index = None
    multiple = kind.startswith("list:") and inner != "text"
    if inner in VOCABULARY_KINDS or inner == "currency":
        list_index = _list_for(inner, field, sheet, reference, language, lists)
    shape = None
    if kind in ("code", "mptf") and field.pattern:
        cell = f"{letter}{first + 1}"
        shape = shape_formula(
            field.pattern, cell, f"${letter}${first + 1}:${letter}${first + DATA_ROWS}"
        )
    width = _FIELD_WIDTHS.get(field.name, _WIDTHS.get(kind, 20))
    if list_index is not None and not multiple:
        longest = max(len(entry) for entry in lists[list_index].entries)
        width = max(width, min(longest + 3, 50))
    blank = sheet.default_currency if kind == "currency" else None
    values = ""
    if list_index is not None:  # "3 - Return of State Authority, Rule of Law ...": use ;
        entries = lists[list_index].entries
        values = ("; " if any("," in e for e in entries) else ", ").join(entries)
    accepted, prompt, error = _texts(kind, field, values, blank, multiple, language)
    required = words("required" if field.required else "optional", language)
    what = meaning(fund, sheet.table, field.name, language)
    prompt = f"{required.capitalize()}. {what + '. ' if what else ''}{prompt}"
    return ColumnSpec(
        field=field.name,
        header=field.headers[0],
        kind=kind,
        required=field.required,
        width=float(width),
        number_format=_NUMBER_FORMATS.get(kind),
        list_index=list_index,
        multiple=multiple,
        shape=shape,
        meaning=what,
        accepted=accepted,
        prompt_title=field.headers[0][:32],
        prompt=prompt,
        error=error,
    )


def _texts(
    kind: str, field: Field, values: str, blank: str | None, multiple: bool, language: str
) -> tuple[str, str, str]:
    """What the read-me says is accepted, the prompt, and the error alert of one column."""
    placeholder = words("date_placeholder", language)
    if multiple:
        return (words("accepted:multi", language, values=values),
                words("prompt:multi", language), words("error:multi", language))  # fmt: skip
    if values:
        accepted = words("accepted:list", language, values=values)
        prompt = words("prompt:list", language)
        if blank:
            accepted += words("accepted:blank_means", language, value=blank)
            prompt += words("prompt:blank_means", language, value=blank)
        return accepted, prompt, words("error:list", language)
    if kind in ("code", "mptf"):
        params = {"example": field.example}
        return (words(f"accepted:{kind}", language, **params),
                words(f"prompt:{kind}", language, **params),
                words(f"error:{kind}", language, **params))  # fmt: skip
    if kind == "date":
        return (words("accepted:date", language, placeholder=placeholder),
                words("prompt:date", language, placeholder=placeholder),
                words("error:date", language, placeholder=placeholder))  # fmt: skip
    if kind in ("amount", "whole"):
        return (words(f"accepted:{kind}", language), words(f"prompt:{kind}", language),
                words(f"error:{kind}", language))  # fmt: skip
    key = "list:text" if kind == "list:text" else "text"
    return words(f"accepted:{key}", language), words(f"prompt:{key}", language), ""


# --- the read-me ----------------------------------------------------------------------------


class _Headers(dict):
    """Field name -> header; a name the sheet does not have stays the name."""

    def __missing__(self, key: str) -> str:
        return key


def _money(amount: float, language: str) -> str:
    text = f"{amount:,.0f}"
    return text.replace(",", "\u202f") if language == "fr" else text


def _readme(
    fund: str, contract: Contract, sheets: tuple[SheetSpec, ...], language: str
) -> tuple[tuple[str, str], ...]:
    blocks: list[tuple[str, str]] = []

    def add(kind: str, key: str, **params: object) -> None:
        blocks.append((kind, words(key, language, **params)))

    fund_name = fund_words(fund, "fund_name", language)
    add("title", "readme_title", fund_name=fund_name)
    add("heading", "h_what")
    add("line", "what_1", unit=fund_words(fund, "unit", language))
    add("line", "what_2")

    add("heading", "h_fill")
    placeholder = words("date_placeholder", language)
    when = words(f"hint_when:{contract.date_format}", language)
    steps = [
        ("fill_date", {"sheet": s.name, "cell": s.date_cell, "placeholder": placeholder,
                       "when": when})
        for s in sheets if s.title
    ]  # fmt: skip
    for s in sheets:
        steps.append(
            ("fill_rows" if s.title else "fill_rows_other",
             {"sheet": s.name, "first": s.first_data_row + 1, "header": s.header_row + 1,
              "item": words(f"item:{s.table}", language)})
        )  # fmt: skip
    steps += [("fill_required", {}), ("fill_dates", {"placeholder": placeholder}),
              ("fill_paste", {}), ("fill_end", {})]  # fmt: skip
    for number, (key, params) in enumerate(steps, start=1):
        add("line", key, n=number, **params)

    add("heading", "h_name")
    example = tracker_file_name(fund, EXAMPLE_REPORT_DATE)
    when = ""
    if contract.date_format == "mon_yyyy":
        last = EXAMPLE_REPORT_DATE.replace(day=monthrange(*_year_month(EXAMPLE_REPORT_DATE))[1])
        when = words("name_when:mon_yyyy", language, date=f"{last:%d/%m/%Y}")
    add("line", "name_1", pattern=_name_pattern(fund, language), example=example, when=when)
    add("line", "name_2", v2=tracker_file_name(fund, EXAMPLE_REPORT_DATE, "v2"))
    add("line", "name_3")

    for index, sheet in enumerate(sheets):
        add("heading", "h_columns", sheet=sheet.name)
        blocks.append(("table", str(index)))

    add("heading", "h_rules")
    for sheet_contract, sheet in zip(contract.sheets, sheets, strict=True):
        blocks += [("bullet", text) for text in _rules(sheet_contract, sheet, language)]
    add("line", "rejected_note")

    add("heading", "h_who")
    add("line", "who_1")
    add("line", "who_2", feedback=f"{example.removesuffix('.xlsx')}{FEEDBACK_SUFFIX}")
    return tuple(blocks)


def _year_month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _rules(sheet_contract: SheetContract, sheet: SheetSpec, language: str) -> list[str]:
    """The checks the reader makes on one sheet, in the sheet's own headers."""
    headers = _Headers({c.field: c.header for c in sheet.columns})
    params = _Headers(
        headers,
        completed=display_label("status", "completed", language),
        cap=_money(QIP_BUDGET_CAP_USD, language),
        ceiling=_money(QIP_BUDGET_LIMIT_USD, language),
        limit=QIP_MAX_MONTHS,
    )
    out = []
    if sheet_contract.key:
        out.append(
            words("rule_key", language, sheet=sheet.name, header=headers[sheet_contract.key])
        )
    multi_currency = len(sheet_contract.currencies) > 1
    for rule in sheet_contract.row_rules:
        if rule == "amount_currency_agrees" and not multi_currency:
            continue  # a USD-only sheet: nothing to agree with
        out.append(words(f"rule:{rule}", language).format_map(params))
    conversion = sheet_contract.conversion
    if conversion and multi_currency:
        override = ""
        if conversion.override:
            override = words("conversion_override", language, override=headers[conversion.override])
        out.append(
            words(
                "conversion", language, amount=headers[conversion.amount],
                date=headers[conversion.date], override=override,
            )
        )  # fmt: skip
    out += [words(f"flag:{flag}", language).format_map(params) for flag in sheet_contract.flags]
    return out
