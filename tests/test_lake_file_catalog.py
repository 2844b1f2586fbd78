"""The lake (``sr_pipeline.warehouse.lake``) on a DuckLake whose catalog is a DuckDB file in
``tmp_path`` instead of PostgreSQL: fast (no server, no Dagster run), so that mutation testing
can judge lake.py and the ``sql/lake/`` statements with it. The PostgreSQL side (roles,
concurrent writers, kills) stays in ``tests/test_lake.py``.

The work database is small and real: tracker versions and project rows written as the raw step
writes them (``tests/sql/warehouse_rows.py``), then the layers' own SQL. One lake, published
four times from it (everything; May's marts rebuilt; June revised; nothing rebuilt), is shared
by the tests that only read it; the tests that change a lake build their own.

Guards against: a table not copied, or copied from the wrong database; a publication that
rewrites months nobody rebuilt (or misses the month after a rebuilt one, whose monthly changes
compare with it); a reader at a snapshot that sees today's rows, or a reader that can write; a
work database whose name needs quoting that breaks the publication; an expiry that removes a
snapshot a bulletin shows or the current one, or deletes files a reader may still be scanning;
a retry loop that retries the wrong errors, too often or without backing off; a password that
leaks through an error or a label; a bad setting accepted; a missing extension not named; the
command's output, help and refusals; a bulletin without a snapshot that stops every expiry.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from sr_pipeline.warehouse import lake as lake_module
from sr_pipeline.warehouse.lake import (
    Lake,
    LakeSettingError,
    _copy_statements,
    _retrying,
    configured_lake,
    main,
    parse_catalog,
    redact,
    sql_literal,
)
from sr_pipeline.warehouse.layers import rebuild_layer, refresh_data_quality
from sr_pipeline.warehouse.schema import apply_schema
from sr_pipeline.warehouse.sql import run
from tests.mail_helpers import free_port
from tests.test_warehouse_publishing import FileRows, build, file_catalog_lake, read_trackers

APRIL, MAY, JUNE = date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30)
SECRET = "s3cret-Zq7"
# The rows read from each tracker version and the work database's own bookkeeping stay in the
# work database: in the lake these tables exist, empty.
KEPT_IN_WORK = {
    "raw.qip_projects", "raw.tf_projects", "raw.tf_contributions", "raw.pbf_projects",
    "raw.rejected_rows", "raw.rule_flags", "raw.reading_notes", "core.month_builds",
}  # fmt: skip
# Tables with an as_of column that are copied whole: the bulletins, the versions read, the
# figures of the printed bulletins.
COPIED_WHOLE = {"marts.publications", "marts.data_quality", "core.published_figures"}
WORK_NAME = """sr-"work'"""  # a dash and both quotes: a name that needs quoting


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table of the connection's current database (enumerated from it), rows sorted."""
    tables = con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() ORDER BY ALL"
    ).fetchall()
    return {
        table: sorted(con.execute("SELECT * FROM query_table(?)", [table]).fetchall(), key=repr)
        for (table,) in tables
    }


def month_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The lake's tables with rows per month (an ``as_of`` column), as the database lists them."""
    rows = con.execute(
        "SELECT DISTINCT schema_name || '.' || table_name FROM duckdb_columns() "
        "WHERE database_name = 'lake' AND column_name = 'as_of' ORDER BY ALL"
    ).fetchall()
    lakes_own = {"core.published_builds"}
    return [t for (t,) in rows if t not in KEPT_IN_WORK | COPIED_WHOLE | lakes_own]


def catalog_rows(catalog: Path, query: str) -> list[tuple]:
    """What the catalog (a DuckDB file: DuckLake's own tables) holds; the lake detached."""
    with duckdb.connect(str(catalog), read_only=True) as con:
        return con.execute(query).fetchall()


def snapshot_ids(catalog: Path) -> set[int]:
    return {row[0] for row in catalog_rows(catalog, "SELECT snapshot_id FROM ducklake_snapshot")}


def record_bulletin(con: duckdb.DuckDBPyConnection, month: date, version: int | None) -> None:
    """A bulletin of ``month`` rendered from lake snapshot ``version`` (the statement the
    bulletin step runs)."""
    run(con, "marts/insert_publication", {
        "as_of": month, "published_at": datetime.now(UTC), "warehouse": "ducklake:test",
        "warehouse_version": version, "tracker_versions": [], "folder": f"bulletins/{month:%Y-%m}",
    })  # fmt: skip


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """April, May and June of QIP and a PBF June, built; one feedback workbook recorded."""
    apply_schema(con)
    read_trackers(con, {APRIL: [5_000.0], MAY: [10_000.0], JUNE: [12_000.0, 30_000.0]})
    w = FileRows(con)
    sha = w.version("PBF", JUNE)
    w.project(sha, "PBF", "00112233", budget_usd=250_000.0, region="Gao, Kidal")
    run(con, "core/insert_feedback_file", {
        "sha256": sha, "fund": "PBF", "source_file": "PBF.xlsx",
        "feedback_file": "feedback/PBF/PBF_feedback.xlsx", "problems": 0,
    })  # fmt: skip
    build(con, APRIL, MAY, JUNE)
    refresh_data_quality(con)


@contextmanager
def analyst_reading(catalog: Path) -> Iterator[None]:
    """Another process holding the catalog (a DuckDB file) open read-only meanwhile."""
    code = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print('open', flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(catalog)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as analyst:  # fmt: skip
        assert analyst.stdout.readline() == "open\n"
        try:
            yield
        finally:
            analyst.stdin.close()
            analyst.wait(timeout=30)


@dataclass
class History:
    """A lake published four times from one work database."""

    lake: Lake
    base: Path  # holds the catalog, the data folder and the work database, nothing else
    data: Path
    months: list[list[date]]  # what each publication replaced
    versions: list[int]  # the lake's snapshot after each
    work: list[dict[str, list[tuple]]]  # the work database's tables after each
    database: str  # the work database's name, as its connection reports it after all four

    @property
    def catalog(self) -> Path:
        return self.base / "catalog.ducklake"


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    base = tmp_path_factory.mktemp("lake")
    data = base / "lake-data"  # given without a trailing slash
    data.mkdir()
    lake = file_catalog_lake(base / "catalog.ducklake", str(data))
    months, versions, work = [], [], []
    with duckdb.connect(str(base / f"{WORK_NAME}.duckdb")) as con:

        def publish() -> None:
            replaced, version = lake.publish(con)
            months.append(replaced)
            versions.append(version)
            work.append(contents(con))

        fill(con)
        publish()  # everything
        record_bulletin(con, JUNE, versions[0])
        rebuild_layer(con, "marts", [MAY])  # May's marts: June's monthly changes compare with it
        publish()
        w = FileRows(con)
        sha = w.version("QIP", JUNE, revision=2)  # June revised: 20 000 less
        for n, budget in enumerate((12_000.0, 10_000.0), start=1):
            w.project(sha, "QIP", f"QIP/GAO/2018/{n:03}", budget_usd=budget, source_row=n)
        build(con, JUNE)
        refresh_data_quality(con)
        publish()
        publish()  # nothing rebuilt
        database = con.execute("SELECT current_database()").fetchone()[0]
    return History(lake, base, data, months, versions, work, database)


# --- what a publication copies ----------------------------------------------------------------


def test_every_table_of_the_work_database_is_in_the_lake_with_its_rows(history: History) -> None:
    """The lake holds every table of the work database (and its own core.published_builds);
    each holds the work database's rows, except the rows read from each tracker version and
    the bookkeeping, which stay in the work database. Its views are there too."""
    work = history.work[-1]
    with history.lake.reader() as con:
        lake = contents(con)
        views = con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views() "
                            "WHERE database_name = 'lake'").fetchall()  # fmt: skip
    assert set(lake) == set(work) | {"core.published_builds"}
    assert [t for t in work if t not in KEPT_IN_WORK and lake[t] != work[t]] == []
    assert {t: lake[t] for t in KEPT_IN_WORK} == dict.fromkeys(KEPT_IN_WORK, [])
    assert work["raw.qip_projects"] and work["core.month_builds"]  # there, and not copied
    assert {t for t in work if t not in KEPT_IN_WORK and work[t]} >= {
        "snapshots.projects", "marts.bulletin_figures", "marts.monthly_changes",
        "marts.publications", "marts.data_quality", "core.month_versions",
        "core.feedback_files", "raw.tracker_files", "raw.tracker_folder", "core.funds",
    }  # fmt: skip
    # Each month's build as the work database recorded it when it was published.
    assert lake["core.published_builds"] == [(m, at) for m, _, _, at in work["core.month_builds"]]
    with duckdb.connect(str(history.base / f"{WORK_NAME}.duckdb"), read_only=True) as con:
        work_views = con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views() "
                                 "WHERE NOT internal").fetchall()  # fmt: skip
    assert sorted(views) == sorted(work_views) and ("core.version_spans",) in views


def test_a_publication_rewrites_the_months_rebuilt_since_the_last_one_and_no_other(
    history: History,
) -> None:
    """Rebuilding May's marts marks May and June rebuilt (June's monthly changes compare with
    May): the second publication rewrites those two months in every monthly table and leaves
    April alone; the revised June rewrites June only; with nothing rebuilt, no month. Each
    snapshot holds the work database's rows of its publication."""
    assert history.months == [[APRIL, MAY, JUNE], [MAY, JUNE], [JUNE], []]
    rewritten, held = {}, {}
    with history.lake.reader() as con:
        tables = month_tables(con)
        assert {"snapshots.projects", "marts.monthly_changes", "core.month_versions"} <= set(tables)
        for table in tables:
            query = f"SELECT DISTINCT as_of FROM {table}"  # noqa: S608 - a table the database listed
            held[table] = {row[0] for row in con.execute(query).fetchall()}
        for version in history.versions[1:]:
            for table in tables:
                schema, name = table.split(".")
                rewritten[version, table] = {row[0] for row in con.execute(
                    "SELECT DISTINCT as_of FROM ducklake_table_changes('lake', ?, ?, ?, ?)",
                    [schema, name, version, version],
                ).fetchall()}  # fmt: skip
        for n, version in enumerate(history.versions):
            for table in ("snapshots.projects", "marts.bulletin_figures"):
                rows = con.execute(f"SELECT * FROM {table} AT (VERSION => ?)", [version])  # noqa: S608 - a table the database listed
                assert sorted(rows.fetchall(), key=repr) == history.work[n][table], (n, table)
    assert sum(1 for t in tables if held[t] == {APRIL, MAY, JUNE}) >= 4
    v1, v2, v3 = history.versions[1:]
    assert {t: rewritten[v1, t] for t in tables} == {t: held[t] & {MAY, JUNE} for t in tables}
    assert {t: rewritten[v2, t] for t in tables} == {t: held[t] & {JUNE} for t in tables}
    assert {t: rewritten[v3, t] for t in tables} == dict.fromkeys(tables, set())


def test_a_reader_at_a_snapshot_sees_that_publication_and_cannot_write(history: History) -> None:
    """``reader(version)`` reads the lake as the first publication left it (June before its
    revision); no reader can change the lake."""
    first, last = history.work[0], history.work[-1]
    assert first["snapshots.projects"] != last["snapshots.projects"]  # June was revised since
    with history.lake.reader(history.versions[0]) as con:
        then = contents(con)
        assert con.execute("SELECT id FROM ducklake_current_snapshot('lake')").fetchone() == (
            history.versions[0],
        )
    assert [t for t in first if t not in KEPT_IN_WORK and then[t] != first[t]] == []
    with history.lake.reader() as con:
        for statement in (
            "DELETE FROM snapshots.projects",
            "INSERT INTO marts.bulletin_figures SELECT * FROM marts.bulletin_figures",
            "CREATE TABLE marts.mine AS SELECT 1 AS x",
        ):
            with pytest.raises(duckdb.InvalidInputException, match="read-only mode"):
                con.execute(statement)
        now = con.execute("SELECT * FROM snapshots.projects").fetchall()
        assert sorted(now, key=repr) == last["snapshots.projects"]


def test_a_data_path_without_a_trailing_slash_holds_the_data_files(history: History) -> None:
    """Given as ``.../lake-data``: the data files are inside that folder, and nothing beside
    it but the catalog and the work database."""
    (recorded,) = catalog_rows(
        history.catalog, "SELECT value FROM ducklake_metadata WHERE key = 'data_path'"
    )
    assert recorded == (f"{history.data}/",)
    (files,) = catalog_rows(history.catalog, "SELECT count(*) FROM ducklake_data_file")
    assert files[0] > 0 and len(list(history.data.rglob("*.parquet"))) >= files[0]
    assert sorted(p.name for p in history.base.iterdir()) == sorted(
        ["catalog.ducklake", "lake-data", f"{WORK_NAME}.duckdb"]
    )


def test_a_work_database_whose_name_needs_quoting_publishes_from_itself(history: History) -> None:
    """A work database named with a dash and both quotes: each publication defines
    the lake and goes back to it (the tables read afterwards are the work database's)."""
    assert history.database == WORK_NAME
    assert all(work["raw.qip_projects"] for work in history.work)  # only the work database's
    assert "core.published_builds" not in history.work[-1]


# --- expiry -------------------------------------------------------------------------------------


def test_expire_keeps_the_published_and_the_current_snapshots_and_deletes_files_after_a_grace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Three publications, a bulletin showing the first. Expiring before the second one's time
    removes the older snapshots but the bulletin's; expiring everything keeps the bulletin's
    and the current one; the files expiries freed stay until the grace period has passed."""
    data = tmp_path / "data"
    lake = file_catalog_lake(tmp_path / "catalog.ducklake", str(data))
    catalog = tmp_path / "catalog.ducklake"
    with duckdb.connect(str(tmp_path / "work.duckdb")) as con:
        fill(con)
        _, shown = lake.publish(con)
        at_shown = contents(con)["marts.bulletin_figures"]
        record_bulletin(con, JUNE, shown)
        record_bulletin(con, JUNE, shown)  # rendered twice from the same snapshot
        record_bulletin(con, MAY, shown)
        record_bulletin(con, APRIL, None)  # rendered when the warehouse was a DuckDB file
        _, second = lake.publish(con)
        rebuild_layer(con, "marts", [JUNE])
        _, current = lake.publish(con)
    snapshots = dict(catalog_rows(catalog, "SELECT snapshot_id, snapshot_time "
                                  "FROM ducklake_snapshot"))  # fmt: skip
    assert shown < second < current == max(snapshots)
    # The bulletins showing each snapshot, each month once; listed while an analyst's process
    # holds the catalog open read-only (which a writing attach could not share).
    with analyst_reading(catalog):
        bulletins = {version: shows for version, _, shows in lake.snapshots()}
    assert sorted(bulletins[shown].split(", ")) == ["2018-05", "2018-06"]
    assert {v: b for v, b in bulletins.items() if v != shown} == dict.fromkeys(
        set(snapshots) - {shown}
    )

    before = snapshots[second]  # strictly before: the second publication's snapshot stays
    expired = lake.expire(before)
    assert expired == sorted(v for v, t in snapshots.items() if t < before and v != shown)
    assert expired and max(expired) > shown  # some on each side of the bulletin's
    left = set(snapshots) - set(expired)
    assert snapshot_ids(catalog) == left

    # The command, with the default grace of two days: expired, files kept.
    monkeypatch.setattr(lake_module, "configured_lake", lambda: lake)  # a file catalog
    assert main(["expire", "--before", "2999-01-01"]) == 0
    again = sorted(left - {shown, current})
    assert capsys.readouterr().out == f"expired {len(again)} snapshots: {again}\n"
    assert snapshot_ids(catalog) == {shown, current}
    scheduled = catalog_rows(catalog, "SELECT path FROM ducklake_files_scheduled_for_deletion")
    assert scheduled and all((data / path).is_file() for (path,) in scheduled)

    assert main(["expire", "--before", "2999-01-01", "--files-grace-days", "0"]) == 0
    assert capsys.readouterr().out == "expired 0 snapshots\n"
    assert not any((data / path).exists() for (path,) in scheduled)
    assert catalog_rows(catalog, "SELECT path FROM ducklake_files_scheduled_for_deletion") == []
    with lake.reader(shown) as con:  # the bulletin's snapshot reads as it was
        assert contents(con)["marts.bulletin_figures"] == at_shown


# --- retries --------------------------------------------------------------------------------------


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off delays, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr(lake_module.time, "sleep", delays.append)
    return delays


def failing(error: duckdb.Error, times: int, calls: list[int]):
    """A step that fails ``times`` times with ``error``, then returns "done"."""

    def step() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise error
        return "done"

    return step


def test_a_step_that_lost_its_commit_is_tried_again_backing_off(sleeps: list[float]) -> None:
    calls: list[int] = []
    conflict = duckdb.TransactionException("Transaction conflict: cannot commit")
    assert _retrying(failing(conflict, 4, calls)) == "done"
    assert calls == [1, 2, 3, 4, 5]
    assert sleeps == [0.25, 0.5, 0.75, 1.0]


def test_a_step_that_keeps_losing_fails_after_five_tries(sleeps: list[float]) -> None:
    calls: list[int] = []
    conflict = duckdb.TransactionException("Transaction conflict: cannot commit")
    with pytest.raises(duckdb.TransactionException) as raised:
        _retrying(failing(conflict, 99, calls))
    assert raised.value is conflict
    assert (calls, sleeps) == ([1, 2, 3, 4, 5], [0.25, 0.5, 0.75, 1.0])


def test_a_catalog_another_run_was_creating_is_attached_again(
    tmp_path: Path, sleeps: list[float]
) -> None:
    """DuckDB's own error when the catalog's tables appeared meanwhile (two first runs): "Catalog
    Error: Failed to initialize DuckLake: Table with name ... already exists!" is retried, as a
    lost commit is (here it never goes away: five tries, then the error)."""
    catalog = tmp_path / "catalog.ducklake"
    with duckdb.connect(str(catalog)) as con:
        con.execute("CREATE TABLE ducklake_snapshot (half_made INTEGER)")
    lake = file_catalog_lake(catalog, str(tmp_path / "data"))
    with duckdb.connect() as con, pytest.raises(duckdb.CatalogException) as raised:
        _retrying(lambda: lake.attach(con))
    assert str(raised.value).startswith("Catalog Error: Failed to initialize DuckLake: ")
    assert sleeps == [0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize(
    "error",
    [
        duckdb.CatalogException("Catalog Error: Table with name nope does not exist!"),
        duckdb.IOException('IO Error: Failed to attach DuckLake MetaData "x": Connection refused'),
        duckdb.CatalogException("Catalog Error: could not Failed to initialize DuckLake"),
    ],
)
def test_any_other_error_is_raised_at_once(error: duckdb.Error, sleeps: list[float]) -> None:
    calls: list[int] = []
    with pytest.raises(type(error)) as raised:
        _retrying(failing(error, 1, calls))
    assert raised.value is error
    assert (calls, sleeps) == ([1], [])


# --- secrets and settings ----------------------------------------------------------------------


def test_an_error_while_attaching_never_shows_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog that is down (nothing listens on the port), given a password in the string
    (the setting's check refuses one; attach is the last line) and in PGPASSWORD: the error is
    of the same class as DuckDB's, names the port, and holds neither password."""
    monkeypatch.setenv("PGPASSWORD", "env-" + SECRET)
    port = free_port()
    catalog = f"ducklake:postgres:dbname=sr_lake host=127.0.0.1 port={port} password={SECRET}"
    lake = object.__new__(Lake)
    object.__setattr__(lake, "catalog", catalog)
    object.__setattr__(lake, "data_path", str(tmp_path / "data"))
    with duckdb.connect() as con:
        for name in lake_module.EXTENSIONS:
            con.execute(f"LOAD {sql_literal(str(lake_module.extension_file(name)))}")
        with pytest.raises(duckdb.Error) as plain:  # DuckDB's own error repeats it
            con.execute(f"ATTACH {sql_literal(catalog)} AS lake")
    assert SECRET in str(plain.value)
    with duckdb.connect() as con, pytest.raises(duckdb.Error) as down:
        lake.attach(con)
    assert type(down.value) is type(plain.value)
    assert SECRET not in str(down.value) and "password=***" in str(down.value)
    assert f"port={port}" in str(down.value)
    assert down.value.__cause__ is None and down.value.__suppress_context__


def test_redact_takes_out_pgpassword_of_four_characters_or_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", "abcd")
    assert redact("failed for abcd at host") == "failed for *** at host"
    monkeypatch.setenv("PGPASSWORD", "abc")  # too short to tell from ordinary text
    assert redact("failed for abc at host") == "failed for abc at host"
    monkeypatch.delenv("PGPASSWORD")
    assert redact("no password XXXX here") == "no password XXXX here"  # nothing else taken out
    both = redact("postgresql://sr:pw@h/db password = 'a b'")
    assert both == "postgresql://sr:***@h/db password=***"


def test_the_label_names_the_database_alone() -> None:
    assert Lake("ducklake:postgres:dbname=sr_lake host=h user=u", "/srv/sr-lake").label == (
        "ducklake:postgres:dbname=sr_lake"
    )
    assert Lake("ducklake:postgres:host=h user=u", "/srv/sr-lake").label == (
        "ducklake:postgres:(the user's database)"
    )


def test_parse_catalog_gives_the_libpq_keywords() -> None:
    assert parse_catalog("ducklake:postgres:dbname = 'sr lake' host=h port=5433") == {
        "dbname": "sr lake", "host": "h", "port": "5433",
    }  # fmt: skip
    assert parse_catalog("ducklake:postgres:postgresql://u@h/sr_lake") == {
        "user": "u", "host": "h", "dbname": "sr_lake",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("catalog", "message"),
    [
        ("ducklake:sr.ducklake", "a lake catalog starts with ducklake:postgres:"),
        ("postgres:dbname=sr_lake", "a lake catalog starts with ducklake:postgres:"),
        ("ducklake:postgres:dbname='sr_lake", "is not a libpq connection string (dbname=..."),
        ("ducklake:postgres:nonsense", "is not a libpq connection string (dbname=..."),
        (
            f"ducklake:postgres:dbname=sr password={SECRET}",
            "the lake catalog (SR_WAREHOUSE) holds a password: take it out and give it to libpq "
            "in the service user's ~/.pgpass (or the file PGPASSFILE names, mode 0600) or in "
            "PGPASSWORD; a setting is shown in run configurations and error messages",
        ),
    ],
)
def test_a_bad_catalog_is_refused_with_the_reason(catalog: str, message: str) -> None:
    with pytest.raises(LakeSettingError) as refused:
        Lake(catalog, "/srv/sr-lake")
    assert message in str(refused.value)
    if "password" in catalog:
        assert str(refused.value) == message
    assert SECRET not in str(refused.value)
    if "not a libpq" in message:  # psycopg2's own error, which could quote the string, not chained
        assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_other_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^SR_LAKE_DATA \(where the lake's data files go\) is"):
        Lake("ducklake:postgres:dbname=sr_lake", "")
    assert sql_literal("/srv/o'brien") == "'/srv/o''brien'"
    with pytest.raises(ValueError, match=r"^a lake setting holds a control character$"):
        sql_literal("/srv/lake\n; DROP")
    assert sql_literal(" ~") == "' ~'"  # the first printable character is fine
    with pytest.raises(ValueError, match=r"^marts\.mine$"):
        _copy_statements("marts.mine", by_month=False)


def test_configured_lake_is_none_for_a_duckdb_file(tmp_path: Path) -> None:
    assert configured_lake(str(tmp_path / "sr.duckdb"), str(tmp_path / "data")) is None
    lake = configured_lake("ducklake:postgres:dbname=sr_lake", str(tmp_path / "data"))
    assert lake == Lake("ducklake:postgres:dbname=sr_lake", str(tmp_path / "data"))


# --- the command --------------------------------------------------------------------------------


def test_the_extensions_command_prints_statements_that_load_them(
    capsys: pytest.CaptureFixture,
) -> None:
    assert main(["extensions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [re.fullmatch(r"LOAD '(/.+/(\w+)\.duckdb_extension)';", line) for line in lines]
    assert [m[2] for m in names if m] == ["ducklake", "postgres_scanner"]
    with duckdb.connect() as con:
        for line in lines:
            con.execute(line)
        loaded = con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded "
                             "AND extension_name IN ('ducklake', 'postgres_scanner') "
                             "ORDER BY ALL").fetchall()  # fmt: skip
    assert loaded == [("ducklake",), ("postgres_scanner",)]


def test_the_snapshots_command_lists_every_snapshot_and_the_bulletin_showing_it(
    history: History, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(lake_module, "configured_lake", lambda: history.lake)  # a file catalog
    assert main(["snapshots"]) == 0
    out = capsys.readouterr().out
    taken = catalog_rows(history.catalog, "SELECT snapshot_id, snapshot_time FROM "
                         "ducklake_snapshot ORDER BY ALL")  # fmt: skip
    shown = {history.versions[0]: "2018-06"}  # the bulletin recorded
    assert out.splitlines() == [
        f"{v:>6}  {t:%Y-%m-%d %H:%M:%S %Z}  {shown.get(v, '')}" for v, t in taken
    ]
    assert len(taken) > len(history.versions)


def test_the_commands_of_a_lake_refuse_a_duckdb_file_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SR_WAREHOUSE", str(tmp_path / "sr.duckdb"))
    assert main(["snapshots"]) == 1
    assert capsys.readouterr().err == (
        "SR_WAREHOUSE names a DuckDB file, not a lake: nothing to do\n"
    )


def test_the_help_names_the_command_and_what_each_subcommand_does(
    capsys: pytest.CaptureFixture,
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("usage: python -m sr_pipeline.warehouse.lake ")
    assert "prints the ``LOAD`` statements of the extensions this venv ships" in out
    assert "extensions the LOAD statements of the shipped extensions" in out
    assert "snapshots list the snapshots and the bulletins showing them" in out
    assert "expire expire unpublished snapshots older than a date" in out
    with pytest.raises(SystemExit):
        main(["expire", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--before BEFORE YYYY-MM-DD" in out and "--files-grace-days" in out


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        ([], "the following arguments are required: command"),
        (["expire"], "the following arguments are required: --before"),
        (["expire", "--before", "2026-13-01"], "argument --before: invalid fromisoformat value"),
    ],
)
def test_the_command_refuses_missing_arguments_before_touching_a_lake(
    argv: list[str], error: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(lake_module, "configured_lake", lambda: pytest.fail("a lake was opened"))
    with pytest.raises(SystemExit) as refused:
        main(argv)
    assert refused.value.code == 2
    assert error in capsys.readouterr().err


def test_expire_before_a_day_means_its_midnight_in_utc_and_the_grace_is_in_days(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    asked = []

    class Recorder:
        def expire(self, before: datetime, files_grace: timedelta) -> list[int]:
            asked.append((before, before.utcoffset(), files_grace))
            return [3, 4]

    monkeypatch.setattr(lake_module, "configured_lake", Recorder)
    assert main(["expire", "--before", "2026-01-01", "--files-grace-days", "0.5"]) == 0
    assert asked == [(datetime(2026, 1, 1, tzinfo=UTC), timedelta(0), timedelta(hours=12))]
    assert capsys.readouterr().out == "expired 2 snapshots: [3, 4]\n"


def test_a_missing_extension_package_or_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lake_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match=r"^duckdb-extension-postgres-scanner is not installed$"):
        lake_module.extension_file("postgres_scanner")
    monkeypatch.undo()
    monkeypatch.setattr(lake_module.duckdb, "__version__", "0.0.1")
    with pytest.raises(RuntimeError) as missing:
        lake_module.extension_file("ducklake")
    assert re.fullmatch(
        r"/.+/extensions/v0\.0\.1/ducklake\.duckdb_extension is missing: "
        r"the extension must match duckdb v0\.0\.1",
        str(missing.value),
    )


@pytest.mark.parametrize(
    ("given", "recorded"),
    [
        ("{tmp}/lake//data/./x", "{tmp}/lake/data/x/"),  # a local folder, normalised
        ("file://{tmp}/data", "file://{tmp}/data/"),  # a URL, as given
    ],
)
def test_the_data_path_is_recorded_in_the_catalog(
    tmp_path: Path, given: str, recorded: str
) -> None:
    catalog = tmp_path / "catalog.ducklake"
    lake = file_catalog_lake(catalog, given.format(tmp=tmp_path))
    with duckdb.connect() as con:
        lake.attach(con)
    assert catalog_rows(catalog, "SELECT value FROM ducklake_metadata WHERE key = 'data_path'") == [
        (recorded.format(tmp=tmp_path),)
    ]
