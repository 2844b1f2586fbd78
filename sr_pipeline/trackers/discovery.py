"""Which files in the trackers folder are tracker versions, and which version feeds a month.

docs/trackers.md: a tracker is recognised by its file name anywhere under the folder (folder names
mean nothing); only ``.xlsx`` is accepted; ``~$`` lock files are ignored; a plain name is
revision 1, ``_rev``/``_corrigé`` revision 2, ``_vN`` revision N; two files with the same
fund, report date and revision are one version when their content is the same, and both
refused when it differs; a TF month is written in English three letters (``Jun2018``); a
report date later than the day of reading is refused as a typo.

The folder is walked without following links: a link (to a file or a folder), anything that is
not a regular file and a file above the size limit are refused by ``safety.vet_entry`` from
``lstat`` alone, before anything opens or hashes them. The run's scan and the sensor's both
go through :func:`discover`.
"""

from __future__ import annotations

import os
import unicodedata
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from sr_pipeline.language.messages import Message, Term
from sr_pipeline.language.text import fold
from sr_pipeline.language.wording import MONTH_NAMES
from sr_pipeline.model import RefusedFile, TrackerFile
from sr_pipeline.trackers.contracts import CONTRACTS, Contract
from sr_pipeline.trackers.safety import sha256_of, vet_entry
from sr_pipeline.trackers.values import month_number

_EXCEL_LIKE = {".xls", ".xlsb", ".xlsm", ".xltx", ".xltm", ".ods", ".csv", ".txt", ".pdf"}


def revision_number(suffix: str | None) -> int:
    if not suffix:
        return 1
    suffix = suffix.lower()
    if suffix.startswith("v"):
        return int(suffix[1:])
    return 2  # _rev, _corrigé


# docs/trackers.md: a TF name writes its month as English three letters
# (TF_Project_Tracker_Jun2018).
NAME_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NAME_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(NAME_MONTHS, start=1)}


def _report_date(contract: Contract, groups: tuple[str, ...]) -> date | None:
    try:
        if contract.date_format == "iso":
            return date.fromisoformat(groups[0])
        if contract.date_format == "yyyymmdd":
            text = groups[0]
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        month = _NAME_MONTH_NUMBERS.get(groups[0].lower())
        if month is None:
            return None
        year = int(groups[1])
        return date(year, month, monthrange(year, month)[1])
    except ValueError:
        return None


def meant_months(written: str) -> list[int]:
    """The months a month name written another way may mean: a French or English name or
    abbreviation (``Mai``, ``Fév``, ``Avr``, ``June``), or the start of one (``Jui``: June or
    July, ``Aou``: August). Empty when nothing fits."""
    known = month_number(written)
    if known:
        return [known]
    key = fold(written)
    return sorted(
        {
            number
            for language in ("en", "fr")
            for number, name in enumerate(MONTH_NAMES[language], start=1)
            if fold(name).startswith(key)
        }
    )


def _bad_month(path: Path, contract: Contract, written: str, year: str, suffix: str | None):
    """A TF name whose month is not written as the contract writes it: say which name to use."""
    rest = f"_{suffix}" if suffix else ""
    months = meant_months(written) or list(range(1, 13))
    names = [f"TF_Project_Tracker_{NAME_MONTHS[m - 1]}{year}{rest}.xlsx" for m in months]
    if len(names) > 2:  # nothing to go on: the form, with one example
        names = [f"TF_Project_Tracker_<Mon>{year}{rest}.xlsx ({', '.join(NAME_MONTHS)})"]
    message = Message.of(
        "name_bad_month", written=written, forms=", ".join(NAME_MONTHS),
        accepted=Term(" or ".join(names), " ou ".join(names)),
    )  # fmt: skip
    return _refuse(path, contract.fund, message)


def _refuse(path: Path, fund: str | None, message: Message) -> RefusedFile:
    return RefusedFile(path, fund, f"{path.name}: {message}", message)


def recognise(path: Path, today: date | None = None) -> TrackerFile | RefusedFile | None:
    """A tracker version, a refusal, or None for files to ignore silently (lock files).

    A report date later than ``today`` (the day of reading) is refused as a typo (2081)."""
    name = unicodedata.normalize("NFC", path.name)
    if name.startswith("~$") or name.startswith("."):
        return None
    stem_as_xlsx = str(Path(name).with_suffix(".xlsx"))
    for contract in CONTRACTS.values():
        match = contract.file_pattern.match(stem_as_xlsx)
        if not match:
            continue
        if path.suffix.lower() != ".xlsx":
            suffix = path.suffix or "file without extension"
            return _refuse(path, contract.fund, Message.of("name_wrong_format", suffix=suffix))
        *date_parts, suffix = match.groups()
        report_date = _report_date(contract, tuple(date_parts))
        if report_date is None and contract.date_format == "mon_yyyy":
            if date_parts[0].lower() not in _NAME_MONTH_NUMBERS:
                return _bad_month(path, contract, date_parts[0], date_parts[1], suffix)
        if report_date is None:
            return _refuse(path, contract.fund, Message.of("name_bad_date"))
        if report_date > (today or date.today()):
            stated = f"{report_date:%d/%m/%Y}"
            return _refuse(path, contract.fund, Message.of("name_date_future", date=stated))
        return TrackerFile(path, contract.fund, report_date, revision_number(suffix))
    if path.suffix.lower() == ".xlsx":
        return _refuse(path, None, Message.of("name_unrecognised"))
    kind = path.suffix.lower() if path.suffix.lower() in _EXCEL_LIKE else "this kind of"
    return _refuse(path, None, Message.of("name_not_tracker", kind=kind))


class MissingInput(Exception):
    """The trackers folder is not there, cannot be read or holds no tracker: input that is
    not there is an error, never an empty month (nothing may be published from it)."""


def scan(trackers_dir: Path) -> tuple[list[TrackerFile], list[RefusedFile]]:
    """:func:`discover`, or :class:`MissingInput` with a sentence naming the folder when it
    is missing, unreadable or holds no tracker at all (a drive that failed to mount looks
    exactly like a folder whose trackers were all removed)."""
    nothing = "nothing was read and nothing is published"
    if not trackers_dir.exists():
        raise MissingInput(f"The trackers folder {trackers_dir} does not exist: {nothing}.")
    if not trackers_dir.is_dir():
        raise MissingInput(f"The trackers folder {trackers_dir} is not a folder: {nothing}.")
    try:
        if not os.access(trackers_dir, os.R_OK | os.X_OK):
            raise PermissionError("permission denied")
        versions, refused = discover(trackers_dir)
    except OSError as exc:
        raise MissingInput(
            f"The trackers folder {trackers_dir} cannot be read ({exc}): {nothing}."
        ) from exc
    if not versions and not any(r.fund for r in refused):
        raise MissingInput(f"The trackers folder {trackers_dir} holds no tracker: {nothing}.")
    return versions, refused


def _entries(folder: Path) -> Iterator[Path]:
    """Every entry under ``folder`` that is not a real folder (links to folders included),
    descending into real folders only; hidden folders (.git, .DS_Store dirs) are skipped."""
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith("."):
                yield from _entries(Path(entry.path))
        else:
            yield Path(entry.path)


def discover(
    trackers_dir: Path, today: date | None = None
) -> tuple[list[TrackerFile], list[RefusedFile]]:
    """Every tracker version under ``trackers_dir`` (any depth), and the files refused.

    Two files of one fund, report date and revision are one version when their content is
    the same (an archived copy, a ``_v1`` saved beside the plain name): the one nearest the
    top of the folder, then with the shorter name, is the version and the others its
    ``copies``; with different content both are refused (the unit must say which counts)."""
    found: list[TrackerFile] = []
    refused: list[RefusedFile] = []
    paths = sorted(_entries(trackers_dir)) if trackers_dir and trackers_dir.is_dir() else []
    for path in paths:
        outcome = recognise(path, today)
        problem = vet_entry(path) if outcome is not None else None
        if problem is not None:  # a link, a device, a huge file: never opened
            refused.append(_refuse(path, outcome.fund, problem))
        elif isinstance(outcome, TrackerFile):
            found.append(outcome)
        elif isinstance(outcome, RefusedFile):
            refused.append(outcome)
    clashes: dict[tuple[str, date, int], list[TrackerFile]] = defaultdict(list)
    for tracker in found:
        clashes[(tracker.fund, tracker.report_date, tracker.revision)].append(tracker)
    versions = []
    for group in clashes.values():
        if len(group) == 1:
            versions.append(group[0])
            continue
        if len({sha256_of(t.path) for t in group}) == 1:
            kept = min(group, key=lambda t: _copy_preference(t, trackers_dir))
            copies = tuple(sorted(t.path for t in group if t is not kept))
            versions.append(replace(kept, copies=copies))
            continue
        names = ", ".join(sorted(str(t.path.relative_to(trackers_dir)) for t in group))
        for tracker in group:
            message = Message.of("name_same_version", names=names)
            refused.append(_refuse(tracker.path, tracker.fund, message))
    versions.sort(key=lambda t: (t.fund, version_order(t), t.path))
    return versions, refused


def _copy_preference(tracker: TrackerFile, folder: Path) -> tuple[int, int, str]:
    relative = tracker.path.relative_to(folder)
    return (len(relative.parts), len(tracker.name), str(relative))


def version_order(tracker: TrackerFile) -> tuple[date, int, str]:
    """The order of a fund's versions, oldest first: report date, then revision, then the
    file name (discovery refuses two files with one report date and revision, so the name
    only makes the order total). ``sql/core/view_version_spans.sql`` states the same order
    for the warehouse."""
    return (tracker.report_date, tracker.revision, tracker.name)


def feeding_version(
    versions: Iterable[TrackerFile],
    fund: str,
    as_of: date,
    accepted: Callable[[TrackerFile], bool],
) -> TrackerFile | None:
    """The version a fund's snapshot as of ``as_of`` uses (docs/figures.md): the latest version,
    in :func:`version_order`, whose report date is on or before ``as_of`` and that is
    ``accepted`` (a refused file is not a version: the month falls back to an older one).

    ``accepted`` is asked newest first and only until it says yes, so a caller that must read
    a file to know (the raw step) reads only what the month needs."""
    candidates = [t for t in versions if t.fund == fund and t.report_date <= as_of]
    for tracker in sorted(candidates, key=version_order, reverse=True):
        if accepted(tracker):
            return tracker
    return None
