"""Finding tracker versions in a folder the units fill by hand.

Guards against: trackers filed in arbitrary sub-folders, Excel lock files, files named
almost like a tracker, corrected files sent twice in a month (`_v2`, `_rev`, `_corrigé`),
two files claiming the same version, and picking the wrong version for a month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sr_pipeline.discovery import discover, feeding_version, recognise
from sr_pipeline.model import RefusedFile, TrackerFile


def touch(folder: Path, *names: str) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK")


def test_names_give_fund_report_date_and_revision(tmp_path: Path) -> None:
    cases = {
        "QIPs_Suivi_2018-06-30.xlsx": ("QIP", date(2018, 6, 30), 1),
        "QIPs_Suivi_2018-05-31_v2.xlsx": ("QIP", date(2018, 5, 31), 2),
        "QIPs_Suivi_2018-05-31_v3.xlsx": ("QIP", date(2018, 5, 31), 3),
        "TF_Project_Tracker_Jun2018.xlsx": ("TF", date(2018, 6, 30), 1),
        "TF_Project_Tracker_Feb2016_rev.xlsx": ("TF", date(2016, 2, 29), 2),
        "PBF_Portefeuille_20180228_corrigé.xlsx": ("PBF", date(2018, 2, 28), 2),
        "PBF_Portefeuille_20180228_corrige\u0301.xlsx": ("PBF", date(2018, 2, 28), 2),  # NFD é
    }
    for name, expected in cases.items():
        found = recognise(tmp_path / name)
        assert isinstance(found, TrackerFile), name
        assert (found.fund, found.report_date, found.revision) == expected, name


def test_recursive_discovery_ignores_lock_files_and_reports_the_rest(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "qips/2018/juin/QIPs_Suivi_2018-06-30.xlsx",
        "qips/2018/juin/~$QIPs_Suivi_2018-06-30.xlsx",
        "tf/TF_Project_Tracker_Jun2018.xlsx",
        "divers/Copie de QIPs_Suivi_2018-06-30.xlsx",
        "divers/QIPs_Suivi_2018-02-30.xlsx",
        "divers/notes.docx",
    )
    versions, refused = discover(tmp_path)
    assert [(v.fund, v.path.name) for v in versions] == [
        ("QIP", "QIPs_Suivi_2018-06-30.xlsx"),
        ("TF", "TF_Project_Tracker_Jun2018.xlsx"),
    ]
    problems = {r.path.name: r.problem for r in refused}
    assert "unrecognised workbook name" in problems["Copie de QIPs_Suivi_2018-06-30.xlsx"]
    assert "not a real date" in problems["QIPs_Suivi_2018-02-30.xlsx"]
    assert "only .xlsx workbooks are read" in problems["notes.docx"]


def test_same_version_twice_refuses_both(tmp_path: Path) -> None:
    touch(tmp_path, "a/QIPs_Suivi_2018-06-30.xlsx", "b/QIPs_Suivi_2018-06-30.xlsx",
          "QIPs_Suivi_2018-05-31_rev.xlsx", "QIPs_Suivi_2018-05-31_corrigé.xlsx")  # fmt: skip
    versions, refused = discover(tmp_path)
    assert versions == []
    assert len(refused) == 4
    assert all(isinstance(r, RefusedFile) and r.fund == "QIP" for r in refused)
    assert all("same report date and revision" in r.problem for r in refused)
    assert "a/QIPs_Suivi_2018-06-30.xlsx, b/QIPs_Suivi_2018-06-30.xlsx" in refused[-1].problem


def test_latest_version_per_fund_for_a_month(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "QIPs_Suivi_2018-05-31.xlsx",
        "QIPs_Suivi_2018-05-31_v2.xlsx",
        "QIPs_Suivi_2018-06-30.xlsx",
        "PBF_Portefeuille_20171130.xlsx",
        "PBF_Portefeuille_20180228.xlsx",
    )
    versions, _ = discover(tmp_path)

    def feeding(fund: str, as_of: date) -> TrackerFile | None:
        return feeding_version(versions, fund, as_of, lambda t: True)

    assert feeding("QIP", date(2018, 5, 31)).path.name == "QIPs_Suivi_2018-05-31_v2.xlsx"
    assert feeding("QIP", date(2018, 6, 30)).path.name == "QIPs_Suivi_2018-06-30.xlsx"
    assert feeding("PBF", date(2018, 6, 30)).report_date == date(2018, 2, 28)
    assert feeding("TF", date(2018, 6, 30)) is None
    assert feeding("QIP", date(2017, 10, 31)) is None
    assert feeding("PBF", date(2017, 10, 31)) is None


def test_a_refused_version_is_not_a_version_the_month_falls_back(tmp_path: Path) -> None:
    touch(tmp_path, "QIPs_Suivi_2018-05-31.xlsx", "QIPs_Suivi_2018-05-31_v2.xlsx",
          "QIPs_Suivi_2018-06-30.xlsx")  # fmt: skip
    versions, _ = discover(tmp_path)
    refused = {"QIPs_Suivi_2018-06-30.xlsx", "QIPs_Suivi_2018-05-31_v2.xlsx"}
    asked: list[str] = []

    def accepted(tracker: TrackerFile) -> bool:
        asked.append(tracker.name)
        return tracker.name not in refused

    chosen = feeding_version(versions, "QIP", date(2018, 6, 30), accepted)
    assert chosen.name == "QIPs_Suivi_2018-05-31.xlsx"
    # Asked newest first, and only until one is accepted (the raw step reads as it asks).
    assert asked == [
        "QIPs_Suivi_2018-06-30.xlsx", "QIPs_Suivi_2018-05-31_v2.xlsx", "QIPs_Suivi_2018-05-31.xlsx",
    ]  # fmt: skip
