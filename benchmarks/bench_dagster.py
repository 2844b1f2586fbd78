"""Wall time of the documented commands against Dagster's own floor, measured in one go.

- floor: a trivial two-asset, in-process ``dagster asset materialize`` (what any run costs);
- month: ``dagster asset materialize -m sr_pipeline.definitions --select '*' --partition
  2018-06-01`` on a fresh warehouse (a fresh clone), and again on a warm one;
- backfill: the same with ``--partition-range 2013-07-01...2018-12-01`` (one run), fresh.

Targets (issue #4): month <= 2 x floor; backfill <= 3 x month. Each command runs in a
subprocess exactly as a user would type it, with a throwaway DAGSTER_HOME (telemetry off)
and warehouse; trackers from SR_TRACKERS_DIR (default sources/trackers/). Best of --repeat.

    .venv/bin/python benchmarks/bench_dagster.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAGSTER = str(Path(sys.executable).parent / "dagster")

FLOOR_DEFS = """
import dagster as dg

@dg.asset
def first():
    return 1

@dg.asset
def second(first):
    return first + 1

defs = dg.Definitions(assets=[first, second], executor=dg.in_process_executor)
"""


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or "RUN_SUCCESS" not in done.stderr:
        sys.exit(f"failed: {' '.join(args)}\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-dagster-") as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copy(ROOT / "sr_pipeline" / "defs" / "dagster.yaml", home / "dagster.yaml")
        floor_file = tmp_path / "floor_defs.py"
        floor_file.write_text(FLOOR_DEFS)
        env = {**os.environ, "DAGSTER_HOME": str(home)}
        env.setdefault("SR_TRACKERS_DIR", str(ROOT / "sources" / "trackers"))

        def warehouse(name: str) -> dict[str, str]:
            folder = tmp_path / name
            shutil.rmtree(folder, ignore_errors=True)
            return {**env, "SR_WAREHOUSE": str(folder / "sr.duckdb")}

        month_args = [DAGSTER, "asset", "materialize", "-m", "sr_pipeline.definitions",
                      "--select", "*", "--partition", "2018-06-01"]  # fmt: skip
        range_args = [DAGSTER, "asset", "materialize", "-m", "sr_pipeline.definitions",
                      "--select", "*", "--partition-range", "2013-07-01...2018-12-01"]  # fmt: skip
        floor_args = [DAGSTER, "asset", "materialize", "-f", str(floor_file), "--select", "*"]

        results: dict[str, list[float]] = {"floor": [], "month": [], "month_warm": []}
        results["backfill"] = []
        for _ in range(options.repeat):
            results["floor"].append(timed(floor_args, env))
            fresh = warehouse("month")
            results["month"].append(timed(month_args, fresh))
            results["month_warm"].append(timed(month_args, fresh))
        for _ in range(max(1, options.repeat - 1)):
            results["backfill"].append(timed(range_args, warehouse("backfill")))

    best = {name: min(times) for name, times in results.items()}
    report = {
        "best_seconds": {k: round(v, 2) for k, v in best.items()},
        "all_seconds": {k: [round(t, 2) for t in v] for k, v in results.items()},
        "month_over_floor": round(best["month"] / best["floor"], 2),
        "backfill_over_month": round(best["backfill"] / best["month"], 2),
        "targets": {"month_over_floor": 2.0, "backfill_over_month": 3.0},
    }
    print(f"{'measure':<12} {'best s':>7}   all")
    for name, times in results.items():
        print(f"{name:<12} {best[name]:>7.2f}   {', '.join(f'{t:.2f}' for t in times)}")
    print(f"month / floor    = {report['month_over_floor']:.2f}  (target <= 2)")
    print(f"backfill / month = {report['backfill_over_month']:.2f}  (target <= 3)")
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "bench_dagster.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
