"""How the portal names and stores a file it sends, on a real filesystem.

Guards against a clerk's file landing in the trackers folder under a name the pipeline does
not recognise (or as the wrong fund or revision), a correction that replaces the file it
corrects instead of taking the next revision, and a half-written file the sensor could read:
a send killed in the middle of the copy must leave nothing under a tracker's name, and the
temporary file it leaves must be ignored by discovery.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from sr_pipeline.model import TrackerFile
from sr_pipeline.portal.naming import contract_name, next_revision, store_atomically
from sr_pipeline.trackers.discovery import discover, recognise
from tests import ROOT
from tests.builders import qip_row, qip_workbook


@pytest.mark.parametrize(
    ("fund", "report_date", "revision", "name"),
    [
        ("QIP", date(2018, 6, 30), 1, "QIPs_Suivi_2018-06-30.xlsx"),
        ("QIP", date(2018, 6, 30), 3, "QIPs_Suivi_2018-06-30_v3.xlsx"),
        ("TF", date(2018, 6, 30), 2, "TF_Project_Tracker_Jun2018_v2.xlsx"),
        ("PBF", date(2018, 2, 28), 1, "PBF_Portefeuille_20180228.xlsx"),
    ],
)
def test_the_name_is_the_contracts_and_reads_back_as_the_same_version(
    fund: str, report_date: date, revision: int, name: str
) -> None:
    assert contract_name(fund, report_date, revision) == name
    tracker = recognise(Path(name))
    assert isinstance(tracker, TrackerFile)
    assert (tracker.fund, tracker.report_date, tracker.revision) == (fund, report_date, revision)


def test_the_next_revision_is_above_every_file_of_that_fund_and_date(tmp_path: Path) -> None:
    june = date(2018, 6, 30)
    assert next_revision(tmp_path / "missing", "QIP", june) == 1
    qip_workbook(tmp_path / "a", [qip_row(1)])  # plain name: revision 1
    assert next_revision(tmp_path, "QIP", june) == 2
    qip_workbook(tmp_path / "b" / "deep", [qip_row(1)], name="QIPs_Suivi_2018-06-30_rev.xlsx")
    qip_workbook(tmp_path, [qip_row(1)], name="QIPs_Suivi_2018-05-31_v7.xlsx",
                 title_date="31/05/2018")  # another month: does not count  # fmt: skip
    assert next_revision(tmp_path, "QIP", june) == 3
    assert next_revision(tmp_path, "TF", june) == 1


def test_storing_never_replaces_a_file(tmp_path: Path) -> None:
    source = qip_workbook(tmp_path / "src", [qip_row(1)])
    folder = tmp_path / "trackers"
    kept = folder / "QIPs_Suivi_2018-06-30.xlsx"
    folder.mkdir()
    kept.write_bytes(b"the unit's earlier file")
    with pytest.raises(FileExistsError):
        store_atomically(source, folder, kept.name)
    assert kept.read_bytes() == b"the unit's earlier file"
    assert sorted(p.name for p in folder.iterdir()) == [kept.name]  # no temporary file left


STORE = """
import sys
from pathlib import Path
from sr_pipeline.portal.naming import store_atomically
store_atomically(Path(sys.argv[1]), Path(sys.argv[2]), "QIPs_Suivi_2018-06-30.xlsx")
"""


def test_a_send_killed_while_copying_leaves_no_tracker_half_written(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as out:  # large enough that the copy is still running when killed
        out.truncate(400 * 2**20)
    folder = tmp_path / "trackers"
    child = subprocess.Popen([sys.executable, "-c", STORE, str(big), str(folder)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        partial = list(folder.glob(".portal-*.tmp")) if folder.is_dir() else []
        if partial and partial[0].stat().st_size > 0:
            break
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not (folder / "QIPs_Suivi_2018-06-30.xlsx").exists()
    assert list(folder.glob(".portal-*.tmp"))  # what was left is hidden...
    assert discover(folder) == ([], [])  # ...and the pipeline neither reads nor reports it
