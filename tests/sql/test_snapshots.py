"""snapshots.projects from real tracker rows: workbooks read by the reader, recorded in raw as
the raw step records them, then the layers' SQL, all in memory (no Dagster run).

Guards against: a multi-region PBF project whose regions reach the warehouse as the clerk
spelled them, in another order or with another separator than ``'; '``; a region shown as a
spelling (`TBT`, `Countrywide`) instead of its admin-1 name or `National`; a `category`
that is not the QIP sector in English, the TF objective number or the PBF window.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.warehouse.raw import insert_version
from tests.builders import pbf_row, pbf_workbook, qip_row, qip_workbook, tf_row, tf_workbook
from tests.sql.warehouse_rows import Warehouse

JUNE = date(2018, 6, 30)


def load(w: Warehouse, path: Path) -> None:
    """A workbook into the in-memory warehouse as a run would: in the folder, read, recorded."""
    tracker = recognise(path)
    result = read_tracker(tracker)
    w.con.execute(
        "INSERT INTO raw.tracker_folder VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
        [tracker.name, tracker.name, tracker.fund, tracker.report_date, tracker.revision,
         result.sha256],
    )  # fmt: skip
    insert_version(w.con, result)


def test_regions_and_categories_reach_the_snapshot_canonical(tmp_path: Path) -> None:
    w = Warehouse()
    qip = [
        qip_row(1, Région="TBT", Secteur="Santé"),
        qip_row(2, Région="tout le pays", Secteur="Droits de l’homme"),
    ]
    tf = [
        tf_row(1, Region="Countrywide", Objective="Obj. 5"),
        tf_row(2, Region="Segu", Objective="Return of State Authority, Rule of Law and DDR-SSR"),
    ]
    pbf = [
        pbf_row(1, Régions="Mopti, Gao, Ménaka"),
        pbf_row(2, Régions="MNK / gao et Mopti", Fenêtre="IPYG"),  # in the order written
        pbf_row(3, Régions="Bamako; District de Bamako", Fenêtre="Secrétariat"),  # one region
        pbf_row(4, Régions="Kidal", Fenêtre="cross-border"),
    ]
    load(w, qip_workbook(tmp_path, qip))
    load(w, tf_workbook(tmp_path, tf))
    load(w, pbf_workbook(tmp_path, pbf))
    w.build(JUNE)
    assert w.rows(
        "SELECT fund, project_code, region, category, data_as_of FROM snapshots.projects "
        "WHERE as_of = ? ORDER BY source_file, source_row",
        [JUNE],
    ) == [
        ("PBF", "00092451", "Mopti; Gao; Ménaka", "Phase I", date(2018, 2, 28)),
        ("PBF", "00092452", "Ménaka; Gao; Mopti", "GYPI", date(2018, 2, 28)),
        ("PBF", "00092453", "Bamako", "Secrétariat", date(2018, 2, 28)),
        ("PBF", "00092454", "Kidal", "Transfrontalier", date(2018, 2, 28)),
        ("QIP", "QIP/GAO/2018/001", "Tombouctou", "Health", JUNE),
        ("QIP", "QIP/GAO/2018/002", "National", "Human Rights", JUNE),
        ("TF", "TF-2018-001", "National", "5", JUNE),
        ("TF", "TF-2018-002", "Ségou", "3", JUNE),
    ]
