"""A check: one uploaded workbook read exactly as the pipeline reads it, without storing it.

:func:`check_upload` runs in the child process (``sr_pipeline.portal.worker``): it works out
the fund (the workbook's data sheets; a clerk's account allows its own fund only) and the
report date (the title, ``reader.report_date_in``), names the file as the contract does with
the next free revision, and calls the pipeline's own code on a copy under that name in the
check's folder: ``reader.read_tracker``, the raw record (``raw.insert_version`` /
``load_version`` into an in-memory DuckDB), ``feedback.problems_of`` and ``write_feedback``,
and the month's snapshot and marts SQL for the figures this file would give. Nothing is
written to the trackers folder. :func:`run_check` is the portal's side: it starts the child
(``sr_pipeline.portal.worker``) with its limits and reads what it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
from calendar import monthrange
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from sr_pipeline.language.messages import Message
from sr_pipeline.portal.naming import contract_name, funds_in, next_revision, sheet_names
from sr_pipeline.portal.worker import check_in_child
from sr_pipeline.trackers.contracts import CONTRACTS

CHECK_SECONDS = float(os.environ.get("SR_PORTAL_CHECK_SECONDS", "120"))
CHECK_MEMORY_MB = int(os.environ.get("SR_PORTAL_CHECK_MEMORY_MB", "3072"))
ALL = "ALL"


def language_of(fund: str | None) -> str:
    """The unit's working language (funds.csv); the data team's (ALL) is English."""
    from sr_pipeline.reference import fund_facts

    facts = fund_facts()
    return facts[fund].language if fund in facts else "en"


def _refusal(message: Message, language: str) -> dict[str, Any]:
    return {
        "refused": message.render(language),
        "refused_en": message.render("en"),
        "refused_code": message.code,
    }


def _empty(fund: str | None, language: str) -> dict[str, Any]:
    return {
        "file": None, "fund": fund, "report_date": None, "revision": None, "refused": None,
        "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0, "rows_flagged": 0,
        "problems": [], "flags": [], "notes": [], "figures": [], "as_of": None, "feedback": None,
        "language": language, "sha256": None,
    }  # fmt: skip


def _which_fund(upload: Path, account_fund: str) -> tuple[str | None, Message | None]:
    """The fund of the workbook, or the sentence refusing it."""
    from sr_pipeline.trackers.safety import check_workbook

    # No sheet's reach yet: the fund's sheets are checked before they are read (below).
    check_workbook(upload, sheets=())
    found = funds_in(upload)
    if account_fund != ALL and found and account_fund not in found:
        return None, Message.of("portal_wrong_fund", found=found[0], allowed=account_fund)
    if account_fund != ALL:
        return account_fund, None  # no data sheet at all: the reader names the sheets found
    if not found:
        expected = ", ".join(f"{f} '{c.sheets[0].sheet}'" for f, c in CONTRACTS.items())
        names = ", ".join(f"'{n}'" for n in sheet_names(upload))
        return None, Message.of("portal_fund_unknown", expected=expected, found=names)
    return found[0], None


def check_upload(upload: Path, folder: Path, account_fund: str, trackers_dir: Path) -> dict:
    """Everything the portal shows about one upload (runs in the child process)."""
    from sr_pipeline.trackers.reader import Refused, read_tracker, report_date_in
    from sr_pipeline.trackers.safety import UnsafeWorkbook, sha256_of

    language = language_of(account_fund)
    result = _empty(None if account_fund == ALL else account_fund, language)
    result["sha256"] = sha256_of(upload)
    try:
        fund, refusal = _which_fund(upload, account_fund)
        if refusal is not None:
            return {**result, **_refusal(refusal, language)}
        language = language_of(fund)
        result.update(fund=fund, language=language)
        report_date = report_date_in(upload, fund)
    except (UnsafeWorkbook, Refused) as exc:
        return {**result, **_refusal(exc.message, language)}
    revision = next_revision(trackers_dir, fund, report_date)
    name = contract_name(fund, report_date, revision)
    named = folder / "named" / name
    named.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(upload, named)
    from sr_pipeline.trackers.discovery import recognise

    read = read_tracker(recognise(named))
    result.update(file=name, report_date=report_date.isoformat(), revision=revision)
    result.update(_as_the_pipeline_sees_it(read, folder, language))
    named.unlink()  # the feedback is written; the upload itself is kept for sending
    return result


def _as_the_pipeline_sees_it(read, folder: Path, language: str) -> dict[str, Any]:
    """The raw record, the problems, the feedback workbook and the month's figures."""
    import duckdb

    from sr_pipeline.feedback import feedback_counts, problems_of, write_feedback
    from sr_pipeline.reference import load_reference
    from sr_pipeline.warehouse.raw import insert_version, load_version
    from sr_pipeline.warehouse.schema import apply_schema

    with duckdb.connect() as con:
        apply_schema(con)
        insert_version(con, read)
        record = load_version(con, read.sha256, read.file)
        feedback = write_feedback(record, folder / "feedback")
        counts = feedback_counts(record)
        problems = [_problem(p) for p in problems_of(record, load_reference(), language)]
        as_of = _month_end(read.file.report_date)
        figures = [] if read.refused else _would_be_figures(con, read, as_of)
    out: dict[str, Any] = {
        "rows_read": counts["rows_read"],
        "rows_loaded": counts["rows_loaded"],
        "rows_rejected": counts["rows_rejected"],
        "rows_flagged": counts["rows_flagged"],
        "problems": [p for p in problems if p["rejected"]],
        "flags": [p for p in problems if p["outcome"] == "flagged"],
        # How the rows were read (an unknown column, a subtotal, a merge): nothing rejected.
        "notes": [p for p in problems if p["outcome"] == "noted"],
        "figures": figures,
        "as_of": as_of.isoformat(),
        "feedback": str(feedback.relative_to(folder)),
    }
    if read.refused_message is not None:
        out.update(_refusal(read.refused_message, language))
    return out


def _problem(problem) -> dict[str, Any]:
    line = asdict(problem)
    return {
        "sheet": line["sheet"], "row": line["row"], "column": line["column"],
        "header": line["header"], "field": line["field"], "value": line["value"],
        "problem": line["message"], "suggestion": line["suggestion"],
        "accepted": line["accepted"], "project_code": line["project_code"],
        "cell": f"{line['column']}{line['row']}" if line["column"] else None,
        "rejected": line["rejected"], "outcome": problem.outcome,
    }  # fmt: skip


def _month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def _would_be_figures(con, read, as_of: date) -> list[dict[str, Any]]:
    """The month's bulletin figures for this fund if this file fed it: the pipeline's own
    snapshot and marts statements, on a warehouse holding only this version."""

    from sr_pipeline.warehouse.layers import rebuild_layer
    from sr_pipeline.warehouse.raw import tracker_folder_frame
    from sr_pipeline.warehouse.reference import load_core_reference
    from sr_pipeline.warehouse.sql import frame, run_with

    load_core_reference(con)
    folder = tracker_folder_frame(
        [{"source_file": read.file.name, "path": read.file.name, "fund": read.file.fund,
          "report_date": read.file.report_date, "revision": read.file.revision,
          "sha256": read.sha256, "problem": None, "copy_of": None}]
    )  # fmt: skip
    run_with(con, "raw/insert_tracker_folder", folder)
    rebuild_layer(con, "snapshots", [as_of])
    rebuild_layer(con, "marts", [as_of])
    figures = frame(con, "reads/cli_figures", {"as_of": as_of})
    mine = figures[figures["fund"] == read.file.fund]
    return [{"figure": r.figure, "value": float(r.value)} for r in mine.itertuples()]


def run_check(
    upload: Path,
    folder: Path,
    account_fund: str,
    trackers_dir: Path,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> dict[str, Any]:
    """Check ``upload`` in a child process with time and memory limits; what it found, or a
    refusal saying the check went over its limits."""
    timeout = CHECK_SECONDS if timeout is None else timeout
    memory_mb = CHECK_MEMORY_MB if memory_mb is None else memory_mb
    request = folder / "request.json"
    request.write_text(
        json.dumps(
            {
                "upload": str(upload), "folder": str(folder), "account_fund": account_fund,
                "trackers_dir": str(trackers_dir), "memory_mb": memory_mb,
                "cpu_seconds": max(1, int(timeout)),
            }
        )
    )  # fmt: skip
    language = language_of(account_fund)
    exit_code = check_in_child(request, timeout, check_upload)
    if exit_code is None:
        return _over_limits(account_fund, language, f"{timeout:.0f} s")
    result_file = folder / "result.json"
    if exit_code != 0 or not result_file.is_file():
        return _over_limits(account_fund, language, f"{memory_mb} MB, {timeout:.0f} s")
    return json.loads(result_file.read_text())


def _over_limits(account_fund: str, language: str, limit: str) -> dict[str, Any]:
    result = _empty(None if account_fund == ALL else account_fund, language)
    return {**result, **_refusal(Message.of("portal_over_limits", limit=limit), language)}
