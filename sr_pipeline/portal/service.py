"""What the pages and the API do, once: check an upload, find a check an account may see,
send a checked file, and say where a submission stands.

A submission's state comes from the published warehouse (read-only, as an analyst opens it):
``received`` (stored, not read by a build yet), ``built`` (a month's snapshot uses it:
``core.month_versions``), ``published`` (a bulletin was rendered from it:
``marts.publications``), or refused by the build (``raw.tracker_files``).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

from sr_pipeline import settings as sr_settings
from sr_pipeline.language.messages import Message, month_term
from sr_pipeline.portal import naming
from sr_pipeline.portal.checking import ALL, language_of, run_check
from sr_pipeline.portal.models import Account, Check, Submission
from sr_pipeline.portal.text import label
from sr_pipeline.warehouse.publishing import configured
from sr_pipeline.warehouse.sql import frame


def account_of(user) -> Account:
    return Account.objects.get(user=user)


def check_folder(check_id) -> Path:
    return settings.PORTAL_DIR / "checks" / str(check_id)


def new_check(user, uploaded: UploadedFile) -> Check:
    """Save the upload under a name of our own, check it in the child process, record it."""
    account = account_of(user)
    check = Check(user=user, upload_name=_shown_name(uploaded.name), size=uploaded.size)
    folder = check_folder(check.id)
    folder.mkdir(parents=True)
    upload = folder / "upload.xlsx"  # the browser's name is never part of a path
    with upload.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    started = time.monotonic()
    result = run_check(upload, folder, account.fund, sr_settings.trackers_dir())
    check.seconds = round(time.monotonic() - started, 3)
    check.fund = account.fund if account.fund != ALL else result.get("fund")
    check.sha256 = result["sha256"] or naming.sha256_of(upload)
    check.refused = result["refused"] is not None
    check.result = result
    check.save()
    return check


def _shown_name(name: str | None) -> str:
    """The browser's file name, for display only: its last part, printable, bounded."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable())[:200] or "-"


def visible_check(user, check_id) -> Check:
    """The check if this account may see it; 404 otherwise (another fund's check is not
    said to exist)."""
    account = account_of(user)
    try:
        check = Check.objects.get(id=check_id)
    except (Check.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None
    if account.fund != ALL and check.fund != account.fund:
        raise Http404
    return check


def visible_checks(user):
    account = account_of(user)
    checks = Check.objects.select_related("user").prefetch_related("submissions")
    return checks if account.fund == ALL else checks.filter(fund=account.fund)


def feedback_file(check: Check) -> Path | None:
    relative = check.result.get("feedback")
    if not relative:
        return None
    path = (check_folder(check.id) / relative).resolve()
    return path if path.is_file() and check_folder(check.id).resolve() in path.parents else None


class NotSent(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def submit(check: Check, user) -> Submission:
    """Store the checked file in the trackers folder under the contract's name, with the
    next free revision, atomically; refuse a refused check or a file already received."""
    result = check.result
    language = language_of(check.fund)
    if check.refused or not result.get("report_date"):
        raise NotSent(label("refused", language, reason=result.get("refused") or "-"))
    existing = check.submissions.first()
    if existing is not None:
        return existing
    fund, report_date = result["fund"], date.fromisoformat(result["report_date"])
    trackers = sr_settings.trackers_dir()
    upload = check_folder(check.id) / "upload.xlsx"
    with naming.folder_lock(settings.PORTAL_DIR / "submit.lock"):
        same = naming.already_received(trackers, fund, report_date, check.sha256)
        if same is not None:
            raise NotSent(Message.of("portal_already_received", name=same).render(language))
        revision = naming.next_revision(trackers, fund, report_date)
        name = naming.contract_name(fund, report_date, revision)
        folder = trackers / naming.RECEIVED_FOLDER / fund
        stored = naming.store_atomically(upload, folder, name)
    return Submission.objects.create(
        source_check=check, user=user, fund=fund, stored_as=name,
        path=str(stored.relative_to(trackers)), sha256=check.sha256,
    )  # fmt: skip


def _published(queries: list[tuple[str, dict[str, Any]]]) -> list:
    """Queries on the published warehouse, through one read-only connection; None for each
    when nothing is published yet."""
    target = configured()
    if target.published is not None and not target.published.exists():
        return [None] * len(queries)
    try:
        with target.read_published() as con:
            return [frame(con, query, params) for query, params in queries]
    except (duckdb.IOException, duckdb.CatalogException):
        return [None] * len(queries)


def states(submissions: list[Submission], language: str) -> list[dict[str, Any]]:
    """Where each submission stands (one connection to the published warehouse for all)."""
    queries = [("reads/portal_version_state", {"sha256": s.sha256}) for s in submissions]
    results = _published(queries)
    return [_state(s, found, language) for s, found in zip(submissions, results, strict=True)]


def state(submission: Submission, language: str) -> dict[str, Any]:
    """Where a submission stands: received, built (the months it feeds), published (the
    bulletins), or refused by the build."""
    return states([submission], language)[0]


def _state(submission: Submission, found, language: str) -> dict[str, Any]:
    row = None if found is None or found.empty else found.iloc[0]
    months = [] if row is None else _dates(row["months"])
    bulletins = [] if row is None else _dates(row["bulletins"])
    if bulletins:
        key, shown = "published", bulletins
    elif months:
        key, shown = "built", months
    elif row is not None and isinstance(row["refused"], str):
        text = label("state:refused", language, reason=row["refused"])
        return {"state": "refused", "text": text, "months": [], "bulletins": []}
    elif row is not None:
        key, shown = "read", []
    else:
        key, shown = "received", []
    words = ", ".join(month_term(d.year * 100 + d.month).render(language) for d in shown)
    text = label(f"state:{key}", language, months=words, file=submission.stored_as)
    return {
        "state": "received" if key == "read" else key,
        "text": text,
        "months": [d.isoformat() for d in months],
        "bulletins": [d.isoformat() for d in bulletins],
    }


def _dates(values) -> list[date]:
    """A DuckDB list of dates as a frame cell (None, or an array of datetime64)."""
    if values is None:
        return []
    return sorted(pd.Timestamp(v).date() for v in values)


def published_figures(fund: str | None, as_of: str | None) -> tuple[str | None, dict]:
    """The last published figures of the fund for that month (or the latest month before)."""
    if not fund or not as_of:
        return None, {}
    (found,) = _published([("reads/portal_published_figures", {"fund": fund, "as_of": as_of})])
    if found is None or found.empty:
        return None, {}
    month = found["as_of"].iloc[0]
    return month.date().isoformat(), dict(zip(found["figure"], found["value"], strict=True))
