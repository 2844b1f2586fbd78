"""Which tracker versions the raw step reads for a run (``load_needed``), with a reader that
only records what it is asked: no Dagster run, no workbook.

Guards against: a month built from a version nobody read (the month's own, or the previous
month's, which marts.monthly_changes compares it with); a refused newest version not falling
back to the one before it; reading every version in the folder for a one-month run; a month
given twice or out of order asking twice.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sr_pipeline.defs.assets_raw import load_needed
from sr_pipeline.model import TrackerFile

pytestmark = pytest.mark.slow


def version(fund: str, name: str, report_date: date, revision: int = 1) -> TrackerFile:
    return TrackerFile(Path(name), fund, report_date, revision)


QIP_APRIL = version("QIP", "QIPs_Suivi_2018-04-30.xlsx", date(2018, 4, 30))
QIP_MAY = version("QIP", "QIPs_Suivi_2018-05-31.xlsx", date(2018, 5, 31))
QIP_MAY_V2 = version("QIP", "QIPs_Suivi_2018-05-31_v2.xlsx", date(2018, 5, 31), 2)
QIP_JUNE = version("QIP", "QIPs_Suivi_2018-06-30.xlsx", date(2018, 6, 30))
TF_MAY = version("TF", "TF_Project_Tracker_May2018.xlsx", date(2018, 5, 31))
PBF_FEB = version("PBF", "PBF_Portefeuille_20180228.xlsx", date(2018, 2, 28))
FOLDER = [QIP_APRIL, QIP_MAY, QIP_MAY_V2, QIP_JUNE, TF_MAY, PBF_FEB]


class Reader:
    """Says which versions are refused, and records every question, in order."""

    def __init__(self, refused: set[TrackerFile] | None = None) -> None:
        self.refused = refused or set()
        self.asked: list[str] = []

    def accepted(self, tracker: TrackerFile) -> bool:
        self.asked.append(tracker.name)
        return tracker not in self.refused


def test_a_month_reads_its_version_and_the_previous_months_fund_by_fund() -> None:
    reader = Reader()
    load_needed(FOLDER, [date(2018, 6, 30)], reader)
    assert reader.asked == [
        "QIPs_Suivi_2018-05-31_v2.xlsx",  # May (the month before): its highest revision
        "QIPs_Suivi_2018-06-30.xlsx",  # June
        "TF_Project_Tracker_May2018.xlsx",  # TF: May's version feeds both months
        "TF_Project_Tracker_May2018.xlsx",
        "PBF_Portefeuille_20180228.xlsx",  # PBF: February's
        "PBF_Portefeuille_20180228.xlsx",
    ]


def test_a_refused_version_falls_back_to_the_one_before_it() -> None:
    reader = Reader(refused={QIP_MAY_V2, QIP_JUNE})
    load_needed([QIP_APRIL, QIP_MAY, QIP_MAY_V2, QIP_JUNE], [date(2018, 6, 30)], reader)
    assert reader.asked == [
        "QIPs_Suivi_2018-05-31_v2.xlsx",  # May: v2 refused...
        "QIPs_Suivi_2018-05-31.xlsx",  # ...so v1
        "QIPs_Suivi_2018-06-30.xlsx",  # June: refused...
        "QIPs_Suivi_2018-05-31_v2.xlsx",  # ...then May's, newest first
        "QIPs_Suivi_2018-05-31.xlsx",
    ]


def test_months_given_twice_or_out_of_order_are_asked_once_in_order() -> None:
    reader = Reader()
    months = [date(2018, 6, 30), date(2018, 5, 31), date(2018, 6, 30)]
    load_needed([QIP_APRIL, QIP_MAY, QIP_JUNE], months, reader)
    assert reader.asked == [
        "QIPs_Suivi_2018-04-30.xlsx",  # April (the month before May)
        "QIPs_Suivi_2018-05-31.xlsx",  # May
        "QIPs_Suivi_2018-06-30.xlsx",  # June
    ]


def test_the_month_before_the_first_of_january_is_december() -> None:
    december = version("QIP", "QIPs_Suivi_2017-12-31.xlsx", date(2017, 12, 31))
    january = version("QIP", "QIPs_Suivi_2018-01-31.xlsx", date(2018, 1, 31))
    reader = Reader()
    load_needed([december, january], [date(2018, 1, 31)], reader)
    assert reader.asked == ["QIPs_Suivi_2017-12-31.xlsx", "QIPs_Suivi_2018-01-31.xlsx"]


def test_without_months_every_version_in_the_folder_is_read() -> None:
    # The raw assets materialized on their own (no partition): the whole folder, in order.
    reader = Reader(refused={QIP_JUNE})
    load_needed(FOLDER, None, reader)
    assert reader.asked == [t.name for t in FOLDER]


def test_no_version_before_the_month_reads_nothing() -> None:
    reader = Reader()
    load_needed(FOLDER, [date(2017, 12, 31)], reader)
    assert reader.asked == []
