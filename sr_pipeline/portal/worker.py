"""The child process that checks one uploaded workbook, under time and memory limits.

``python -m sr_pipeline.portal.worker REQUEST.json`` limits itself first (address space and
CPU time, ``resource.setrlimit``), then runs :func:`sr_pipeline.portal.checking.check_upload`
and writes ``result.json`` beside the request. An upload that makes the reader use too much
memory or time kills this process, never the portal: the portal reports the check as refused
for that reason. The workbook itself goes through the pipeline's own safety checks (zip and
XML bombs, encrypted files) before any parser sees it.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def limit(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process: its address space and its CPU time (SIGXCPU, then SIGKILL)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str] | None = None) -> int:
    (request_file,) = argv if argv is not None else sys.argv[1:]
    request = json.loads(Path(request_file).read_text())
    limit(request["memory_mb"], request["cpu_seconds"])
    from sr_pipeline.portal.checking import check_upload  # after the limits: it reads the file

    result = check_upload(
        upload=Path(request["upload"]),
        folder=Path(request["folder"]),
        account_fund=request["account_fund"],
        trackers_dir=Path(request["trackers_dir"]),
    )
    out = Path(request["folder"]) / "result.json"
    out.write_text(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
