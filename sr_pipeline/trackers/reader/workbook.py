"""The file: opening a workbook, finding its sheets, reading a tracker into a ReadResult."""

from __future__ import annotations

from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from sr_pipeline.language.messages import Message
from sr_pipeline.model import (
    NOTE_COLUMNS,
    REJECTED_ROW_COLUMNS,
    RULE_FLAG_COLUMNS,
    ReadResult,
    TrackerFile,
)
from sr_pipeline.reference import Reference, load_reference
from sr_pipeline.trackers.contracts import CONTRACTS
from sr_pipeline.trackers.reader.base import HEADER_SCAN_ROWS, Refused
from sr_pipeline.trackers.reader.structure import _sheet_name, find_header, stated_report_date
from sr_pipeline.trackers.reader.validation import read_sheet
from sr_pipeline.trackers.safety import UnsafeWorkbook, check_workbook, open_regular, sha256_of

# --- the file ---------------------------------------------------------------------------------


def _open(tracker: TrackerFile) -> tuple[CalamineWorkbook, frozenset[str]]:
    """The workbook, and its worksheet parts that may hold formulas without a result."""
    uncached = check_workbook(tracker.path, [s.sheet for s in CONTRACTS[tracker.fund].sheets])
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
    check_workbook(path, [sheet.sheet])
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - the xlsx parser's own errors: the file is bad
        raise Refused(Message.of("file_unreadable", detail=f"{type(exc).__name__}: {exc}")) from exc
    sheet_name = _sheet_name(book, sheet)
    try:
        calamine_sheet = book.get_sheet_by_name(sheet_name)
        head = list(islice(calamine_sheet.iter_rows(), HEADER_SCAN_ROWS))
        col_offset = calamine_sheet.start[1] if calamine_sheet.height else 0
    except Exception as exc:  # noqa: BLE001 - as in read_rows
        detail = f"sheet '{sheet_name}': {type(exc).__name__}: {exc}"
        raise Refused(Message.of("file_unreadable", detail=detail)) from exc
    # The offset names the columns of a refusal as the pipeline does (a sheet starting at C).
    layout = find_header(head, sheet, sheet_name, col_offset)
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
