"""The project's performance table in one run: every ratio against a baseline measured in it.

    .venv/bin/python benchmarks/bench_month.py [--repeat N] [--quick] [--no-lake]
    (make bench-month)

Each timed command is the documented one, typed as a user types it, in its own process, with
a throwaway ``DAGSTER_HOME`` (a copy of ``sr_pipeline/defs/dagster.yaml``), a fresh warehouse
unless said otherwise, and ``SR_TRACKERS_DIR`` set to the folder measured:

1. June 2018 with a 100,000-row QIP tracker (``dg launch --assets '*' --partition
   2018-06-01``) against ``pandas.read_excel(engine='openpyxl')`` of that QIP file (target
   <= 0.4 x the read);
2. that command's peak memory (target <= 400 MB);
3. June 2018 on the demo trackers against the floor: two trivial assets, in process, with
   ``dagster asset materialize -f`` and with ``dg launch -f`` (target <= 1.6 x floor), and the
   same month again on its warm warehouse;
4. the backfill ``dg launch --assets '*' --partition-range 2013-07-01...2018-12-01`` on the demo
   trackers against (3)'s fresh month (target <= 2.5 x month), and the same backfill again on
   its warm warehouse;
5. the month with a 1,000-, 10,000- and 100,000-row QIP June tracker (rows scaling);
6. the backfill on folders with 1x, 3x and 10x the demo's 9 tracker versions (versions
   scaling; benchmarks/scale_trackers.py writes them, and every generated version must load);
7. unless --no-lake: the demo month and backfill into a fresh DuckLake (catalog in a private
   PostgreSQL on loopback, data in a folder) against the same commands in file mode.

Times are best of --repeat (default 3), wall clock of the command's process as measured by a
tiny wrapper process that starts it, waits for it and also reports
``getrusage(RUSAGE_CHILDREN)``: the CPU seconds (user + system) of the command's whole tree,
and ``ru_maxrss``, the peak resident memory of the largest single process of the tree (not a
sum), interpreter and imports included. Every ratio is given in wall seconds and, beside it,
in CPU seconds (best of the repeats each): on a loaded machine the CPU ratio is the steadier.
The 100,000-row scaling point is measure 1's run (no second run). --quick: one repeat and no
10x versions, for a smoke check. Writes benchmarks/out/bench_month.json (every run) and
benchmarks/out/scaling.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale_trackers import BIG_QIP, rows_folder, versions_folder  # noqa: E402

BIN = Path(sys.executable).parent
VENV = BIN.parent
DG, DAGSTER = str(BIN / "dg"), str(BIN / "dagster")
DEMO = ROOT / "sources" / "trackers"
MONTH = [DG, "launch", "--assets", "*", "--partition", "2018-06-01"]
BACKFILL = [DG, "launch", "--assets", "*", "--partition-range", "2013-07-01...2018-12-01"]
READ = (
    "import sys, pandas; "
    "pandas.read_excel(sys.argv[1], sheet_name='Suivi QIPs', engine='openpyxl', header=3)"
)
BIG_ROWS, SCALE_ROWS, SCALE_VERSIONS = 100_000, (1_000, 10_000, 100_000), (1, 3, 10)
DEMO_VERSION_COUNT = 9
TARGETS = {
    "month_over_read": 0.4,
    "peak_mb": 400,
    "month_over_floor": 1.6,
    "backfill_over_month": 2.5,
}

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

# Runs the command, waits for it, reports its wall time and the peak RSS of its largest
# process (RUSAGE_CHILDREN covers every descendant that was waited for). Started with -I -S:
# a ~10 MB interpreter, so a child's RSS carried over the fork/exec is negligible.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as report:
    json.dump({"returncode": code, "seconds": seconds, "max_rss_kb": usage.ru_maxrss,
               "cpu_seconds": usage.ru_utime + usage.ru_stime}, report)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    """Runs the commands in throwaway folders under ``tmp`` and keeps every run."""

    def __init__(self, tmp: Path, secrets_to_hide: list[str]) -> None:
        self.tmp = tmp
        self.runs: list[dict[str, Any]] = []
        self.hide = secrets_to_hide
        self._count = 0
        self.base_env = {k: v for k, v in os.environ.items() if not k.startswith("SR_")}
        self.base_env.update(
            VIRTUAL_ENV=str(VENV),
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            # This checkout's code, also when the venv's editable install points elsewhere.
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        (tmp / "floor_defs.py").write_text(FLOOR_DEFS)

    def fresh(self, name: str) -> Path:
        self._count += 1
        folder = self.tmp / f"{self._count:03d}-{name}"
        folder.mkdir()
        return folder

    def home(self) -> Path:
        """A throwaway DAGSTER_HOME holding the project's dagster.yaml (telemetry off)."""
        home = self.fresh("dagster_home")
        shutil.copy(ROOT / "sr_pipeline" / "defs" / "dagster.yaml", home / "dagster.yaml")
        return home

    def env(self, home: Path, trackers: Path | None = None, **settings: str) -> dict[str, str]:
        env = {**self.base_env, "DAGSTER_HOME": str(home)}
        if trackers is not None:
            env["SR_TRACKERS_DIR"] = str(trackers)
        return {**env, **settings}

    def file_env(self, trackers: Path) -> tuple[dict[str, str], Path]:
        """A fresh DAGSTER_HOME and a fresh warehouse file (``<tmp>/wh/sr.duckdb``)."""
        warehouse = self.fresh("wh") / "wh" / "sr.duckdb"
        return self.env(self.home(), trackers, SR_WAREHOUSE=str(warehouse)), warehouse

    def run(
        self,
        measure: str,
        repeat: int,
        args: list[str],
        env: dict[str, str],
        dagster_run: bool = True,
        **extra: Any,
    ) -> dict[str, Any]:
        """Run ``args`` under the wrapper; exit with its stderr's tail unless it succeeded."""
        self._count += 1
        report = self.tmp / f"run-{self._count:03d}.json"
        out, err = (self.tmp / f"run-{self._count:03d}.{s}" for s in ("out", "err"))
        wrapped = [sys.executable, "-I", "-S", "-c", WRAPPER, str(report), *args]
        print(f"  {measure} #{repeat + 1}: {shlex.join(args)}", end="", flush=True)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            subprocess.run(wrapped, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, check=False)
        outer = time.perf_counter() - start
        stderr_text = err.read_text(errors="replace")
        result = json.loads(report.read_text()) if report.exists() else {"returncode": None}
        if result["returncode"] != 0 or (dagster_run and "RUN_SUCCESS" not in stderr_text):
            tail = stderr_text[-4000:]
            for secret in self.hide:
                tail = tail.replace(secret, "***")
            sys.exit(
                f"\nFAILED ({measure}, exit {result['returncode']}): {shlex.join(args)}\n"
                f"--- tail of its stderr ---\n{tail}"
            )
        record = {
            "measure": measure,
            "repeat": repeat + 1,
            "command": shlex.join(args),
            "seconds": round(result["seconds"], 3),
            "outer_seconds": round(outer, 3),
            "cpu_seconds": round(result["cpu_seconds"], 2),
            "max_rss_mb": round(result["max_rss_kb"] / 1024, 1),
            "load_average_1min_at_start": round(load, 2),
            **extra,
        }
        print(f"  {record['seconds']:.2f} s, {record['max_rss_mb']:.0f} MB (load {load:.2f})")
        self.runs.append(record)
        for path in (out, err, report):
            path.unlink()
        return record


def verify_loaded(published: Path, expected: dict[str, int]) -> int:
    """Every file in ``expected`` (name -> project rows) read, accepted, all rows loaded, and
    none in dq.rejected_files; exits loudly otherwise. Returns dq.rejected_files' count."""
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        refused = con.execute("SELECT source_file, problem FROM dq.rejected_files").fetchall()
        read = {
            name: (problem, accepted)
            for name, problem, accepted in con.execute(
                "SELECT source_file, refused, rows_accepted FROM raw.tracker_files"
            ).fetchall()
        }
    finally:
        con.close()
    problems = sorted(
        {f"refused: {name}: {problem}" for name, problem in refused if name in expected}
    )
    for name, rows in sorted(expected.items()):
        if name not in read:
            problems.append(f"never read: {name}")
        elif read[name][0] is not None:
            problems.append(f"refused when read: {name}: {read[name][0]}")
        elif read[name][1] != rows:
            problems.append(f"{name}: {read[name][1]} rows accepted of {rows}")
    if problems:
        sys.exit("FAILED: generated trackers not loaded:\n" + "\n".join(problems))
    return len(refused)


@dataclass
class PrivateLake:
    """A private PostgreSQL on loopback with the section's lake roles (deploy/ducklake/),
    as tests/test_lake.py's fixtures make it; ``new()`` makes a fresh lake each time."""

    server: Any
    base: Path
    admin_password: str
    pipeline_password: str
    count: int = 0

    def psql(self, script: str, **variables: str) -> None:
        command = [
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self.server.socket_dir),
            "-p",
            str(self.server.port),
            "-U",
            "sr_admin",
            "-d",
            "postgres",
            "-f",
            str(ROOT / "deploy" / "ducklake" / script),
        ]
        for name, value in variables.items():
            command[1:1] = ["-v", f"{name}={value}"]
        done = subprocess.run(
            command,
            env={**os.environ, "PGPASSWORD": self.admin_password},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"FAILED: psql -f deploy/ducklake/{script}:\n{done.stderr[-2000:]}")

    def new(self, work: Path) -> dict[str, str]:
        """A new, empty lake: its catalog database, its data folder and a work folder."""
        self.count += 1
        name = f"sr_lake_{self.count}"
        self.psql("catalog.sql", lake_db=name)
        data = self.base / name
        data.mkdir(mode=0o755)
        # The password goes to libpq, never into the setting (the pipeline refuses one there).
        catalog = (
            f"ducklake:postgres:dbname={name} host=127.0.0.1 port={self.server.port} "
            "user=sr_pipeline"
        )
        return {"SR_WAREHOUSE": catalog, "SR_LAKE_DATA": str(data), "SR_WORK_DIR": str(work),
                "PGPASSWORD": self.pipeline_password}  # fmt: skip


@contextmanager
def private_lake() -> Iterator[PrivateLake]:
    from sr_pipeline.service.postgres import PrivateCluster

    base = Path(tempfile.mkdtemp(prefix="bench-month-lake-", dir="/tmp"))
    base.chmod(0o755)  # the server's user (postgres, when we are root) must get through
    admin, pipeline, analyst = (secrets.token_urlsafe(18) for _ in range(3))
    server = PrivateCluster(base / "pg", free_port(), admin_password=admin)
    try:
        server.start()
        lake = PrivateLake(server, base, admin, pipeline)
        # roles.sql reads each role's password from a file it is given the name of.
        files = {}
        for role, password in (("pipeline", pipeline), ("analyst", analyst)):
            files[f"{role}_password_file"] = base / f"lake-{role}-password"
            files[f"{role}_password_file"].write_text(password + "\n")
            files[f"{role}_password_file"].chmod(0o600)
        lake.psql("roles.sql", **{name: str(path) for name, path in files.items()})
        yield lake
    finally:
        pid = server.postmaster_pid()
        try:
            server.stop()
        finally:
            deadline = time.monotonic() + 10
            while pid and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            shutil.rmtree(base, ignore_errors=True)
        if pid and Path(f"/proc/{pid}").exists():
            print(f"WARNING: PostgreSQL (pid {pid}) still running", file=sys.stderr)


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in (
        "duckdb",
        "dagster",
        "dagster-dg-cli",
        "pandas",
        "openpyxl",
        "python-calamine",
        "duckdb-extension-ducklake",
        "matplotlib",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def measure_all(
    bench: Bench, options: argparse.Namespace, lake: PrivateLake | None, folders: dict[str, Any]
) -> None:
    """Every command, ``options.repeat`` times, interleaved so that a change of load affects
    a measure and its baseline alike."""
    floor = bench.tmp / "floor_defs.py"
    for r in range(options.repeat):
        print(f"repeat {r + 1} of {options.repeat}")
        bench.run(
            "floor_dagster",
            r,
            [DAGSTER, "asset", "materialize", "-f", str(floor), "--select", "*"],
            bench.env(bench.home()),
        )
        bench.run(
            "floor_dg",
            r,
            [DG, "launch", "-f", str(floor), "--assets", "*"],
            bench.env(bench.home()),
        )
        env, _ = bench.file_env(DEMO)
        bench.run("month_demo", r, MONTH, env)
        bench.run("month_demo_warm", r, MONTH, env)
        env, _ = bench.file_env(DEMO)
        bench.run("backfill_demo", r, BACKFILL, env)
        bench.run("backfill_demo_warm", r, BACKFILL, env)

        bench.run(
            "read_100k",
            r,
            [sys.executable, "-c", READ, str(folders["big_qip"])],
            bench.base_env,
            dagster_run=False,
        )
        for rows, trackers in folders["rows"].items():
            env, published = bench.file_env(trackers)
            name = "month_100k" if rows == BIG_ROWS else f"month_rows_{rows}"
            record = bench.run(name, r, MONTH, env, rows=rows)
            record["rejected_files"] = verify_loaded(published, {BIG_QIP.name: rows})
        for factor, (trackers, generated) in folders["versions"].items():
            env, published = bench.file_env(trackers)
            versions = DEMO_VERSION_COUNT * factor
            record = bench.run(
                f"backfill_versions_{versions}",
                r,
                BACKFILL,
                env,
                versions=versions,
                generated_files=len(generated),
            )
            record["rejected_files"] = verify_loaded(published, generated)

        if lake is not None:
            bench.run(
                "lake_month",
                r,
                MONTH,
                bench.env(bench.home(), DEMO, **lake.new(bench.fresh("work"))),
            )
            bench.run(
                "lake_backfill",
                r,
                BACKFILL,
                bench.env(bench.home(), DEMO, **lake.new(bench.fresh("work"))),
            )


def row(
    measure: str,
    seconds: str,
    baseline: str = "",
    baseline_seconds: str = "",
    ratio: str = "",
    target: str = "",
    result: str = "",
    cpu: tuple[str, str, str] = ("", "", ""),
) -> dict[str, str]:
    """One line of the main table; ``cpu``: the measure's CPU seconds, its baseline's and
    their ratio."""
    return {
        "measure": measure,
        "seconds": seconds,
        "baseline": baseline,
        "baseline seconds": baseline_seconds,
        "ratio": ratio,
        "target": target,
        "result": result,
        "CPU s": cpu[0],
        "baseline CPU s": cpu[1],
        "CPU ratio": cpu[2],
    }


def cpu_columns(cpu: dict[str, float], measure: str, baseline: str = "") -> tuple[str, str, str]:
    """A measure's best CPU seconds, its baseline's, and their ratio (as table cells)."""
    if measure not in cpu:
        return ("", "", "")
    if not baseline or baseline not in cpu:
        return (f"{cpu[measure]:.2f}", "", "")
    return (f"{cpu[measure]:.2f}", f"{cpu[baseline]:.2f}", f"{cpu[measure] / cpu[baseline]:.2f}")


def met(value: float, limit: float) -> str:
    return "met" if value <= limit else "**missed**"


def tables(
    best: dict[str, float], peak_mb: float, cpu: dict[str, float] | None = None
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The main table (ratios against baselines, in wall and in CPU seconds) and the scaling
    table."""
    cpu = cpu or {}
    t = TARGETS
    month_cmd = "`dg launch --assets '*' --partition 2018-06-01`"
    main = [
        row(
            "floor: two trivial assets, `dagster asset materialize -f floor_defs.py --select '*'`",
            f"{best['floor_dagster']:.2f}",
            cpu=cpu_columns(cpu, "floor_dagster"),
        ),
        row(
            "floor: the same with `dg launch -f floor_defs.py --assets '*'`",
            f"{best['floor_dg']:.2f}",
            cpu=cpu_columns(cpu, "floor_dg"),
        ),
    ]
    ratio = best["month_100k"] / best["read_100k"]
    main.append(
        row(
            f"1. June 2018 with a 100,000-row QIP tracker, fresh: {month_cmd}",
            f"{best['month_100k']:.2f}",
            "`pandas.read_excel(engine='openpyxl')` of the QIP file",
            f"{best['read_100k']:.2f}",
            f"{ratio:.2f}",
            f"≤ {t['month_over_read']}",
            met(ratio, t["month_over_read"]),
            cpu_columns(cpu, "month_100k", "read_100k"),
        )
    )
    main.append(
        row(
            "2. its peak memory (max RSS of the largest process of its tree), MB",
            f"{peak_mb:.0f} MB",
            "",
            "",
            "",
            f"≤ {t['peak_mb']} MB",
            met(peak_mb, t["peak_mb"]),
        )
    )
    for floor, label in (
        ("floor_dagster", "`dagster asset materialize -f`"),
        ("floor_dg", "`dg launch -f`"),
    ):
        ratio = best["month_demo"] / best[floor]
        main.append(
            row(
                f"3. June 2018, demo trackers, fresh: {month_cmd}",
                f"{best['month_demo']:.2f}",
                f"floor ({label})",
                f"{best[floor]:.2f}",
                f"{ratio:.2f}",
                f"≤ {t['month_over_floor']}",
                met(ratio, t["month_over_floor"]),
                cpu_columns(cpu, "month_demo", floor),
            )
        )
    main.append(
        row(
            "3. June 2018, demo trackers, warm (the same command again)",
            f"{best['month_demo_warm']:.2f}",
            "floor (`dagster asset materialize -f`)",
            f"{best['floor_dagster']:.2f}",
            f"{best['month_demo_warm'] / best['floor_dagster']:.2f}",
            cpu=cpu_columns(cpu, "month_demo_warm", "floor_dagster"),
        )
    )
    ratio = best["backfill_demo"] / best["month_demo"]
    main.append(
        row(
            "4. backfill 2013-07 … 2018-12 as one run, demo trackers, fresh: `dg launch --assets "
            "'*' --partition-range 2013-07-01...2018-12-01`",
            f"{best['backfill_demo']:.2f}",
            "June 2018, demo, fresh (3)",
            f"{best['month_demo']:.2f}",
            f"{ratio:.2f}",
            f"≤ {t['backfill_over_month']}",
            met(ratio, t["backfill_over_month"]),
            cpu_columns(cpu, "backfill_demo", "month_demo"),
        )
    )
    if "backfill_demo_warm" in best:
        main.append(
            row(
                "4. the same backfill, warm (the same command again on its warehouse)",
                f"{best['backfill_demo_warm']:.2f}",
                "June 2018, demo, fresh (3)",
                f"{best['month_demo']:.2f}",
                f"{best['backfill_demo_warm'] / best['month_demo']:.2f}",
                cpu=cpu_columns(cpu, "backfill_demo_warm", "month_demo"),
            )
        )
    if "lake_month" in best:
        for what, lake, file in (
            ("June 2018", "lake_month", "month_demo"),
            ("backfill", "lake_backfill", "backfill_demo"),
        ):
            main.append(
                row(
                    f"7. {what}, demo trackers, into a fresh DuckLake (PostgreSQL catalog)",
                    f"{best[lake]:.2f}",
                    "the same into a fresh DuckDB file",
                    f"{best[file]:.2f}",
                    f"{best[lake] / best[file]:.2f}",
                    cpu=cpu_columns(cpu, lake, file),
                )
            )

    scaling = []
    first = best["month_rows_1000"]
    for rows in SCALE_ROWS:
        name = "month_100k" if rows == BIG_ROWS else f"month_rows_{rows}"
        if name not in best:
            continue
        per = (best[name] - first) / ((rows - 1_000) / 1_000) if rows > 1_000 else None
        scaling.append(
            {
                "measure": "5. June 2018, fresh, QIP tracker of",
                "size": f"{rows:,} rows",
                "seconds": f"{best[name]:.2f}",
                "× first": f"{best[name] / first:.2f}",
                "beyond the first": "" if per is None else f"{per:.3f} s per 1,000 rows",
            }
        )
    first = best["backfill_demo"]
    for factor in SCALE_VERSIONS:
        versions = DEMO_VERSION_COUNT * factor
        name = "backfill_demo" if factor == 1 else f"backfill_versions_{versions}"
        if name not in best:
            continue
        per = (best[name] - first) / (versions - DEMO_VERSION_COUNT) if factor > 1 else None
        scaling.append(
            {
                "measure": "6. backfill, fresh, trackers folder of",
                "size": f"{versions} versions",
                "seconds": f"{best[name]:.2f}",
                "× first": f"{best[name] / first:.2f}",
                "beyond the first": "" if per is None else f"{per:.2f} s per version",
            }
        )
    return main, scaling


def markdown(rows: list[dict[str, str]]) -> str:
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(r[h] for h in headers) + " |" for r in rows]
    return "\n".join(lines)


def plot(best: dict[str, float], path: Path) -> None:
    """Month seconds against QIP rows (log x) and backfill seconds against versions, each
    with the line of proportional growth through its first point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows = [(n, best.get("month_100k" if n == BIG_ROWS else f"month_rows_{n}")) for n in SCALE_ROWS]
    versions = [
        (
            k * DEMO_VERSION_COUNT,
            best.get("backfill_demo" if k == 1 else f"backfill_versions_{k * DEMO_VERSION_COUNT}"),
        )
        for k in SCALE_VERSIONS
    ]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4), dpi=110)
    for axis, points, unit in ((left, rows, "rows"), (right, versions, "versions")):
        points = [(x, y) for x, y in points if y is not None]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        axis.plot(xs, ys, "o-", color="#1f5fa8", label="measured (best of the repeats)")
        for x, y in points:
            axis.annotate(f"{y:.1f} s", (x, y), textcoords="offset points", xytext=(4, -14))
        # The line of linear growth (time proportional to size) through the first point: it
        # leaves the panel early; its value at the last size is in the legend.
        last = SCALE_ROWS[-1] if unit == "rows" else SCALE_VERSIONS[-1] * DEMO_VERSION_COUNT
        ref = np.geomspace(xs[0], last, 60) if unit == "rows" else np.linspace(xs[0], last, 60)
        axis.plot(
            ref,
            ys[0] * ref / xs[0],
            "--",
            color="#888888",
            label=f"linear in {unit} through the first point "
            f"({ys[0] * last / xs[0]:,.0f} s at {last:,})",
        )
        axis.set_ylim(0, max(ys) * 1.4)
        axis.set_xlim(
            xs[0] * (0.8 if unit == "rows" else 0), last * (1.25 if unit == "rows" else 1.05)
        )
        axis.set_ylabel("seconds (wall clock, whole command)")
        axis.grid(alpha=0.3)
        axis.legend(loc="upper left", fontsize=8)
    left.set_xscale("log")
    left.set_xlabel("rows in the QIP June tracker")
    left.set_title("dg launch --partition 2018-06-01, fresh", fontsize=10)
    right.set_xlabel("tracker versions in the folder")
    right.set_title("dg launch --partition-range 2013-07…2018-12, fresh", fontsize=10)
    fig.suptitle(f"sr-pipeline scaling ({datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument(
        "--quick", action="store_true", help="one repeat and no 10x versions (a smoke check)"
    )
    parser.add_argument("--no-lake", action="store_true", help="skip the DuckLake measures")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    options = parser.parse_args()
    if options.quick:
        options.repeat = 1
    started, wall = datetime.now(UTC), time.perf_counter()
    load_before = os.getloadavg()
    print(
        f"bench_month: repeat {options.repeat}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.2f}' for x in load_before)}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-month-") as tmp:
        bench = Bench(Path(tmp), [])
        print("writing tracker folders")
        folders: dict[str, Any] = {"rows": {}, "versions": {}}
        for rows in SCALE_ROWS:
            folder = bench.fresh(f"trackers-{rows}-rows")
            qip = rows_folder(folder, DEMO, rows)
            folders["rows"][rows] = folder
            if rows == BIG_ROWS:
                folders["big_qip"] = qip
        for factor in SCALE_VERSIONS[1:]:
            if options.quick and factor == 10:
                continue
            folder = bench.fresh(f"trackers-{factor}x")
            generated = versions_folder(folder / "trackers", DEMO, factor)
            folders["versions"][factor] = (folder / "trackers", generated)
        with private_lake() if not options.no_lake else _no_lake() as lake:
            if lake is not None:
                bench.hide += [lake.admin_password, lake.pipeline_password]
            measure_all(bench, options, lake, folders)
        runs = bench.runs

    load_after = os.getloadavg()
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    for run in runs:
        best[run["measure"]] = min(best.get(run["measure"], float("inf")), run["seconds"])
        best_cpu[run["measure"]] = min(
            best_cpu.get(run["measure"], float("inf")), run["cpu_seconds"]
        )
    peak_mb = max(r["max_rss_mb"] for r in runs if r["measure"] == "month_100k")
    main_rows, scaling_rows = tables(best, peak_mb, best_cpu)
    elapsed = time.perf_counter() - wall
    print(
        f"\nbest of {options.repeat}; {started:%Y-%m-%d}, {os.cpu_count()} cores; load average "
        f"before {' '.join(f'{x:.2f}' for x in load_before)}, after "
        f"{' '.join(f'{x:.2f}' for x in load_after)}; {elapsed / 60:.1f} min in all\n"
    )
    print(markdown(main_rows))
    print()
    print(markdown(scaling_rows))
    options.out.mkdir(parents=True, exist_ok=True)
    plot(best, options.out / "scaling.png")
    report = {
        "date": started.isoformat(timespec="seconds"),
        "command": shlex.join([sys.executable, *sys.argv]),
        "repeat": options.repeat,
        "quick": options.quick,
        "lake": not options.no_lake,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "wall_seconds": round(elapsed, 1),
        "versions": package_versions(),
        "targets": TARGETS,
        "best_seconds": best,
        "best_cpu_seconds": best_cpu,
        "peak_rss_mb_month_100k": peak_mb,
        "table": main_rows,
        "scaling": scaling_rows,
        "runs": runs,
        "peak_memory_note": "max RSS of the largest process of the command's tree "
        "(getrusage(RUSAGE_CHILDREN).ru_maxrss in a wrapper process)",
    }
    (options.out / "bench_month.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwrote {options.out / 'bench_month.json'} and {options.out / 'scaling.png'}")


@contextmanager
def _no_lake() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    main()
