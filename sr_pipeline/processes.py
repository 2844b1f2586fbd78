"""Long-running processes that outlive the command that started them, and stop for good.

Each process is started in its own session (it leads it, so its session id is its pid) with
SIGINT restored to the default: a process started from a non-interactive shell inherits an
ignored SIGINT, and Dagster copies that disposition onto SIGTERM, after which only SIGKILL
stops it. A PID file (``<run dir>/<name>.pid``: pid and the process's start time, so a pid
the system reused is never signalled) records it. Stopping sends SIGTERM to the session's
process group, waits for every process of the session to end, and kills what is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STOP_TIMEOUT_S = 20


@dataclass(frozen=True)
class Recorded:
    name: str
    pid: int
    started: int  # clock ticks after boot (field 22 of /proc/<pid>/stat)


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def start_time(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def session_members(sid: int) -> list[int]:
    """Every live process of a session (zombies excluded)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


def _restore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(
    name: str,
    argv: Sequence[str],
    *,
    run_dir: Path,
    log_dir: Path,
    env: Mapping[str, str],
    cwd: Path,
) -> Recorded:
    """Start ``argv`` in its own session, output appended to ``<log dir>/<name>.log``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"{name}.log").open("ab") as log:
        os.fchmod(log.fileno(), 0o640)  # a log kept from before the umask was set, too
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_restore_sigint,  # this command is single-threaded: fork-safe
        )
    started = start_time(process.pid) or 0
    (run_dir / f"{name}.pid").write_text(f"{process.pid} {started}\n")
    return Recorded(name, process.pid, started)


def recorded(name: str, run_dir: Path) -> Recorded | None:
    """The process a PID file names, if that very process still runs."""
    try:
        pid, started = (int(x) for x in (run_dir / f"{name}.pid").read_text().split())
    except (OSError, ValueError):
        return None
    fields = _stat(pid)
    if fields is None or fields[0] == "Z" or int(fields[19]) != started:
        return None
    return Recorded(name, pid, started)


def running(name: str, run_dir: Path) -> bool:
    return recorded(name, run_dir) is not None


def stop(name: str, run_dir: Path, timeout: float = STOP_TIMEOUT_S) -> bool:
    """SIGTERM to the process's group, wait for its whole session to end, SIGKILL what is
    left. True when something was running."""
    return bool(stop_many([name], run_dir, timeout))


def stop_many(names: Sequence[str], run_dir: Path, timeout: float = STOP_TIMEOUT_S) -> list[str]:
    """Stop several processes at once (each as :func:`stop`); the names that were running."""
    targets = {}
    for name in names:
        process = recorded(name, run_dir)
        if process is None:
            (run_dir / f"{name}.pid").unlink(missing_ok=True)
            continue
        targets[name] = process.pid  # a session leader: its session id is its pid
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def left() -> list[int]:
        return [pid for sid in targets.values() for pid in session_members(sid)]

    deadline = time.monotonic() + timeout
    while left() and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while left() and time.monotonic() < deadline:
        time.sleep(0.05)
    for name in targets:
        (run_dir / f"{name}.pid").unlink(missing_ok=True)
    return list(targets)
