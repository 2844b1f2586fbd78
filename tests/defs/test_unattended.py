"""Publishing unattended: a run never publishes less than before, or hides a project, in
silence; a correction of the reference lists reaches the figures.

The real-world mess it guards against: a shared drive that failed to mount (the trackers
folder missing or empty) emptying the published months; a tracker deleted by mistake quietly
replacing a month's figures by an older month's; a work database lost or moved aside after an
upgrade, so that building May alone drops June from the publication; a misspelt status
("En cour") making a counted project look "no longer in the tracker"; a spelling added to the
status list that has no effect on trackers already read; a copy of May's file saved under
June's name accepted because its content had been read before; a file refused for the date in
its name staying refused after the unit renamed it correctly.

Runs go through the documented command (``dg launch``, a subprocess with the venv's ``dg``)
where the issue names it, otherwise ``dg.materialize``; the published file is compared byte
for byte where nothing may change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from html import escape
from pathlib import Path

import dagster as dg
import pytest

from sr_pipeline.defs.partitions import monthly_partitions
from sr_pipeline.reference import REFERENCE_DIR
from tests.builders import qip_row, qip_workbook
from tests.pipeline_helpers import build, dg_launch, figures, public_content, rows

pytestmark = pytest.mark.slow

MAY_NAME = "QIPs_Suivi_2018-05-31.xlsx"
JUNE_NAME = "QIPs_Suivi_2018-06-30.xlsx"
MISSPELT = "QIP/GAO/2018/002"  # its June row says "En cour"


def write_trackers(folder: Path) -> Path:
    """QIP May: three projects. QIP June: the same three and a fourth; project 2's status is
    misspelt ("En cour"), so its row is rejected."""
    qip_workbook(folder, [qip_row(1), qip_row(2), qip_row(3)], name=MAY_NAME,
                 title_date="31/05/2018")  # fmt: skip
    june = [qip_row(1), qip_row(2, Statut="En cour"), qip_row(3), qip_row(4)]
    qip_workbook(folder, june, name=JUNE_NAME)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """May and June built as one run: the trackers folder and the published file (its work
    database beside it)."""
    base = tmp_path_factory.mktemp("built")
    trackers = write_trackers(base / "trackers")
    published = base / "warehouse" / "sr.duckdb"
    assert build(trackers, published, "2018-05-01", "2018-06-01").success
    return trackers, published


@pytest.fixture
def copy(built, tmp_path) -> tuple[Path, Path]:
    """A private copy of the built trackers and warehouse (published file and work database)."""
    trackers, published = built
    shutil.copytree(trackers, tmp_path / "trackers")
    shutil.copytree(published.parent, tmp_path / "warehouse",
                    ignore=shutil.ignore_patterns("bulletins", "feedback"))  # fmt: skip
    return tmp_path / "trackers", tmp_path / "warehouse" / "sr.duckdb"


def failure_text(result) -> str:
    return " ".join(
        e.step_failure_data.error.message
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error
    )


def test_a_missing_or_empty_trackers_folder_fails_and_publishes_nothing(copy, tmp_path):
    trackers, published = copy
    before = sha(published)
    nowhere = tmp_path / "drive-not-mounted"
    done = dg_launch(nowhere, published, tmp_path / "dagster_home", "--partition", "2018-06-01")
    assert done.returncode != 0
    assert f"The trackers folder {nowhere} does not exist" in done.stderr
    assert "RUN_SUCCESS" not in done.stderr
    assert sha(published) == before

    empty = tmp_path / "empty"
    (empty / "QIP").mkdir(parents=True)
    result = build(empty, published, "2018-06-01", raise_on_error=False)
    assert not result.success
    assert f"The trackers folder {empty} holds no tracker" in failure_text(result)
    assert sha(published) == before

    a_file = tmp_path / "a-file"
    a_file.write_text("a mount point left as a file\n")
    result = build(a_file, published, "2018-06-01", raise_on_error=False)
    assert f"The trackers folder {a_file} is not a folder" in failure_text(result)
    assert sha(published) == before
    assert figures(published, "2018-06-30")[("QIP", "projects_total")] == 3


def test_a_removed_feeding_version_fails_unless_the_removal_is_accepted(copy, tmp_path):
    trackers, published = copy
    before = sha(published)
    (trackers / JUNE_NAME).unlink()
    done = dg_launch(trackers, published, tmp_path / "dagster_home", "--partition", "2018-06-01")
    assert done.returncode != 0
    assert f"QIP June 2018: the published figures come from {JUNE_NAME}" in done.stderr
    assert sha(published) == before

    accept = f"removed:{JUNE_NAME}"
    home = tmp_path / "dagster_home"
    done = dg_launch(trackers, published, home, "--partition", "2018-06-01", SR_ACCEPT=accept)
    assert done.returncode == 0, done.stderr[-3000:]
    assert rows(published, "SELECT DISTINCT data_as_of FROM snapshots.projects "
                "WHERE as_of = '2018-06-30'") == [(date(2018, 5, 31),)]  # fmt: skip


def test_a_month_whose_trackers_were_all_refused_is_not_published_from_an_older_one(
    copy, monkeypatch
):
    # A byte copy of May's file saved as June's: its content was read (as May's) before, yet
    # the title date (31/05/2018) is checked against this name, and refused.
    trackers, published = copy
    (trackers / JUNE_NAME).unlink()
    shutil.copyfile(trackers / MAY_NAME, trackers / "QIPs_Suivi_2018-06-30_v2.xlsx")
    monkeypatch.setenv("SR_ACCEPT", f"removed:{JUNE_NAME}")
    result = build(trackers, published, "2018-06-01", raise_on_error=False)
    assert not result.success
    message = failure_text(result)
    assert "QIP June 2018: every tracker dated within the month was refused" in message
    assert "QIPs_Suivi_2018-06-30_v2.xlsx" in message

    monkeypatch.setenv("SR_ACCEPT", f"removed:{JUNE_NAME}; refused:QIPs_Suivi_2018-06-30_v2.xlsx")
    assert build(trackers, published, "2018-06-01").success
    assert rows(published, "SELECT DISTINCT data_as_of FROM snapshots.projects "
                "WHERE as_of = '2018-06-30'") == [(date(2018, 5, 31),)]  # fmt: skip
    assert rows(published, "SELECT source_file FROM dq.rejected_files "
                "WHERE as_of = '2018-06-30'") == [("QIPs_Suivi_2018-06-30_v2.xlsx",)]  # fmt: skip
    page = published.parent / "bulletins" / "2018-06" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "the data team accepted publishing the month from the tracker as of 31 May" in text


def test_a_file_refused_for_the_date_in_its_name_is_read_again_once_renamed(tmp_path, monkeypatch):
    trackers = tmp_path / "trackers"
    qip_workbook(trackers, [qip_row(1), qip_row(2)], name=MAY_NAME, title_date="31/05/2018")
    wrong = qip_workbook(trackers, [qip_row(1), qip_row(2), qip_row(3)],
                         name="QIPs_Suivi_2018-06-29.xlsx")  # title: 30/06/2018  # fmt: skip
    published = tmp_path / "sr.duckdb"
    monkeypatch.setenv("SR_ACCEPT", "refused:QIPs_Suivi_2018-06-29.xlsx")
    assert build(trackers, published, "2018-06-01").success
    assert figures(published, "2018-06-30")[("QIP", "projects_total")] == 2  # May's
    wrong.rename(trackers / JUNE_NAME)
    monkeypatch.delenv("SR_ACCEPT")
    assert build(trackers, published, "2018-06-01").success
    assert figures(published, "2018-06-30")[("QIP", "projects_total")] == 3
    assert rows(published, "SELECT count(*) FROM dq.rejected_files") == [(0,)]


def test_a_lost_work_database_is_rebuilt_for_every_published_month(copy, tmp_path):
    trackers, published = copy
    before = public_content(published)
    work = published.with_name("sr.work.duckdb")
    work.unlink()
    done = dg_launch(trackers, published, tmp_path / "dagster_home", "--partition", "2018-05-01")
    assert done.returncode == 0, done.stderr[-3000:]
    assert public_content(published) == before  # June is still there, row for row


def test_a_rejected_row_hides_a_project_and_a_spelling_added_counts_it(built, copy, tmp_path):
    page = (built[1].parent / "bulletins" / "2018-06" / "index.html").read_text("utf-8")
    assert "1 no longer in the tracker" not in page
    assert "0 no longer in the tracker, 1 hidden by a rejected row;" in page
    assert escape(f"1 row of {JUNE_NAME} was rejected and counts in no figure this month; "
                  f"it hides 1 project counted last month: {MISSPELT} (") in page  # fmt: skip
    assert "feedback/QIP/QIPs_Suivi_2018-06-30_feedback.xlsx" in page
    assert "Trust Fund (TF)</strong>: no tracker on or before 30 June 2018" in page
    trackers, published = copy
    assert rows(published, "SELECT change, project_code, value FROM marts.monthly_changes "
                "WHERE as_of = '2018-06-30' AND change IN ('removed', 'rejected')") == [
        ("rejected", MISSPELT, 25_000.0),
    ]  # fmt: skip
    env = {"SR_WAREHOUSE": str(published)}
    shown = subprocess.run(
        [sys.executable, "-m", "sr_pipeline.figures", "2018-06"],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert f"QIP: 1 row of {JUNE_NAME} was rejected and counts in no figure" in shown.stdout
    assert f"it hides 1 project counted last month: {MISSPELT}" in shown.stdout
    assert "feedback/QIP/QIPs_Suivi_2018-06-30_feedback.xlsx" in shown.stdout
    assert "TF: no tracker on or before 2018-06-30" in shown.stdout

    # The data team adds the spelling (in a copy of the reference lists) and runs June again.
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    with (reference / "statuses.csv").open("a", encoding="utf-8") as handle:
        handle.write("En cour,ongoing\n")
    work = published.with_name("sr.work.duckdb")
    inode = work.stat().st_ino
    done = dg_launch(trackers, published, tmp_path / "dagster_home", "--partition", "2018-06-01",
                     SR_REFERENCE_DIR=str(reference))  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert figures(published, "2018-06-30")[("QIP", "projects_total")] == 4
    assert figures(published, "2018-06-30")[("QIP", "projects_ongoing")] == 1
    assert rows(published, "SELECT count(*) FROM marts.monthly_changes "
                "WHERE change IN ('removed', 'rejected')") == [(0,)]  # fmt: skip
    assert work.stat().st_ino == inode  # the same work database: nothing deleted by hand
    assert not list(published.parent.glob("*.outdated-*"))


@pytest.mark.parametrize("month", ["2012-01", "2018-13", "2099-01"])
def test_a_month_that_cannot_be_built_gets_one_sentence(month):
    shown = subprocess.run(
        [sys.executable, "-m", "sr_pipeline.figures", month],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 2
    assert "Traceback" not in shown.stderr
    assert shown.stderr.strip().splitlines()[-1].count(".") <= 1


def tick(folder: Path, published: Path, cursor: str | None):
    """One evaluation of the trackers-folder sensor through Dagster's sensor API."""
    from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
    from sr_pipeline.defs.sensors import tracker_folder_sensor

    resources = {"trackers": TrackersFolder(path=str(folder)),
                 "warehouse": WarehouseResource(path=str(published))}  # fmt: skip
    context = dg.build_sensor_context(cursor=cursor, resources=resources)
    return tracker_folder_sensor.evaluate_tick(context)


def test_the_sensor_skips_a_vanished_folder_and_builds_a_file_put_back_again(copy, tmp_path):
    trackers, published = copy
    stock = tick(trackers, published, None)
    assert not stock.run_requests

    # The drive is unmounted: the tick is skipped with the reason, no month is requested and
    # the cursor is kept (when the drive is back, nothing has changed).
    aside = trackers.rename(tmp_path / "unmounted")
    vanished = tick(trackers, published, stock.cursor)
    assert not vanished.run_requests
    assert f"The trackers folder {trackers} does not exist" in vanished.skip_message
    assert vanished.cursor in (None, stock.cursor)
    aside.rename(trackers)
    assert not tick(trackers, published, stock.cursor).run_requests

    # June removed, put back, removed again: three changes, three runs, three new keys.
    june = (trackers / JUNE_NAME).read_bytes()
    cursor, keys = stock.cursor, []
    for step in ("remove", "put back", "remove"):
        if step == "remove":
            (trackers / JUNE_NAME).unlink()
        else:
            (trackers / JUNE_NAME).write_bytes(june)
        evaluated = tick(trackers, published, cursor)
        assert [r.tags.get("dagster/asset_partition_range_start") or r.partition_key
                for r in evaluated.run_requests] == ["2018-06-01"], step  # fmt: skip
        keys += [r.run_key for r in evaluated.run_requests]
        cursor = evaluated.cursor
    assert len(set(keys)) == 3


def test_the_first_tracker_in_a_new_empty_folder_is_built(tmp_path):
    # A new installation: the sensor's first tick finds the folder empty (no cursor yet). It
    # takes stock of nothing, so the first tracker sent is an arrival and its month is built;
    # an empty folder later, with a cursor, is still skipped (never read as removals).
    trackers, published = tmp_path / "trackers", tmp_path / "sr.duckdb"
    trackers.mkdir()
    stock = tick(trackers, published, None)
    assert not stock.run_requests and stock.cursor is not None
    qip_workbook(trackers, [qip_row(1)], name=JUNE_NAME)
    arrived = tick(trackers, published, stock.cursor)
    assert [r.tags.get("dagster/asset_partition_range_start") or r.partition_key
            for r in arrived.run_requests] == ["2018-06-01"]  # fmt: skip
    (trackers / JUNE_NAME).unlink()
    emptied = tick(trackers, published, arrived.cursor)
    assert not emptied.run_requests and "holds no tracker" in emptied.skip_message


def test_the_sensor_asks_for_every_fed_month_after_a_reference_change(copy):
    trackers, published = copy
    stock = tick(trackers, published, None)
    state = json.loads(stock.cursor)
    state["reading"] = "read with yesterday's status list"
    evaluated = tick(trackers, published, json.dumps(state))
    (request,) = evaluated.run_requests
    assert request.tags["dagster/asset_partition_range_start"] == "2018-05-01"
    last = monthly_partitions.get_last_partition_key()
    assert request.tags["dagster/asset_partition_range_end"] == last
    assert not tick(trackers, published, evaluated.cursor).run_requests


def test_a_tracker_saved_again_with_new_content_is_no_removal(copy):
    # The unit saves over June's file (same name, corrected content): an update, not a loss.
    trackers, published = copy
    qip_workbook(trackers, [qip_row(1), qip_row(2), qip_row(3), qip_row(4), qip_row(5)],
                 name=JUNE_NAME)  # fmt: skip
    assert build(trackers, published, "2018-06-01").success
    assert figures(published, "2018-06-30")[("QIP", "projects_total")] == 5


def test_a_refused_first_tracker_with_nothing_older_publishes_no_figures_and_says_so(tmp_path):
    # A unit's first tracker is still being copied (half a file): there is no older tracker
    # to fall back on, so nothing is published in its place; the refusal is listed.
    trackers = write_trackers(tmp_path / "trackers")
    (trackers / MAY_NAME).unlink()
    june = (trackers / JUNE_NAME).read_bytes()
    (trackers / JUNE_NAME).write_bytes(june[: len(june) // 2])
    published = tmp_path / "sr.duckdb"
    result = build(trackers, published, "2018-06-01")
    assert result.success
    (snapshot,) = [m for m in result.get_asset_materialization_events()
                   if m.asset_key.to_user_string() == "snapshots/projects"]  # fmt: skip
    metadata = snapshot.materialization.metadata["funds_without_tracker_last_month"]
    assert metadata.value == "QIP, TF, PBF: no tracker on or before 2018-06-30"
    assert rows(published, "SELECT count(*) FROM snapshots.projects") == [(0,)]
    assert rows(published, "SELECT source_file FROM dq.rejected_files") == [(JUNE_NAME,)]
