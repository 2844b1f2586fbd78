"""Reader benchmark: a 100,000-row QIP tracker read three ways, in one run, on one file,
and the safety checks alone.

    make bench            (or: .venv/bin/python benchmarks/bench_reader.py [--rows N])

(a) ``pandas.read_excel(engine="openpyxl")``: the baseline a data team would write first;
(b) the raw read the pipeline uses (python-calamine, every cell of the data sheet);
(c) the whole path: safety checks + read + normalise + validate into accepted/rejected rows;
(d) of which the safety checks alone (the package, its XML, how far the data sheet's cells reach).

Each is run in its own child process (best of --repeat wall times; peak RSS of the child,
which includes the interpreter and imports). Ratios are against (a) measured in this run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {
    "a": (
        "pandas.read_excel(engine='openpyxl') (baseline)",
        "import pandas as pd\n"
        "df = pd.read_excel(PATH, sheet_name='Suivi QIPs', engine='openpyxl', header=3)\n"
        "rows = len(df)",
    ),
    "b": (
        "raw read: python-calamine, whole sheet",
        "from python_calamine import CalamineWorkbook\n"
        "cells = CalamineWorkbook.from_path(PATH).get_sheet_by_name('Suivi QIPs')"
        ".to_python(skip_empty_area=False)\n"
        "rows = len(cells)",
    ),
    "c": (
        "whole path: read_tracker (checks, read, normalise, validate)",
        "from pathlib import Path\n"
        "from sr_pipeline.trackers.discovery import recognise\n"
        "from sr_pipeline.trackers.reader import read_tracker\n"
        "result = read_tracker(recognise(Path(PATH)))\n"
        "assert result.refused is None, result.refused\n"
        "rows = len(result.tables['projects']) + result.rejected_rows['source_row'].nunique()",
    ),
    "d": (
        "of which the safety checks: check_workbook (zip, XML, how far the cells reach)",
        "from pathlib import Path\n"
        "from sr_pipeline.trackers.safety import check_workbook\n"
        "check_workbook(Path(PATH), ['Suivi QIPs'])\n"
        "rows = -1  # the checks count no rows: the sheet's, as (b) read them",
    ),
}

# Peak memory is the child's VmHWM: ru_maxrss would carry the parent's peak over the exec.
CHILD = """
import re, sys, time
from pathlib import Path
PATH = sys.argv[1]
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text()
print(rows, seconds, int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024)
"""


def run_case(code: str, path: Path) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(body=code), str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.split()  # fmt: skip
    return int(out[0]), float(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from tests.builders import big_qip_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = big_qip_workbook(Path(tmp) / "QIPs_Suivi_2018-06-30.xlsx", args.rows)
        size_mb = path.stat().st_size / 2**20
        print(f"{args.rows:,}-row QIP tracker, {size_mb:.1f} MB, best of {args.repeat}\n")
        results = {}
        for key, (label, code) in CASES.items():
            runs = [run_case(code, path) for _ in range(args.repeat)]
            rows = runs[0][0] if runs[0][0] >= 0 else results["b"][1]
            seconds = min(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            results[key] = (label, rows, seconds, peak)
        base = results["a"][2]
        print("| reader | rows | seconds | rows/s | × baseline | peak RSS (MB) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for key, (label, rows, seconds, peak) in results.items():
            print(
                f"| ({key}) {label} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | "
                f"{base / seconds:.1f} | {peak:.0f} |"
            )


if __name__ == "__main__":
    main()
