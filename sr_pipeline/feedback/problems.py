"""What a tracker version's problems are, in its unit's language: one line per rejection and per
rule flag, as the raw step recorded them (``sr_pipeline.warehouse.raw.RecordedVersion``), with the
sentence, what would be accepted and a likely correction. How they are written into a workbook is
``sr_pipeline.feedback.workbook``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sr_pipeline.language.feedback import ACCEPTED, accepted_text
from sr_pipeline.language.messages import Message
from sr_pipeline.language.text import fold
from sr_pipeline.language.wording import money
from sr_pipeline.reference import Reference
from sr_pipeline.trackers.contracts import CONTRACTS, Field, SheetContract
from sr_pipeline.trackers.suggestions import VOCABULARY_KINDS, currency_header, suggest
from sr_pipeline.warehouse.raw import RecordedVersion


@dataclass
class Problem:
    """One line of the summary sheet, and the comment on one cell of the reproduced sheet."""

    sheet: str
    row: int | None  # None: about the whole file (a copy of it under another name)
    column: str | None  # Excel letter; None for a row-level problem without a column
    header: str
    project_code: str | None
    value: str | None  # as the reader showed it (flags: filled in from the cell)
    message: str  # in the unit's language
    accepted: str
    suggestion: str | None
    rejected: bool  # False: a business-rule flag (the row was loaded), or a note
    cell: str | None = None  # where the comment went, e.g. "C6" (set when reproduced)
    noted: bool = False  # a reading note: the rows were read; the unit should know
    field: str | None = None  # the contract's field name (the portal's API reports it)

    @property
    def outcome(self) -> str:
        """The label key of what happened: ``rejected``, ``flagged`` or ``noted``."""
        return "rejected" if self.rejected else "noted" if self.noted else "flagged"


def feedback_counts(record: RecordedVersion) -> dict[str, int]:
    """The counts the feedback heading shows, for the asset's metadata.

    Rows are counted once however many problems they have; ``rows_read`` is ``rows_loaded``
    plus ``rows_rejected`` (a rejected row carries no flags), ``rejections`` and ``flags``
    count lines of the summary sheet."""
    return {
        "rows_read": record.rows_read,
        "rows_loaded": record.rows_loaded,
        "rows_rejected": record.rows_rejected,
        "rows_flagged": record.rows_flagged,
        "rejections": len(record.rejected_rows),
        "flags": len(record.rule_flags),
        "refused": int(record.refused is not None),
    }


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def problems_of(record: RecordedVersion, reference: Reference, language: str) -> list[Problem]:
    """Every problem of a version, rejections first (in the reader's order, by sheet and row),
    then flags, in ``language``."""
    contract = CONTRACTS[record.file.fund]
    order = {fold(s.sheet): i for i, s in enumerate(contract.sheets)}
    sheets = {fold(s.sheet): s for s in contract.sheets}
    in_use = _codes_in_use(record, contract.sheets)
    problems: list[Problem] = []
    for frame, rejected in ((record.rejected_rows, True), (record.rule_flags, False)):
        if frame.empty:
            continue
        code_col, params_col, text_col = (
            ("problem_code", "problem_params", "problem")
            if rejected
            else ("detail_code", "detail_params", "detail")
        )
        lines = []
        # A systematic mistake repeats the same problem on thousands of rows: work out the
        # sentence, the accepted values and the suggestion once per distinct problem.
        worked: dict[tuple[Any, ...], tuple[str, str, str | None]] = {}
        for row in frame.to_dict("records"):
            sheet = sheets.get(fold(str(row["sheet"])))
            field = _field(sheet, _text(row.get("field")))
            code, params_json = _text(row.get(code_col)), _text(row.get(params_col))
            column = _text(row.get("excel_column"))
            header = _text(row.get("header")) or ""
            if column is None and field is not None:
                header = field.headers[0]  # the column is absent: name it as the contract does
            value = _text(row.get("value")) if rejected else None
            key = (row["sheet"], field and field.name, code, params_json, value)
            if key not in worked:
                params = json.loads(params_json) if params_json else {}
                suggestion = None
                if code and sheet is not None:
                    suggestion = suggest(
                        code, params, value, field, sheet, reference, language,
                        in_use.get(sheet.table, frozenset()),
                    )  # fmt: skip
                worked[key] = (
                    _render(code, params_json, language, _text(row.get(text_col))),
                    _accepted(code, params, field, sheet, reference, language),
                    suggestion,
                )
            message, accepted, suggestion = worked[key]
            problem = Problem(
                sheet=str(row["sheet"]),
                row=int(row["source_row"]),
                column=column,
                header=header,
                project_code=_text(row.get("project_code")),
                value=value,
                message=message,
                accepted=accepted,
                suggestion=suggestion,
                rejected=rejected,
                field=field.name if field is not None else _text(row.get("field")),
            )
            lines.append(problem)
        # Rejections come in the reader's order (by row, then field); flags by rule: both by
        # sheet and row here, keeping the reader's order within a row.
        lines.sort(key=lambda p: (order.get(fold(p.sheet), len(order)), p.row))
        problems += lines
    return problems + notes_of(record, language)


def notes_of(record: RecordedVersion, language: str) -> list[Problem]:
    """The reading notes (an unknown column, a subtotal, a merged range, a copy of the file
    under another name), in ``language``: the rows were read, the unit should know."""
    if record.notes is None or record.notes.empty:
        return []
    return [
        Problem(
            sheet=_text(row.get("sheet")) or "",
            row=None if _missing(row.get("source_row")) else int(row["source_row"]),
            column=_text(row.get("excel_column")),
            header=_text(row.get("header")) or "",
            project_code=None,
            value=None,
            message=_render(
                row.get("note_code"), row.get("note_params"), language, _text(row.get("note"))
            ),
            accepted="",
            suggestion=None,
            rejected=False,
            noted=True,
        )  # fmt: skip
        for row in record.notes.to_dict("records")
    ]


def _field(sheet: SheetContract | None, name: str | None) -> Field | None:
    if sheet is None or name is None:
        return None
    return next((f for f in sheet.fields if f.name == name), None)


def _render(code: str | None, params_json: Any, language: str, fallback: str | None) -> str:
    """The problem in the unit's language, without the English ``Header:`` prefix of dq.*."""
    if code and _text(params_json) is not None:
        try:
            return Message.from_stored(code, str(params_json)).render(language)
        except (KeyError, ValueError, IndexError):  # an unknown code or stale parameters
            pass
    return fallback or ""


def _codes_in_use(
    record: RecordedVersion, sheets: tuple[SheetContract, ...]
) -> dict[str, frozenset]:
    """Every project code written in the file, per table: a suggested code must not be one."""
    used: dict[str, frozenset] = {}
    rejected = record.rejected_rows
    for sheet in sheets:
        if not sheet.key:
            continue
        codes = set(record.accepted_codes) if sheet.table == "projects" else set()
        if not rejected.empty:
            here = [fold(str(name)) == fold(sheet.sheet) for name in rejected["sheet"]]
            codes.update(str(c) for c in rejected.loc[here, "project_code"].dropna())
        used[sheet.table] = frozenset(codes)
    return used


# --- what would be accepted -----------------------------------------------------------------


def _accepted(
    code: str | None,
    params: dict[str, Any],
    field: Field | None,
    sheet: SheetContract | None,
    reference: Reference,
    language: str,
) -> str:
    if code in ("duration_over_6_months", "duration_over_6_months_by_dates"):
        return accepted_text("duration_over_6_months", language, limit=params.get("limit", 6))
    if code in ("budget_over_cap", "budget_over_cap_converted"):
        cap = money(float(params["cap"]), language)
        return accepted_text("budget_over_cap", language, cap=cap)
    if code in ("budget_over_limit", "budget_over_limit_converted"):
        limit = money(float(params["limit"]), language)
        return accepted_text("budget_over_limit", language, limit=limit)
    if code == "amount_currency_agrees":
        column = currency_header(sheet) or "?"
        return accepted_text(code, language, currency=params.get("currency", ""), column=column)
    if code and code in ACCEPTED:  # rules, duplicates, flags: said once per problem
        return accepted_text(code, language)
    if field is None or sheet is None:
        return ""
    text = _accepted_by_kind(field, sheet, reference, language)
    if code == "blank_required":
        return accepted_text("required", language, accepted=text)
    return text


def _accepted_by_kind(
    field: Field, sheet: SheetContract, reference: Reference, language: str
) -> str:
    kind = field.kind
    inner = kind.split(":", 1)[1] if kind.startswith("list:") else kind
    if inner in VOCABULARY_KINDS:
        vocab = reference.vocabularies()[inner]
        values = ", ".join(reference.label(inner, v, language) for v in vocab.values)
        return accepted_text(f"kind:{kind}", language, values=values)
    if kind == "currency":
        text = accepted_text("kind:currency", language, values=", ".join(sheet.currencies))
        if sheet.default_currency:
            blank = accepted_text("blank_currency", language, currency=sheet.default_currency)
            text = f"{text} ({blank})"
        return text
    if kind in ("code", "mptf"):
        return accepted_text(f"kind:{kind}", language, example=field.example)
    if f"kind:{kind}" in _ACCEPTED_KINDS:
        return accepted_text(f"kind:{kind}", language)
    return ""


_ACCEPTED_KINDS = {"kind:text", "kind:list:text", "kind:amount", "kind:date", "kind:whole"}
