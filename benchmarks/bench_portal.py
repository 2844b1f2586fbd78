"""Portal benchmark: how long a clerk waits for a check, over HTTP, as they would wait.

    make bench-portal     (or: .venv/bin/python benchmarks/bench_portal.py [--rows N] [--repeat N])

A real portal (gunicorn, ``python -m sr_pipeline.portal serve``) is started on a free loopback
port with its own store, trackers folder and warehouse in a temporary folder; an account is
made with ``add-user``; then each tracker is checked through ``POST /api/v1/checks`` (upload,
the child process with its limits, the reader, the raw record, the feedback workbook, the
month's figures, the published figures), best of ``--repeat`` wall times. Trackers:

- the demo's June QIP tracker (443 rows: demo size; target 3 s or less);
- a ``--rows``-row QIP tracker in the real layout (``tests.builders.big_qip_workbook``,
  100,000 by default; target 20 s or less).

The time the child spends (``seconds`` in the portal's record) and the time the same check
takes without HTTP (``run_check`` called directly) are printed too, so a slow network or
server shows apart from a slow check.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"demo": 3.0, "big": 20.0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import httpx

    from sr_pipeline.portal.checking import run_check
    from tests import DEMO_TRACKERS
    from tests.builders import big_qip_workbook
    from tests.portal.helpers import start_portal

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        trackers = {
            "demo": DEMO_TRACKERS / "qips" / "2018" / "juin" / "QIPs_Suivi_2018-06-30.xlsx",
            "big": big_qip_workbook(root / "big" / "QIPs_Suivi_2018-06-30.xlsx", args.rows),
        }
        portal = start_portal(root / "portal")
        try:
            client = httpx.Client(
                base_url=portal.url,
                headers={"Authorization": f"Bearer {portal.tokens['clerk@qip.example']}"},
                timeout=300,
            )
            print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()}")
            print("| tracker | rows read | size | HTTP check (best) | all runs | direct run_check "
                  "| target |")  # fmt: skip
            print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
            for name, path in trackers.items():
                walls, rows = [], 0
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    with path.open("rb") as handle:
                        files = {"file": (path.name, handle)}
                        response = client.post("/api/v1/checks", files=files)
                    walls.append(time.perf_counter() - started)
                    response.raise_for_status()
                    rows = response.json()["rows_read"]
                direct = []
                for i in range(args.repeat):
                    out = root / f"direct-{name}-{i}"
                    out.mkdir()
                    started = time.perf_counter()
                    run_check(path, out, "QIP", portal.trackers)
                    direct.append(time.perf_counter() - started)
                size = path.stat().st_size / 2**20
                print(f"| {name} | {rows:,} | {size:.1f} MB | {min(walls):.2f} s | "
                      f"{', '.join(f'{w:.2f}' for w in walls)} | {min(direct):.2f} s | "
                      f"≤ {TARGETS[name]:.0f} s |")  # fmt: skip
        finally:
            portal.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
