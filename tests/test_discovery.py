"""Finding tracker versions in a folder the units fill by hand.

Guards against: trackers filed in arbitrary sub-folders, Excel lock files, files named
almost like a tracker, corrected files sent twice in a month (`_v2`, `_rev`, `_corrigé`),
two files claiming the same version, the same file copied under two names (an archive, a
`_v1`), a year typed 2081, and picking the wrong version for a month.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import RefusedFile, TrackerFile
from sr_pipeline.trackers.discovery import discover, feeding_version, recognise


def touch(folder: Path, *names: str, distinct: bool = False) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK" + (name.encode() if distinct else b""))


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
    # Different content under one report date and revision: the unit must say which counts.
    touch(tmp_path, "a/QIPs_Suivi_2018-06-30.xlsx", "b/QIPs_Suivi_2018-06-30.xlsx",
          "QIPs_Suivi_2018-05-31_rev.xlsx", "QIPs_Suivi_2018-05-31_corrigé.xlsx",
          distinct=True)  # fmt: skip
    versions, refused = discover(tmp_path)
    assert versions == []
    assert len(refused) == 4
    assert all(isinstance(r, RefusedFile) and r.fund == "QIP" for r in refused)
    assert all("same report date and revision" in r.problem for r in refused)
    assert "a/QIPs_Suivi_2018-06-30.xlsx, b/QIPs_Suivi_2018-06-30.xlsx" in refused[-1].problem


def test_the_same_content_under_two_names_is_one_version(tmp_path: Path) -> None:
    # A copy kept in archives/, a _v1 saved beside the plain name, a _v2 beside a _corrigé
    # with the same bytes: one version each, the file nearest the top (then the shorter
    # name) is the version and the others its copies; nothing is refused.
    touch(tmp_path, "QIPs_Suivi_2018-06-30.xlsx", "archives/QIPs_Suivi_2018-06-30.xlsx",
          "QIPs_Suivi_2018-06-30_v1.xlsx")  # fmt: skip
    touch(tmp_path, "TF_Project_Tracker_May2018_v2.xlsx", "TF_Project_Tracker_May2018_corrigé.xlsx")
    versions, refused = discover(tmp_path)
    assert refused == []
    assert [(v.name, [p.relative_to(tmp_path).as_posix() for p in v.copies]) for v in versions] == [
        ("QIPs_Suivi_2018-06-30.xlsx",
         ["QIPs_Suivi_2018-06-30_v1.xlsx", "archives/QIPs_Suivi_2018-06-30.xlsx"]),
        ("TF_Project_Tracker_May2018_v2.xlsx", ["TF_Project_Tracker_May2018_corrigé.xlsx"]),
    ]  # fmt: skip


def test_a_report_date_later_than_the_day_of_reading_is_refused(tmp_path: Path) -> None:
    # QIPs_Suivi_2081-06-30: a typo for 2018, never a version waiting for its month.
    touch(tmp_path, "QIPs_Suivi_2081-06-30.xlsx", "QIPs_Suivi_2018-06-30.xlsx")
    versions, refused = discover(tmp_path, today=date(2018, 7, 5))
    assert [v.name for v in versions] == ["QIPs_Suivi_2018-06-30.xlsx"]
    assert [(r.path.name, r.fund, r.message) for r in refused] == [
        ("QIPs_Suivi_2081-06-30.xlsx", "QIP", Message.of("name_date_future", date="30/06/2081"))
    ]
    # The day of reading itself is no typo.
    assert isinstance(recognise(tmp_path / "QIPs_Suivi_2018-06-30.xlsx", date(2018, 6, 30)),
                      TrackerFile)  # fmt: skip


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


@pytest.mark.parametrize(
    ("name", "fund", "suffix"),
    [
        ("QIPs_Suivi_2018-06-30.xlsb", "QIP", ".xlsb"),  # Excel's binary workbook
        ("QIPs_Suivi_2018-06-30.XLSB", "QIP", ".XLSB"),
        ("TF_Project_Tracker_Jun2018.xlsm", "TF", ".xlsm"),  # macro-enabled
        ("PBF_Portefeuille_20180228.ods", "PBF", ".ods"),  # saved by LibreOffice
        ("PBF_Portefeuille_20180228.csv", "PBF", ".csv"),
    ],
)
def test_a_tracker_name_in_another_format_is_refused_naming_the_file(
    tmp_path: Path, name: str, fund: str, suffix: str
) -> None:
    touch(tmp_path, name)
    versions, refused = discover(tmp_path)
    assert versions == []
    assert [(r.path.name, r.fund, r.problem) for r in refused] == [
        (name, fund, f"{name}: a {suffix} file is not accepted; save the tracker as an Excel "
                     "workbook (.xlsx)"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "notes.xlsx",
        "QIPs_Suivi_2018-6-30.xlsx",  # a month without its zero: not the contract's form
        "QIPs Suivi 2018-06-30.xlsx",  # spaces for underscores
        "PBF_Portefeuille_2018-02-28.xlsx",  # the QIP unit's date form
        "QIPs_Suivi_2018-06-30_rev2.xlsx",  # not one of the revision suffixes
    ],
)
def test_an_unrecognised_workbook_is_reported_never_guessed(tmp_path: Path, name: str) -> None:
    touch(tmp_path, name)
    versions, refused = discover(tmp_path)
    assert versions == []
    assert [(r.path.name, r.fund, r.problem) for r in refused] == [
        (name, None, f"{name}: unrecognised workbook name; tracker names are "
                     "QIPs_Suivi_<YYYY-MM-DD>.xlsx, TF_Project_Tracker_<Mon><YYYY>.xlsx or "
                     "PBF_Portefeuille_<YYYYMMDD>.xlsx (optionally _v2, _rev or _corrigé)"),
    ]  # fmt: skip


def test_folder_names_and_modification_times_carry_no_meaning(tmp_path: Path) -> None:
    # A QIP tracker filed under "PBF", a TF one under "QIP/2017", another deep down; the
    # files were last touched in 2020. Only their names say what they are.
    touch(tmp_path, "PBF/QIPs_Suivi_2018-06-30.xlsx", "QIP/2017/TF_Project_Tracker_Jun2018.xlsx",
          "a/b/c/d/e/PBF_Portefeuille_20180228.xlsx")  # fmt: skip
    for path in tmp_path.rglob("*.xlsx"):
        os.utime(path, (1_600_000_000, 1_600_000_000))  # September 2020
    versions, refused = discover(tmp_path)
    assert refused == []
    assert [(v.fund, v.report_date, str(v.path.relative_to(tmp_path))) for v in versions] == [
        ("PBF", date(2018, 2, 28), "a/b/c/d/e/PBF_Portefeuille_20180228.xlsx"),
        ("QIP", date(2018, 6, 30), "PBF/QIPs_Suivi_2018-06-30.xlsx"),
        ("TF", date(2018, 6, 30), "QIP/2017/TF_Project_Tracker_Jun2018.xlsx"),
    ]


def test_excel_lock_files_are_ignored_not_reported(tmp_path: Path) -> None:
    # Excel leaves "~$<name>" beside a workbook someone has open: not a file of the unit's,
    # nothing to refuse or to list.
    touch(tmp_path, "~$QIPs_Suivi_2018-06-30.xlsx", "tf/~$TF_Project_Tracker_Jun2018.xlsx",
          "~$notes.xlsx")  # fmt: skip
    assert discover(tmp_path) == ([], [])
