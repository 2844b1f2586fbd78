"""The shared warehouse: a DuckLake with its catalog in a real PostgreSQL (a private cluster
this module starts on loopback from Debian's binaries, and stops) and its data in Parquet files.

Guards against: a lake that holds other rows than the DuckDB file would (the analysts' queries
must not change with the mode); a reader who sees half a month while a run writes; a run
killed mid-publication that leaves a torn snapshot; two writers that interleave; an analyst
whose account can change the lake; a bulletin that cannot be read again once a revision
rebuilt its month, or whose snapshot an expiry removed.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from sr_pipeline.service.postgres import PrivateCluster
from sr_pipeline.warehouse import as_published
from sr_pipeline.warehouse.digests import table_digests
from sr_pipeline.warehouse.lake import Lake, extension_file
from sr_pipeline.warehouse.publishing import Warehouse
from tests import DEMO_TRACKERS, ROOT
from tests.pipeline_helpers import (
    build,
    public_content,
    rows,
    write_qip_june_v2,
    write_small_trackers,
)

pytestmark = pytest.mark.skipif(
    not Path("/usr/lib/postgresql").exists(), reason="Debian's postgresql is not installed"
)
pytestmark = [pytestmark, pytest.mark.slow]
PIPELINE_PASSWORD, ANALYST_PASSWORD, ADMIN_PASSWORD = "pipeline-pw", "analyst-pw", "admin-pw"
# What a bulletin showed: its figures at the lake snapshot marts.publications recorded.
AT_VERSION = "SELECT figure, value FROM marts.bulletin_figures AT (VERSION => ?) ORDER BY ALL"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """A private PostgreSQL on loopback with the section's lake roles (deploy/ducklake/)."""
    base = Path(tempfile.mkdtemp(prefix="sr-lake-", dir="/tmp"))
    base.chmod(0o755)  # the server's user (and an analyst's) must get through
    server = PrivateCluster(base / "pg", free_port(), admin_password=ADMIN_PASSWORD)
    server.start()
    # The roles' passwords where libpq looks for them, never in the catalog string (which the
    # pipeline refuses when it holds one): a private passfile for this module's processes.
    passfile = base / "pgpass"
    passfile.write_text(
        f"127.0.0.1:{server.port}:*:sr_pipeline:{PIPELINE_PASSWORD}\n"
        f"127.0.0.1:{server.port}:*:sr_analyst:{ANALYST_PASSWORD}\n"
    )
    passfile.chmod(0o600)
    previous = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(passfile)
    try:
        files = {}
        for role, password in (("pipeline", PIPELINE_PASSWORD), ("analyst", ANALYST_PASSWORD)):
            files[f"{role}_password_file"] = base / f"lake-{role}-password"
            files[f"{role}_password_file"].write_text(password + "\n")
            files[f"{role}_password_file"].chmod(0o600)
        psql(server, "roles.sql", **{name: str(path) for name, path in files.items()})
        yield server, base
    finally:
        if previous is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = previous
        pid = server.postmaster_pid()
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
        deadline = time.monotonic() + 10
        while pid and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # gone, or a zombie about to be reaped
        assert pid is None or not Path(f"/proc/{pid}").exists(), "PostgreSQL left running"


def psql(server: PrivateCluster, script: str, **variables: str) -> None:
    """Run one of deploy/ducklake/*.sql as the DBA would, with psql."""
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(server.socket_dir),
               "-p", str(server.port), "-U", "sr_admin", "-d", "postgres",
               "-f", str(ROOT / "deploy" / "ducklake" / script)]  # fmt: skip
    for name, value in variables.items():
        command[1:1] = ["-v", f"{name}={value}"]
    done = subprocess.run(command, env={**os.environ, "PGPASSWORD": ADMIN_PASSWORD},
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


def catalog(server: PrivateCluster, database: str, role: str) -> str:
    """The catalog as SR_WAREHOUSE names it: no password (libpq finds it in PGPASSFILE)."""
    return f"ducklake:postgres:dbname={database} host=127.0.0.1 port={server.port} user={role}"


_lakes = iter(range(1, 1000))


@pytest.fixture
def lake(cluster, tmp_path):
    """A new, empty lake (its own catalog database and data folder) and a work folder."""
    server, base = cluster
    name = f"sr_lake_{next(_lakes)}"
    psql(server, "catalog.sql", lake_db=name)
    data = base / name
    data.mkdir(mode=0o755)
    target = Warehouse(
        lake=Lake(catalog(server, name, "sr_pipeline"), str(data)),
        folder=tmp_path / "work",
    )
    return target, name


def test_the_lake_holds_exactly_what_the_file_holds(lake, tmp_path):
    target, _ = lake
    file = tmp_path / "file" / "sr.duckdb"
    for first, last in (("2018-06-01", None), ("2013-07-01", "2018-12-01")):  # month, backfill
        assert build(DEMO_TRACKERS, file, first, last).success
        assert build(DEMO_TRACKERS, target, first, last).success
        with Warehouse(published=file).read_published() as con:
            in_file = table_digests(con)
        with target.read_published() as con:
            in_lake = table_digests(con)
        assert in_lake == in_file, (first, last)
    assert in_file["snapshots.projects"]["rows"] > 5_000  # the backfill really ran


def test_a_published_bulletin_reads_the_same_after_a_revision_rebuilt_its_month(lake, tmp_path):
    target, name = lake
    trackers = write_small_trackers(tmp_path / "trackers")
    assert build(trackers, target, "2018-06-01").success
    (version,) = rows(target, "SELECT warehouse_version FROM marts.publications")[0]
    page = (target.folder / "bulletins" / "2018-06" / "index.html").read_text("utf-8")
    assert f"DuckLake snapshot {version} of ducklake:postgres:dbname=" in page
    # Public outputs name the database alone: no password, host or user.
    labels = {label for (label,) in rows(target, "SELECT warehouse FROM marts.publications")}
    assert labels == {f"ducklake:postgres:dbname={name}"}
    for text in (page, *labels):
        for hidden in ("password", "127.0.0.1", "host=", "user=", "sr_pipeline"):
            assert hidden not in text
    published = rows(target, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL")

    write_qip_june_v2(trackers)  # a corrected June tracker arrives after publication
    assert build(trackers, target, "2018-06-01").success
    now = rows(target, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL")
    assert now != published
    then = rows(target, AT_VERSION, [version])
    assert then == published  # exactly what bulletin showed
    assert len(rows(target, "SELECT * FROM marts.publications")) == 2

    # And the month rebuilt as the first publication recorded it, from its tracker versions.
    june = datetime(2018, 6, 30).date()
    assert as_published.publication(target, june, 1)["warehouse_version"] == version
    out = as_published.rebuild(target, june, tmp_path / "again.duckdb", number=1)
    assert rows(out, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL") == published


def test_the_file_warehouse_rebuilds_a_month_as_published_too(tmp_path):
    trackers = write_small_trackers(tmp_path / "trackers")
    file = tmp_path / "warehouse" / "sr.duckdb"
    assert build(trackers, file, "2018-06-01").success
    published = rows(file, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL")
    (versions,) = rows(file, "SELECT tracker_versions FROM marts.publications")[0]
    assert {v["source_file"] for v in versions} >= {"QIPs_Suivi_2018-06-30.xlsx"}
    write_qip_june_v2(trackers)  # a revision, built and published after the bulletin
    assert build(trackers, file, "2018-06-01").success
    assert published != rows(file, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL")
    # The command a person runs, for the first bulletin of June 2018.
    out = tmp_path / "as-published.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "sr_pipeline.warehouse.as_published", "2018-06",
         "--publication", "1", "--out", str(out)],
        env={**os.environ, "SR_WAREHOUSE": str(file), "SR_TRACKERS_DIR": str(trackers)},
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert rows(out, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL") == published


READER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb
    from sr_pipeline.warehouse.lake import Lake

    lake = Lake(sys.argv[1], sys.argv[2])
    seen, errors, torn = set(), [], 0
    deadline = time.monotonic() + float(sys.argv[3])
    while time.monotonic() < deadline:
        try:
            with lake.reader() as con:
                con.execute("BEGIN TRANSACTION")  # one snapshot for the three questions
                total = con.execute(
                    "SELECT value FROM marts.bulletin_figures WHERE as_of = DATE '2018-06-30' "
                    "AND fund = 'QIP' AND figure = 'budget_usd'").fetchone()
                rows = con.execute(
                    "SELECT sum(budget_usd) FILTER (WHERE status <> 'cancelled'), count(*) "
                    "FROM snapshots.projects WHERE as_of = DATE '2018-06-30' AND fund = 'QIP'"
                ).fetchone()
                con.execute("COMMIT")
            if total is None:
                continue
            if abs(total[0] - (rows[0] or 0)) > 0.005:
                torn += 1  # figures of one build, projects of another: half a month
            seen.add((total[0], rows[1]))
        except Exception as exc:  # noqa: BLE001 - every error counts
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"seen": sorted(seen), "errors": errors[:3], "torn": torn}))
    """
)


def test_readers_see_whole_months_while_runs_write(lake, tmp_path, monkeypatch):
    target, _ = lake
    # Withdrawing the published revision is a removal the data team accepts explicitly.
    monkeypatch.setenv("SR_ACCEPT", "removed:QIPs_Suivi_2018-06-30_v2.xlsx")
    trackers = write_small_trackers(tmp_path / "trackers")
    assert build(trackers, target, "2018-06-01").success
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, target.lake.catalog, target.lake.data_path, "25"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )  # fmt: skip
        for _ in range(3)
    ]
    try:
        # The June tracker revised back and forth: every run rewrites the month.
        original = tmp_path / "june-original.xlsx"
        shutil.copy(trackers / "QIP" / "2018" / "QIPs_Suivi_2018-06-30.xlsx", original)
        for n in range(4):
            if n % 2 == 0:
                write_qip_june_v2(trackers)
            else:
                (trackers / "QIP" / "2018" / "QIPs_Suivi_2018-06-30_v2.xlsx").unlink()
            assert build(trackers, target, "2018-06-01").success
        # The report is the last line (DuckDB may draw a progress bar above it on a slow day).
        reports = [json.loads(r.communicate(timeout=120)[0].splitlines()[-1]) for r in readers]
    finally:
        for r in readers:
            r.kill()
    for report in reports:
        assert report["errors"] == [] and report["torn"] == 0, report
    assert set().union(*({tuple(s) for s in r["seen"]} for r in reports)) >= {(110_000, 4)}


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sr_pipeline.warehouse.lake import Lake
    from sr_pipeline.warehouse.publishing import Warehouse
    from tests.pipeline_helpers import build

    target = Warehouse(lake=Lake(sys.argv[1], sys.argv[2]), folder=Path(sys.argv[3]))
    print("ok" if build(Path(sys.argv[4]), target, "2018-06-01").success else "failed")
    """
)


def writer_command(target: Warehouse, trackers: Path) -> list[str]:
    """A run of the whole month (Dagster's materialize, in a process of its own)."""
    return [sys.executable, "-c", WRITER, target.lake.catalog, target.lake.data_path,
            str(target.folder), str(trackers)]  # fmt: skip


def test_sigkill_during_a_lake_run_leaves_the_last_committed_snapshot(lake, tmp_path, monkeypatch):
    target, _ = lake
    # Withdrawing the published revision is a removal the data team accepts explicitly.
    monkeypatch.setenv("SR_ACCEPT", "removed:QIPs_Suivi_2018-06-30_v2.xlsx")
    trackers = write_small_trackers(tmp_path / "trackers")
    assert build(trackers, target, "2018-06-01").success
    before = public_content(target)
    revision = write_qip_june_v2(trackers)
    command = writer_command(target, trackers)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split()[-1:] == ["ok"], done.stderr[-3000:]
    duration = time.monotonic() - started
    after = public_content(target)
    assert after != before
    revision.rename(tmp_path / revision.name)  # the revision withdrawn: June as before
    assert build(trackers, target, "2018-06-01").success
    withdrawn = public_content(target)
    # The month's tables are as before; marts.data_quality keeps its line for the revision,
    # as for every version ever read (a withdrawn file is not forgotten).
    quality = "marts.data_quality"
    assert {t: r for t, r in withdrawn.items() if t != quality} == {
        t: r for t, r in before.items() if t != quality
    }
    assert "QIPs_Suivi_2018-06-30_v2.xlsx" in {row[3] for row in withdrawn[quality]}
    (tmp_path / revision.name).rename(revision)  # and sent again: the killed runs publish it
    # Each kill lands somewhere across the run, the last ones in its publication (the file
    # warehouse's test kills the real `dg launch` at twenty moments).
    for fraction in (0.5, 0.85, 0.92, 0.97):
        child = subprocess.Popen(command, cwd=ROOT, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(duration * fraction)
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait(timeout=30)
        assert public_content(target) in (withdrawn, after), fraction  # readable, whole
    assert build(trackers, target, "2018-06-01").success
    assert public_content(target) == after


def test_two_writers_at_once_are_serialised_never_interleaved(lake, tmp_path):
    target, _ = lake
    contents = []
    for name, revised in (("a", False), ("b", True)):  # two different Junes, built apart
        trackers = write_small_trackers(tmp_path / name / "trackers")
        if revised:
            write_qip_june_v2(trackers)
        alone = Warehouse(published=tmp_path / name / "file" / "sr.duckdb")
        assert build(trackers, alone, "2018-06-01").success
        contents.append(public_content(alone))
    writers = [
        subprocess.Popen(
            writer_command(
                Warehouse(lake=target.lake, folder=tmp_path / name / "work"),
                tmp_path / name / "trackers",
            ),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    done = [w.communicate(timeout=300) for w in writers]
    errors = [err for out, err in done if out.split()[-1:] != ["ok"]]
    (tmp_path / "errors.txt").write_text("\n=====\n".join(errors))
    assert not errors, tmp_path / "errors.txt"
    # (the one that lost its commit retried)
    final = public_content(target)
    assert final in contents  # one writer's June, whole; never a mix of both


def test_an_analyst_reads_and_cannot_change_anything(lake, cluster, tmp_path):
    target, name = lake
    server, base = cluster
    trackers = write_small_trackers(tmp_path / "trackers")
    assert build(trackers, target, "2018-06-01").success
    before = public_content(target)
    analyst = Lake(catalog(server, name, "sr_analyst"), target.lake.data_path)
    figures = rows(target, "SELECT count(*) FROM marts.bulletin_figures")[0][0]
    with analyst.reader() as con:  # the recipe: READ_ONLY
        assert con.execute("SELECT count(*) FROM snapshots.projects").fetchone()[0] == 10
    con = duckdb.connect()
    try:
        analyst.attach(con)  # even without READ_ONLY, the role only reads the catalog
        for statement in (
            "INSERT INTO lake.marts.bulletin_figures SELECT * FROM lake.marts.bulletin_figures",
            "UPDATE lake.marts.bulletin_figures SET value = 0",
            "DELETE FROM lake.snapshots.projects",
            "DROP TABLE lake.dq.rule_flags",
            "CREATE TABLE lake.marts.mine AS SELECT 1 AS x",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(statement)
    finally:
        con.close()
    assert public_content(target) == before

    # As another user of the machine: the data files can be read, not written.
    if os.geteuid() == 0 and shutil.which("runuser"):
        cli = base / f"duckdb-{name}"
        import duckdb_cli

        shutil.copy(Path(duckdb_cli.__file__).parent / "duckdb", cli)
        cli.chmod(0o755)
        loads = ""
        for extension in ("ducklake", "postgres_scanner"):
            copy = base / f"{extension}.duckdb_extension"
            shutil.copy(extension_file(extension), copy)
            copy.chmod(0o644)
            loads += f"LOAD '{copy}';"
        # docs/analysts.md's recipe: the password in the analyst's own ~/.pgpass, not in the query.
        pgpass = base / f"pgpass-{name}"
        pgpass.write_text(f"127.0.0.1:{server.port}:{name}:sr_analyst:{ANALYST_PASSWORD}\n")
        pgpass.chmod(0o600)
        os.chown(pgpass, pwd.getpwnam("nobody").pw_uid, -1)
        env = {**os.environ, "PGPASSFILE": str(pgpass)}
        without_password = catalog(server, name, "sr_analyst")
        attach = (f"ATTACH '{without_password}' AS sr (DATA_PATH '{target.lake.data_path}/'"
                  ", READ_ONLY); USE sr;")  # fmt: skip
        read = subprocess.run(
            ["runuser", "-u", "nobody", "--", str(cli), "-csv", "-c",
             loads + attach + "SELECT count(*) AS n FROM marts.bulletin_figures;"],  # noqa: S608
            capture_output=True, text=True, timeout=60, cwd="/", env=env,
        )  # fmt: skip
        assert read.returncode == 0, read.stderr
        assert read.stdout.split()[-1] == str(figures)
        create = "CREATE TABLE marts.mine AS SELECT range AS x FROM range(100000);"
        write = subprocess.run(
            ["runuser", "-u", "nobody", "--", str(cli), "-c",
             loads + attach.replace(", READ_ONLY", "") + create],
            capture_output=True, text=True, timeout=60, cwd="/", env=env,
        )  # fmt: skip
        assert write.returncode != 0
        assert public_content(target) == before


def test_expiring_old_snapshots_keeps_every_published_one(lake, tmp_path, monkeypatch):
    target, _ = lake
    trackers = write_small_trackers(tmp_path / "trackers")
    assert build(trackers, target, "2018-06-01").success
    (version,) = rows(target, "SELECT warehouse_version FROM marts.publications")[0]
    published = rows(target, "SELECT figure, value FROM marts.bulletin_figures ORDER BY ALL")
    write_qip_june_v2(trackers)
    assert build(trackers, target, "2018-06-01").success
    files = set(Path(target.lake.data_path).rglob("*.parquet"))
    # Within the grace period no file goes; past it, the expired snapshots' files do.
    expired = target.lake.expire(before=datetime.now(UTC))
    assert expired and int(version) not in expired
    assert set(Path(target.lake.data_path).rglob("*.parquet")) == files
    assert target.lake.expire(datetime.now(UTC), files_grace=timedelta(0)) == []
    left = set(Path(target.lake.data_path).rglob("*.parquet"))
    assert left < files
    assert rows(target, AT_VERSION, [version]) == published
    # The command the data team runs lists the snapshots, the published one with its month.
    monkeypatch.setenv("SR_WAREHOUSE", target.lake.catalog)
    monkeypatch.setenv("SR_LAKE_DATA", target.lake.data_path)
    command = [sys.executable, "-m", "sr_pipeline.warehouse.lake", "snapshots"]
    listing = subprocess.run(command, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    lines = {line.split()[0]: line for line in listing.splitlines()}
    assert (
        lines[str(version)].endswith("2018-06") and set(lines) & {str(v) for v in expired} == set()
    )


def test_a_lost_work_database_never_publishes_fewer_months_to_the_lake(lake, tmp_path):
    # The work database is lost (or moved aside after an upgrade) and May is built alone:
    # June, published before, is read and rebuilt, not dropped from the lake.
    target, _ = lake
    trackers = write_small_trackers(tmp_path / "trackers")
    assert build(trackers, target, "2018-05-01", "2018-06-01").success
    before = public_content(target)
    target.work.unlink()
    assert build(trackers, target, "2018-05-01").success
    assert public_content(target) == before
