"""The trackers folder is shared with the units: what lies in it is not always a workbook.

The mess it guards against, each reproduced on a real folder and a real build:

- a link named like a tracker (``QIPs_Suivi_2018-06-30_v3.xlsx →`` a private 0600 workbook
  elsewhere on the machine): followed, its projects would reach the published snapshot and
  the unit's feedback workbook; a link to ``/etc/passwd`` would have its sha256 recorded;
- a link to a folder outside (``QIP/elsewhere →`` a folder of someone else's trackers);
- a huge file named as a tracker (an 8 GiB sparse file): hashed whole, it cost seconds at every
  sensor tick and every run.

Each must be refused from its folder entry alone (never opened, never hashed, nothing of it
recorded but the refusal), with a sentence saying why, and the other trackers still load.
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path

import pytest

from sr_pipeline.defs.sensors import folder_state
from sr_pipeline.trackers.discovery import discover
from sr_pipeline.trackers.safety import MAX_FILE_BYTES, UnsafeWorkbook, check_workbook, sha256_of
from tests.builders import qip_row, qip_workbook
from tests.pipeline_helpers import build, rows, write_small_trackers

SECRET_CODE = "QIP/GAO/2018/042"
HUGE = 8 * 2**30


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("folder-safety")
    trackers = write_small_trackers(base / "trackers")
    private = qip_workbook(base / "private", [qip_row(42)], name="someone-elses.xlsx")
    private.chmod(0o600)
    qip = trackers / "QIP" / "2018"
    (qip / "QIPs_Suivi_2018-06-30_v3.xlsx").symlink_to(private)
    (qip / "QIPs_Suivi_2018-05-31_v9.xlsx").symlink_to("/etc/passwd")
    outside = base / "outside"
    qip_workbook(outside, [qip_row(42)], name="QIPs_Suivi_2018-06-30_v4.xlsx")
    (qip / "elsewhere").symlink_to(outside, target_is_directory=True)
    with (trackers / "TF" / "TF_Project_Tracker_Jun2018_v2.xlsx").open("wb") as huge:
        huge.truncate(HUGE)  # sparse: no disk used, 8 GiB to whoever reads it
    return trackers


@pytest.fixture(scope="module")
def warehouse(folder: Path, tmp_path_factory) -> Path:
    published = tmp_path_factory.mktemp("folder-safety-wh") / "sr.duckdb"
    assert build(folder, published, "2018-06-01").success
    return published


def refusals(folder: Path) -> dict[str, str]:
    _, refused = discover(folder)
    return {str(r.path.relative_to(folder)): r.problem for r in refused}


def test_links_and_huge_files_are_refused_from_their_entry(folder: Path) -> None:
    found = refusals(folder)
    link = "a link to another file or folder, not a file of its own: links are never followed"
    for name in (
        "QIP/2018/QIPs_Suivi_2018-06-30_v3.xlsx",
        "QIP/2018/QIPs_Suivi_2018-05-31_v9.xlsx",
        "QIP/2018/elsewhere",
    ):
        assert found[name].startswith(f"{Path(name).name}: {link}"), found[name]
    limit = MAX_FILE_BYTES // 2**20
    assert found["TF/TF_Project_Tracker_Jun2018_v2.xlsx"].startswith(
        f"TF_Project_Tracker_Jun2018_v2.xlsx: the file is 8,192 MB, above the {limit} MB a "
        "tracker may weigh: not read"
    )
    versions, _ = discover(folder)
    assert all(not v.path.is_symlink() and v.path.stat().st_size < HUGE for v in versions)
    assert len(versions) == 4  # the small set's trackers all still there


def test_the_sensor_tick_neither_follows_nor_hashes_them(folder: Path) -> None:
    began = time.monotonic()
    state = folder_state(folder)
    took = time.monotonic() - began
    names = {entry[3] for entries in state.values() for entry in entries}
    assert names == {
        "QIPs_Suivi_2018-05-31.xlsx",
        "QIPs_Suivi_2018-06-30.xlsx",
        "TF_Project_Tracker_Jun2018.xlsx",
        "PBF_Portefeuille_20180228.xlsx",
    }
    assert took < 2, f"a tick took {took:.1f} s: something large was read"


def test_a_link_swapped_in_after_the_scan_is_not_opened(tmp_path: Path) -> None:
    link = tmp_path / "QIPs_Suivi_2018-06-30.xlsx"
    link.symlink_to(qip_workbook(tmp_path / "private", [qip_row(42)]))
    for read in (sha256_of, check_workbook):
        with pytest.raises(UnsafeWorkbook, match="links are never followed"):
            read(link)
    fifo = tmp_path / "QIPs_Suivi_2018-05-31.xlsx"
    os.mkfifo(fifo)  # would block an open() without O_NONBLOCK
    with pytest.raises(UnsafeWorkbook, match="not an ordinary file"):
        sha256_of(fifo)


def test_a_build_records_the_refusals_and_nothing_of_what_they_point_at(
    folder: Path, warehouse: Path
) -> None:
    private = (folder / "QIP" / "2018" / "QIPs_Suivi_2018-06-30_v3.xlsx").resolve()
    outside_hashes = {
        hashlib.sha256(path.read_bytes()).hexdigest() for path in (private, Path("/etc/passwd"))
    }
    recorded = {sha for (sha,) in rows(warehouse, "SELECT sha256 FROM raw.tracker_files")}
    assert recorded and not recorded & outside_hashes
    secret = "SELECT count(*) FROM snapshots.projects WHERE project_code = ?"
    assert rows(warehouse, secret, [SECRET_CODE]) == [(0,)]
    for feedback in warehouse.parent.glob("feedback/**/*.xlsx"):  # the units' workbooks
        with zipfile.ZipFile(feedback) as book:
            parts = b"".join(book.read(name) for name in book.namelist())
        assert SECRET_CODE.encode() not in parts, feedback
    listed = dict(
        rows(warehouse, "SELECT path, problem FROM raw.tracker_folder WHERE sha256 IS NULL")
    )
    for name in (
        "QIP/2018/QIPs_Suivi_2018-06-30_v3.xlsx",
        "QIP/2018/elsewhere",
        "TF/TF_Project_Tracker_Jun2018_v2.xlsx",
    ):
        assert name in listed, listed
    june = dict(
        rows(
            warehouse,
            "SELECT source_file, problem FROM dq.rejected_files WHERE as_of = DATE '2018-06-30'",
        )
    )
    assert "links are never followed" in june["QIPs_Suivi_2018-06-30_v3.xlsx"]
    assert "MB a tracker may weigh" in june["TF_Project_Tracker_Jun2018_v2.xlsx"]
    # June is still built from the real files.
    assert rows(
        warehouse,
        "SELECT DISTINCT source_file FROM snapshots.projects "
        "WHERE as_of = DATE '2018-06-30' AND fund = 'QIP'",
    ) == [("QIPs_Suivi_2018-06-30.xlsx",)]
