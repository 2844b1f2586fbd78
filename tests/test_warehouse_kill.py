"""A month command killed with SIGKILL anywhere, as an operator's crash or an OOM kill would,
and an analyst's DuckDB left in its default read-write mode on the published file.

Guards against: a published file left half-written, missing, or mixing two runs; a killed run
whose leftovers (the publishing copy, a half-rendered bulletin month, a half-written feedback
workbook) stay forever or break the next run; an analyst's read-write session that locks the
file for everyone else, or whose write-ahead log is replayed into the next published file;
a kill "inside publishing" that in fact landed elsewhere (before the staging copy, after the
rename, in the other publication of the run, or on a state identical to the one it should
differ from) and so proved nothing. Every public table is compared (the project's own list).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest

from tests import ROOT
from tests.pipeline_helpers import (
    build,
    child_env,
    public_content,
    rows,
    write_qip_june_v2,
    write_small_trackers,
)

pytestmark = pytest.mark.slow

# Kills spread evenly over a whole run: 8 in `make test` (CI), as many as asked with
# SR_KILL_POINTS (the 20-point run is in docs/performance.md).
TIMED_KILLS = int(os.environ.get("SR_KILL_POINTS", "8"))
COMMAND = ["--assets", "*", "--partition", "2018-06-01"]


def month_command(trackers: Path, warehouse: Path, home: Path) -> tuple[list[str], dict]:
    """The documented month command (``dg launch``), as a user runs it."""
    env = {**child_env(trackers, warehouse), "DAGSTER_HOME": str(home),
           "VIRTUAL_ENV": str(Path(sys.executable).parent.parent)}  # fmt: skip
    return [str(Path(sys.executable).parent / "dg"), "launch", *COMMAND], env


def leftovers(warehouse: Path) -> list[str]:
    folder = warehouse.parent
    found = [
        warehouse.with_name(warehouse.name + ".tmp"),
        warehouse.with_name(warehouse.name + ".wal"),
    ]
    found = [p for p in found if p.exists()]
    found += list(folder.glob("bulletins/.*")) + list(folder.glob("feedback/*/.*.tmp"))
    found += list(folder.glob("templates/.*.tmp"))
    return sorted(str(p.relative_to(folder)) for p in found)


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had finished
    child.wait(timeout=30)
    deadline = time.monotonic() + 10  # its other processes are reaped by init
    while time.monotonic() < deadline:
        try:
            os.killpg(child.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise AssertionError("a process of the killed command is still running")


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """June 2018 published, the warehouse folder kept as the "before" state every kill starts
    from; then a revised June tracker arrives, and the time a complete run of the month
    command takes is measured on a copy (with the content it publishes)."""
    tmp_path = tmp_path_factory.mktemp("kill")
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    before = public_content(warehouse)
    saved = tmp_path / "before"
    shutil.copytree(warehouse.parent, saved)
    write_qip_june_v2(trackers)
    copy = tmp_path / "copy" / "sr.duckdb"
    shutil.copytree(saved, copy.parent)
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    command, env = month_command(trackers, copy, home)
    started = time.monotonic()
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    duration = time.monotonic() - started
    after = public_content(copy)
    assert after != before

    def reset() -> None:
        """The warehouse folder exactly as it was before the revision: published file, work
        database, bulletins and feedback; no leftover of an earlier kill."""
        shutil.rmtree(warehouse.parent)
        shutil.copytree(saved, warehouse.parent)
        assert public_content(warehouse) == before and leftovers(warehouse) == []

    return trackers, warehouse, home, before, after, duration, reset


def test_sigkill_anywhere_in_a_month_run_leaves_a_whole_published_file(scene):
    trackers, warehouse, home, before, after, duration, reset = scene
    command, env = month_command(trackers, warehouse, home)
    moments = [duration * i / (TIMED_KILLS + 1) for i in range(1, TIMED_KILLS + 1)]
    seen = []
    for moment in moments:
        reset()
        child = start(command, env)
        time.sleep(moment)
        kill_group(child)
        content = public_content(warehouse)  # opens read-only: never missing, never half
        assert content in (before, after), f"killed at {moment:.2f} s: a mixed published file"
        seen.append("before" if content == before else "after")
    assert "before" in seen  # the kills did land before the publication (most of the run)

    # The next run succeeds, publishes the revision and removes what the killed ones left.
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert public_content(warehouse) == after
    assert leftovers(warehouse) == []


def bulletins_recorded(warehouse: Path) -> int:
    return rows(warehouse, "SELECT count(*) FROM marts.publications")[0][0]


# The publications of one month run, in order: the published warehouse (after the marts),
# then the bulletin's (the rendered bulletin recorded in the warehouse, published again).
PUBLICATIONS = {1: "warehouse/published", 2: "bulletin/monthly"}


@pytest.mark.parametrize("publication", sorted(PUBLICATIONS))
def test_a_kill_inside_each_publication_lands_where_aimed(scene, publication, record_property):
    """Kills aimed inside publishing, each from the reset "before" state: at each
    publication of the run, once the staging copy is complete but not yet renamed (the
    published file must still be the previous state, and stay so), and once it has just
    been renamed (the published file is the new state, whole). The run is held at the point
    by the publish probe (``SR_PUBLISH_PROBE``), so the kill cannot miss it: a kill that did
    not land where aimed fails."""
    trackers, warehouse, home, before, after, _, reset = scene
    command, env = month_command(trackers, warehouse, home)
    staging = warehouse.with_name("sr.duckdb.tmp")
    work = warehouse.with_name("sr.work.duckdb")
    # What the published file holds before and after each publication: the first publishes
    # the revision; the second republishes it with the bulletin recorded (marts.publications,
    # a record of when things happened, not a public table: it tells the two apart).
    previous = {1: before, 2: after}[publication]
    reset()
    recorded = bulletins_recorded(warehouse)
    bulletins = {1: (recorded, recorded), 2: (recorded, recorded + 1)}[publication]
    landed = []
    for point, expected_now, bulletins_now in (
        ("staged", previous, bulletins[0]),
        ("replaced", after, bulletins[1]),
    ):
        reset()
        probe = Path(tempfile.mkdtemp(prefix="sr-probe-"))
        child = start(command, {**env, "SR_PUBLISH_PROBE": str(probe)})
        try:
            target = probe / f"{publication}-{point}"
            deadline = time.monotonic() + 300
            while not target.exists():
                assert child.poll() is None, f"the run ended before {target.name}: missed"
                assert time.monotonic() < deadline, f"{target.name} never reached"
                for marker in probe.glob("*-*ed"):  # release every point before the target
                    if marker != target:
                        marker.with_name(f"{marker.name}.go").touch()
                time.sleep(0.01)
            # Held at the point: where exactly are we?
            assert staging.exists() == (point == "staged")
            if point == "staged":
                assert staging.stat().st_size == work.stat().st_size  # the copy is complete
            now = public_content(warehouse)
            assert now == expected_now, f"publication {publication}, {point}: unexpected state"
            assert bulletins_recorded(warehouse) == bulletins_now
        finally:
            kill_group(child)
            shutil.rmtree(probe, ignore_errors=True)
        assert public_content(warehouse) == expected_now  # whole, and the state it was
        assert bulletins_recorded(warehouse) == bulletins_now
        landed.append(
            f"publication {publication} ({PUBLICATIONS[publication]}), killed {point}: "
            f"staging {'present' if point == 'staged' else 'gone'}, published file = "
            f"{'before' if expected_now == before else 'after'} the revision with "
            f"{bulletins_now} bulletin(s) recorded"
        )
    print("\n".join(landed))
    record_property("landed", landed)
    # The next run publishes the revision and removes what the killed one left.
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert public_content(warehouse) == after
    assert leftovers(warehouse) == []


def analyst_cli(tmp: Path) -> Path:
    """The DuckDB CLI binary the setup installs (duckdb-cli), copied where any user can run it."""
    import duckdb_cli

    binary = Path(duckdb_cli.__file__).parent / "duckdb"
    copy = tmp / "duckdb"
    shutil.copy(binary, copy)
    copy.chmod(0o755)
    return copy


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None,
                    reason="needs root to run the analyst as another user")  # fmt: skip
def test_an_analysts_default_read_write_cli_is_refused_and_locks_nothing():
    """An analyst's account is not the pipeline's: the published file is read-only for
    everyone, so DuckDB's CLI in its default (read-write) mode is refused at once, takes no lock
    and writes no WAL; ``-readonly`` works, and so do other readers meanwhile."""
    folder = Path(tempfile.mkdtemp(prefix="sr-analyst-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        trackers = write_small_trackers(folder / "trackers")
        warehouse = folder / "warehouse" / "sr.duckdb"
        assert build(trackers, warehouse, "2018-06-01").success
        warehouse.parent.chmod(0o755)
        assert warehouse.stat().st_mode & 0o777 == 0o444
        cli = analyst_cli(folder)
        query = "SELECT count(*) FROM snapshots.projects;\nCREATE TABLE mine AS SELECT 1;\n"
        refused = subprocess.run(
            ["runuser", "-u", "nobody", "--", str(cli), str(warehouse)],
            input=query, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert refused.returncode != 0
        assert "Permission denied" in refused.stdout + refused.stderr
        assert not warehouse.with_name("sr.duckdb.wal").exists()
        reading = subprocess.run(
            ["runuser", "-u", "nobody", "--", str(cli), "-readonly", "-csv", str(warehouse),
             "-c", "SELECT count(*) AS n FROM snapshots.projects WHERE as_of = DATE '2018-06-30'"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert reading.returncode == 0 and reading.stdout.split() == [
            "n",
            "10",
        ]  # 4 QIP, 3 TF, 3 PBF rows
        # And the next run publishes over it as usual.
        assert build(trackers, warehouse, "2018-06-01").success
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_read_write_session_that_writes_never_reaches_the_next_published_file(tmp_path):
    """The pipeline's own account (or root) is not stopped by the file mode: a session in
    DuckDB's default mode holds the published file through a run and writes to it. The run is
    not blocked, the next published file holds none of the session's writes (its write-ahead
    log beside the file is dropped at publication), and readers open it meanwhile."""
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    session = subprocess.Popen([str(analyst_cli(tmp_path)), str(warehouse)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        session.stdin.write("CREATE TABLE scratch AS SELECT 42 AS x;\n.print written\n")
        session.stdin.flush()
        assert session.stdout.readline().strip() == "written"
        assert warehouse.with_name("sr.duckdb.wal").exists()  # the session's own log
        write_qip_june_v2(trackers)
        assert build(trackers, warehouse, "2018-06-01").success  # not blocked by its lock
        assert not warehouse.with_name("sr.duckdb.wal").exists()
        with duckdb.connect(str(warehouse), read_only=True) as con:  # another analyst
            tables = {
                t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            }
            assert "scratch" not in tables
            (budget,) = con.execute(
                "SELECT value FROM marts.bulletin_figures WHERE as_of = DATE '2018-06-30' "
                "AND fund = 'QIP' AND figure = 'budget_usd'"
            ).fetchone()
            assert budget == 115_000  # the revision, published whole
    finally:
        session.stdin.close()
        session.wait(timeout=30)
