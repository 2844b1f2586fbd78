"""Which fund a workbook belongs to, the name the contract gives it, and storing it in the
trackers folder.

A clerk never names a file: the fund comes from the workbook's data sheets, the report date
from its title (``reader.report_date_in``), the revision is the next one free for that fund and
report date, and the name is the contract's (checked by ``discovery.recognise``, the
pipeline's own recogniser). Storing is atomic and never replaces a file: the bytes go to a
hidden temporary file in the destination folder (a name no tracker pattern matches and
discovery skips), are fsync'd, then hard-linked under the final name (which fails if the name
exists) and the temporary name removed.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from sr_pipeline.language.text import fold
from sr_pipeline.model import TrackerFile
from sr_pipeline.templates.spec import tracker_file_name
from sr_pipeline.trackers.contracts import CONTRACTS
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.safety import sha256_of

RECEIVED_FOLDER = "received"  # under the trackers folder: received/<FUND>/<contract name>


def funds_in(path: Path) -> list[str]:
    """The funds whose first data sheet the workbook has (call after ``check_workbook``)."""
    names = {fold(name) for name in CalamineWorkbook.from_path(str(path)).sheet_names}
    return [fund for fund, c in CONTRACTS.items() if fold(c.sheets[0].sheet) in names]


def sheet_names(path: Path) -> list[str]:
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def contract_name(fund: str, report_date: date, revision: int) -> str:
    """``QIPs_Suivi_2018-06-30.xlsx``, ``TF_Project_Tracker_Jun2018_v2.xlsx``, ... (the names
    the templates tell the units to use), read back by the pipeline's recogniser."""
    name = tracker_file_name(fund, report_date, f"v{revision}" if revision > 1 else "")
    tracker = recognise(Path(name))
    if not isinstance(tracker, TrackerFile) or (tracker.fund, tracker.revision) != (
        fund,
        revision,
    ):
        raise ValueError(f"{name} is not a {fund} tracker name")
    return name


def _same_version(trackers_dir: Path, fund: str, report_date: date) -> list[TrackerFile]:
    found = []
    if trackers_dir.is_dir():
        for path in trackers_dir.rglob("*"):
            tracker = recognise(path) if path.is_file() else None
            if isinstance(tracker, TrackerFile) and tracker.fund == fund:
                if tracker.report_date == report_date:
                    found.append(tracker)
    return found


def next_revision(trackers_dir: Path, fund: str, report_date: date) -> int:
    """1 when the folder has no file of this fund and report date, else one above the
    highest revision there (a correction sent the same month wins, as the contract says)."""
    revisions = [t.revision for t in _same_version(trackers_dir, fund, report_date)]
    return max(revisions, default=0) + 1


def already_received(trackers_dir: Path, fund: str, report_date: date, sha256: str) -> str | None:
    """The name of a file of the folder with exactly this content, if there is one."""
    for tracker in _same_version(trackers_dir, fund, report_date):
        if sha256_of(tracker.path) == sha256:
            return tracker.name
    return None


@contextmanager
def folder_lock(lock_file: Path):
    """One submission at a time chooses a revision and stores its file."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def store_atomically(data: Path, folder: Path, name: str) -> Path:
    """``data`` copied to ``folder/name``: complete or absent, never half-written, never
    replacing a file of that name (FileExistsError)."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    temporary = folder / f".portal-{uuid.uuid4().hex}.tmp"
    try:
        with data.open("rb") as source, temporary.open("xb") as out:
            while block := source.read(1 << 20):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return final
