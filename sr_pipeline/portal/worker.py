"""The child process that checks one uploaded workbook, under time and memory limits.

Each check runs in a process of its own, forked from a server process that has already
imported the pipeline (``multiprocessing``'s forkserver, started once per portal worker), so a
check does not pay the second or so of imports. The child limits itself first (address space
and CPU time, ``resource.setrlimit``), then runs
:func:`sr_pipeline.portal.checking.check_upload` and writes ``result.json`` into the check's
folder. An upload that makes the reader use too much memory or time kills that process, never
the portal, which reports the check as refused for that reason. The workbook itself goes
through the pipeline's own safety checks (zip and XML bombs, encrypted files) before any
parser sees it.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
from collections.abc import Callable
from functools import cache
from pathlib import Path

# Imported once by the fork server, inherited by every check.
PRELOAD = [
    "sr_pipeline.portal.checking",
    "sr_pipeline.trackers.reader",
    "sr_pipeline.warehouse.raw",
    "sr_pipeline.feedback",
    "sr_pipeline.warehouse.reference",
    "sr_pipeline.warehouse",
    "duckdb",
    "pandas",
]


def limit(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process: its address space and its CPU time (SIGXCPU, then SIGKILL)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(request_file: str, check: Callable[..., dict]) -> None:
    """The child's whole life: limit itself, check (``checking.check_upload``, handed over by
    reference: the fork server has it imported already), write the result."""
    request = json.loads(Path(request_file).read_text())
    limit(request["memory_mb"], request["cpu_seconds"])
    result = check(
        upload=Path(request["upload"]),
        folder=Path(request["folder"]),
        account_fund=request["account_fund"],
        trackers_dir=Path(request["trackers_dir"]),
    )
    out = Path(request["folder"]) / "result.json"
    out.write_text(json.dumps(result, ensure_ascii=False, default=str))


@cache
def context() -> multiprocessing.context.ForkServerContext:
    found = multiprocessing.get_context("forkserver")
    found.set_forkserver_preload(PRELOAD)
    return found


def check_in_child(request_file: Path, timeout: float, check: Callable[..., dict]) -> int | None:
    """Run one check in a child process; its exit code, or None when it ran out of time
    (it is then killed)."""
    process = context().Process(target=run, args=(str(request_file), check), daemon=True)
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return process.exitcode


def warm_up() -> None:
    """Start the fork server now (each portal worker at start-up), so that the first check
    does not wait for its imports."""
    from multiprocessing import forkserver

    context()
    forkserver.ensure_running()
