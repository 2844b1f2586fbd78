"""File names into tracker versions, and the version that feeds a month, at their edges
(sr_pipeline/trackers/discovery.py; tests/test_discovery.py has the everyday cases).

Guards against: a revision suffix read wrong (``_v10`` below ``_v9``, ``_V2`` or ``_REV`` in
capitals not recognised, ``_corrigé`` typed without its accent); a TF month in capitals not
understood, a TF month in French (``Mai``, ``Fev``, ``Jui``: June or July?) taken as a date or
refused as "not a real date" instead of being told the English form, or a February report
date that is not the month's last day; a non-existent date in a name accepted; an Excel file
of another kind (``.xls``, ``.xlsm``, a name without extension) silently skipped instead of
refused with a reason; hidden folders and dot-files (``.git``, macOS's ``._`` copies) read as
trackers; a version dated on the month's last day not feeding that month; ties in the order
of versions left to chance.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sr_pipeline.language.messages import Message, Term
from sr_pipeline.model import RefusedFile, TrackerFile
from sr_pipeline.trackers.discovery import (
    discover,
    feeding_version,
    recognise,
    revision_number,
    version_order,
)


def touch(folder: Path, *names: str) -> None:
    for name in names:  # each file its own content: two names are never one file by accident
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK" + name.encode())


@pytest.mark.parametrize(
    ("suffix", "revision"),
    [
        (None, 1),  # a plain name
        ("", 1),
        ("v2", 2),
        ("V2", 2),  # capitals
        ("v10", 10),  # ten is more than nine, not "1" followed by "0"
        ("v01", 1),
        ("rev", 2),
        ("REV", 2),
        ("corrigé", 2),
        ("corrige", 2),  # typed without the accent
    ],
)
def test_revision_numbers(suffix: str | None, revision: int) -> None:
    assert revision_number(suffix) == revision


NAMES = [
    # (file name, fund, report date, revision)
    ("QIPs_Suivi_2018-06-30.xlsx", "QIP", date(2018, 6, 30), 1),
    ("qips_suivi_2018-06-30.XLSX", "QIP", date(2018, 6, 30), 1),  # case does not matter
    ("QIPs_Suivi_2018-06-30_V10.xlsx", "QIP", date(2018, 6, 30), 10),
    ("QIPs_Suivi_2018-06-30_corrige.xlsx", "QIP", date(2018, 6, 30), 2),
    ("TF_Project_Tracker_Jun2018.xlsx", "TF", date(2018, 6, 30), 1),
    ("TF_Project_Tracker_JUN2018.xlsx", "TF", date(2018, 6, 30), 1),
    ("TF_Project_Tracker_Feb2018.xlsx", "TF", date(2018, 2, 28), 1),  # the month's last day
    ("TF_Project_Tracker_Feb2016.xlsx", "TF", date(2016, 2, 29), 1),  # a leap year
    ("TF_Project_Tracker_Dec2017_v3.xlsx", "TF", date(2017, 12, 31), 3),
    ("PBF_Portefeuille_20180228.xlsx", "PBF", date(2018, 2, 28), 1),
    ("PBF_Portefeuille_20171130_rev.xlsx", "PBF", date(2017, 11, 30), 2),
]


@pytest.mark.parametrize(("name", "fund", "report_date", "revision"), NAMES)
def test_names(tmp_path: Path, name: str, fund: str, report_date: date, revision: int) -> None:
    assert recognise(tmp_path / name) == TrackerFile(tmp_path / name, fund, report_date, revision)


REFUSALS = [
    # (file name, fund named in the refusal, the message)
    ("QIPs_Suivi_2018-06-31.xlsx", "QIP", Message.of("name_bad_date")),  # no 31 June
    ("QIPs_Suivi_2018-13-01.xlsx", "QIP", Message.of("name_bad_date")),
    ("PBF_Portefeuille_20180230.xlsx", "PBF", Message.of("name_bad_date")),
    ("PBF_Portefeuille_00000228.xlsx", "PBF", Message.of("name_bad_date")),  # no year 0
    ("TF_Project_Tracker_Jun0000.xlsx", "TF", Message.of("name_bad_date")),
    ("QIPs_Suivi_2018-06-30.xls", "QIP", Message.of("name_wrong_format", suffix=".xls")),
    ("QIPs_Suivi_2018-06-30.xlsm", "QIP", Message.of("name_wrong_format", suffix=".xlsm")),
    ("TF_Project_Tracker_Jun2018.csv", "TF", Message.of("name_wrong_format", suffix=".csv")),
    ("QIPs_Suivi_2018-06-30", "QIP",
     Message.of("name_wrong_format", suffix="file without extension")),
    ("Copie de QIPs_Suivi_2018-06-30.xlsx", None, Message.of("name_unrecognised")),
    ("QIPs_Suivi_2018-06-30_final.xlsx", None, Message.of("name_unrecognised")),
    ("notes.XLSX", None, Message.of("name_unrecognised")),
    ("export.csv", None, Message.of("name_not_tracker", kind=".csv")),
    ("export.XLS", None, Message.of("name_not_tracker", kind=".xls")),
    ("rapport.pdf", None, Message.of("name_not_tracker", kind=".pdf")),
    ("rapport.docx", None, Message.of("name_not_tracker", kind="this kind of")),
    ("LISEZMOI", None, Message.of("name_not_tracker", kind="this kind of")),
]  # fmt: skip


MONTHS = "Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec"


def _bad_month(written: str, *names: str) -> Message:
    accepted = Message.of("name_bad_month", written=written, forms=MONTHS,
                          accepted=Term(" or ".join(names), " ou ".join(names)))  # fmt: skip
    return accepted


TF_MONTHS = [
    # A TF month written another way: refused, naming the file as it should be (never "not a
    # real date").
    ("TF_Project_Tracker_Mai2018.xlsx", _bad_month("Mai", "TF_Project_Tracker_May2018.xlsx")),
    ("TF_Project_Tracker_Avr2018.xlsx", _bad_month("Avr", "TF_Project_Tracker_Apr2018.xlsx")),
    ("TF_Project_Tracker_Fev2018.xlsx", _bad_month("Fev", "TF_Project_Tracker_Feb2018.xlsx")),
    ("TF_Project_Tracker_Aou2018.xlsx", _bad_month("Aou", "TF_Project_Tracker_Aug2018.xlsx")),
    ("TF_Project_Tracker_Déc2017_v2.xlsx",
     _bad_month("Déc", "TF_Project_Tracker_Dec2017_v2.xlsx")),  # accents, the revision kept
    ("TF_Project_Tracker_June2018.xlsx",
     _bad_month("June", "TF_Project_Tracker_Jun2018.xlsx")),  # the month in full
    ("TF_Project_Tracker_Jui2018.xlsx",  # juin or juillet: both forms named
     _bad_month("Jui", "TF_Project_Tracker_Jun2018.xlsx", "TF_Project_Tracker_Jul2018.xlsx")),
    ("TF_Project_Tracker_Xyz2018.xlsx",
     _bad_month("Xyz", f"TF_Project_Tracker_<Mon>2018.xlsx ({MONTHS})")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), TF_MONTHS)
def test_a_tf_month_not_in_english_three_letters_is_told_the_accepted_form(
    tmp_path: Path, name: str, message: Message
) -> None:
    path = tmp_path / name
    assert recognise(path) == RefusedFile(path, "TF", f"{name}: {message}", message)
    assert "not a real date" not in message.render("en")


@pytest.mark.parametrize(("name", "fund", "message"), REFUSALS)
def test_refusals(tmp_path: Path, name: str, fund: str | None, message: Message) -> None:
    path = tmp_path / name
    assert recognise(path) == RefusedFile(path, fund, f"{name}: {message}", message)


@pytest.mark.parametrize(
    "name",
    [
        "~$QIPs_Suivi_2018-06-30.xlsx",  # Excel's lock file while someone has it open
        ".QIPs_Suivi_2018-06-30.xlsx",  # a hidden file
        "._QIPs_Suivi_2018-06-30.xlsx",  # macOS's resource-fork copy on a shared drive
    ],
)
def test_files_ignored_silently(tmp_path: Path, name: str) -> None:
    assert recognise(tmp_path / name) is None


def test_hidden_folders_are_not_the_units_files(tmp_path: Path) -> None:
    touch(
        tmp_path,
        ".git/QIPs_Suivi_2018-05-31.xlsx",
        "qip/.old/QIPs_Suivi_2018-04-30.xlsx",
        "qip/.old/notes.csv",
        "qip/QIPs_Suivi_2018-06-30.xlsx",
    )
    versions, refused = discover(tmp_path)
    assert [v.path for v in versions] == [tmp_path / "qip/QIPs_Suivi_2018-06-30.xlsx"]
    assert refused == []


def test_a_missing_folder_has_no_versions(tmp_path: Path) -> None:
    assert discover(tmp_path / "not-there") == ([], [])


def test_versions_come_sorted_by_fund_then_date_then_revision(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "z/QIPs_Suivi_2018-05-31_v10.xlsx",
        "a/TF_Project_Tracker_May2018.xlsx",
        "QIPs_Suivi_2018-06-30.xlsx",
        "b/QIPs_Suivi_2018-05-31_v9.xlsx",
        "PBF_Portefeuille_20180228.xlsx",
        "QIPs_Suivi_2018-05-31.xlsx",
    )
    versions, refused = discover(tmp_path)
    assert [v.name for v in versions] == [
        "PBF_Portefeuille_20180228.xlsx",
        "QIPs_Suivi_2018-05-31.xlsx",
        "QIPs_Suivi_2018-05-31_v9.xlsx",
        "QIPs_Suivi_2018-05-31_v10.xlsx",
        "QIPs_Suivi_2018-06-30.xlsx",
        "TF_Project_Tracker_May2018.xlsx",
    ]
    assert refused == []


def test_two_files_for_one_version_are_refused_naming_both(tmp_path: Path) -> None:
    touch(tmp_path, "b/QIPs_Suivi_2018-06-30_v2.xlsx", "a/QIPs_Suivi_2018-06-30_V2.xlsx",
          "QIPs_Suivi_2018-06-30.xlsx")  # fmt: skip
    versions, refused = discover(tmp_path)
    assert [v.name for v in versions] == ["QIPs_Suivi_2018-06-30.xlsx"]  # v1 still counts
    names = "a/QIPs_Suivi_2018-06-30_V2.xlsx, b/QIPs_Suivi_2018-06-30_v2.xlsx"
    message = Message.of("name_same_version", names=names)
    assert sorted(refused, key=lambda r: r.path) == [
        RefusedFile(tmp_path / "a/QIPs_Suivi_2018-06-30_V2.xlsx", "QIP",
                    f"QIPs_Suivi_2018-06-30_V2.xlsx: {message}", message),
        RefusedFile(tmp_path / "b/QIPs_Suivi_2018-06-30_v2.xlsx", "QIP",
                    f"QIPs_Suivi_2018-06-30_v2.xlsx: {message}", message),
    ]  # fmt: skip


def test_same_date_and_revision_in_two_funds_is_no_clash(tmp_path: Path) -> None:
    touch(tmp_path, "TF_Project_Tracker_Feb2018.xlsx", "PBF_Portefeuille_20180228.xlsx")
    versions, refused = discover(tmp_path)
    assert len(versions) == 2 and refused == []


def version(name: str, report_date: date, revision: int = 1, fund: str = "QIP") -> TrackerFile:
    return TrackerFile(Path("trackers") / name, fund, report_date, revision)


def test_version_order_is_report_date_then_revision_then_name() -> None:
    may = version("QIPs_Suivi_2018-05-31.xlsx", date(2018, 5, 31))
    may_v2 = version("QIPs_Suivi_2018-05-31_v2.xlsx", date(2018, 5, 31), 2)
    june = version("QIPs_Suivi_2018-06-30.xlsx", date(2018, 6, 30))
    assert version_order(may) == (date(2018, 5, 31), 1, "QIPs_Suivi_2018-05-31.xlsx")
    assert sorted([june, may_v2, may], key=version_order) == [may, may_v2, june]


def test_the_version_dated_on_the_months_last_day_feeds_it() -> None:
    june = version("QIPs_Suivi_2018-06-30.xlsx", date(2018, 6, 30))
    may = version("QIPs_Suivi_2018-05-31.xlsx", date(2018, 5, 31))

    def feeding(as_of: date) -> TrackerFile | None:
        return feeding_version([june, may], "QIP", as_of, lambda t: True)

    assert feeding(date(2018, 6, 30)) == june  # on the day
    assert feeding(date(2018, 6, 29)) == may  # the day before: the previous version
    assert feeding(date(2018, 5, 30)) is None  # before any version


def test_a_newer_revision_wins_and_ties_on_revision_go_by_name() -> None:
    # Discovery never lets two files share a date and revision; the order is total anyway.
    a = version("a.xlsx", date(2018, 5, 31), 2)
    b = version("b.xlsx", date(2018, 5, 31), 2)
    v1 = version("c.xlsx", date(2018, 5, 31), 1)
    assert feeding_version([b, v1, a], "QIP", date(2018, 5, 31), lambda t: True) == b
    assert feeding_version([b, v1, a], "QIP", date(2018, 5, 31), lambda t: t != b) == a
    assert feeding_version([b, v1, a], "QIP", date(2018, 5, 31), lambda t: t == v1) == v1
    assert feeding_version([b, v1, a], "QIP", date(2018, 5, 31), lambda t: False) is None


def test_another_funds_version_never_feeds() -> None:
    tf = version("TF_Project_Tracker_Jun2018.xlsx", date(2018, 6, 30), fund="TF")
    assert feeding_version([tf], "QIP", date(2018, 6, 30), lambda t: True) is None
    assert feeding_version([tf], "TF", date(2018, 6, 30), lambda t: True) == tf
