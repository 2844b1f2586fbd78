"""Where a command's CPU seconds go: run it in this process and attribute the CPU time
(``time.process_time`` deltas, sampled every 5 ms from a thread) to what the main thread was
doing: imports before the first step, Dagster's event storage, each step of the project (and,
in the bulletin step, its parts; "(imports)" when the step was importing), the rest.

    DAGSTER_HOME=... SR_WAREHOUSE=... .venv/bin/python benchmarks/cpu_parts.py OUT.json \\
        .venv/bin/dg launch --assets '*' --partition 2018-06-01

A sampling profiler rather than cProfile: cProfile's own cost is several times a step's in
the pure-Python parts (WeasyPrint) and would move the proportions. ``dg launch`` runs the steps
in its own process, so nothing is missed; writes OUT.json (``cpu_total`` and ``parts``).
"""

from __future__ import annotations

import collections
import json
import runpy
import sys
import threading
import time

STEPS = ("raw_trackers", "core_reference_data", "snapshot_projects", "marts", "data_quality",
         "feedback_workbooks", "published_warehouse", "monthly_bulletin", "bulletin_sent",
         "tracker_templates")  # fmt: skip
BULLETIN = ("write_pdf", "render_charts", "write_workbook", "edition_texts", "render_page",
            "inputs_digest", "kept_edition", "load_month", "load_trend",
            "record_publications")  # fmt: skip
STORAGE = ("event_log", "sqlalchemy", "sqlite")


def classify(frame) -> str:
    """What the stack ending in ``frame`` is doing."""
    stack = []
    while frame is not None:
        stack.append((frame.f_code.co_filename, frame.f_code.co_name))
        frame = frame.f_back
    outermost = list(reversed(stack))
    importing = any("importlib._bootstrap" in file for file, _ in stack)
    step = next((n for f, n in outermost if n in STEPS and "sr_pipeline/defs" in f), None)
    if step is not None:
        part = None
        if step == "monthly_bulletin":
            part = next((name for _, name in outermost if name in BULLETIN), None)
        return f"step {step}" + (f" / {part}" if part else "") + (" (imports)" if importing else "")
    if importing:
        return "imports outside steps"
    if any(word in file for file, _ in stack for word in STORAGE):
        return "dagster event storage"
    return "dagster/CLI other"


def main() -> None:
    out, command = sys.argv[1], sys.argv[2:]
    main_thread = threading.main_thread().ident
    parts: collections.Counter[str] = collections.Counter()
    stop = threading.Event()

    def sample() -> None:
        last = time.process_time()
        while not stop.wait(0.005):
            now = time.process_time()
            frame = sys._current_frames().get(main_thread)
            parts[classify(frame) if frame is not None else "?"] += now - last
            last = now

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sys.argv = command
    try:
        runpy.run_path(command[0], run_name="__main__")
    except SystemExit:
        pass
    finally:
        stop.set()
        sampler.join()
        report = {"cpu_total": time.process_time(), "parts": dict(parts.most_common())}
        with open(out, "w", encoding="utf-8") as file:
            json.dump(report, file, indent=1)


if __name__ == "__main__":
    main()
