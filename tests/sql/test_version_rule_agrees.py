"""The rule of which tracker version feeds a month has two statements: Python's
``discovery.feeding_version`` (which file the raw step reads for a month) and SQL's
``core.version_spans`` (which version the snapshot, the refusals and the changes use). This
property test (hypothesis, derandomized) gives both the same random folders and asks them
every month.

Guards against: the two statements drifting apart on some folder nobody wrote a test for
(revisions of one date, a refused newest version, report dates mid-month or on a month's
last day, versions older than every month asked), so the raw step reads one version while the
snapshot is built from another, or a month is built from nothing.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sr_pipeline.model import TrackerFile
from sr_pipeline.trackers.discovery import feeding_version
from tests.sql.warehouse_rows import FILE_NAMES, Warehouse

PROPERTY = settings(
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# The months asked: January to December 2018 (as_of: their last days).
MONTHS = [date(2018, m, monthrange(2018, m)[1]) for m in range(1, 13)]
FUNDS = ("QIP", "TF", "PBF")


def report_dates(fund: str) -> st.SearchStrategy[date]:
    """A fund's report dates as its file names can state them, from before the first month
    asked to after the last: any day (QIP, PBF) or a month's last day (TF)."""
    days = st.dates(min_value=date(2017, 11, 1), max_value=date(2019, 1, 31))
    if fund == "TF":
        return days.map(lambda d: date(d.year, d.month, monthrange(d.year, d.month)[1]))
    return days


@st.composite
def folders(draw) -> list[tuple[str, date, int, bool]]:
    """(fund, report date, revision, accepted) for up to 12 versions; never two of one fund,
    date and revision (discovery refuses both of such a pair: neither is a version)."""
    versions: dict[tuple[str, date, int], bool] = {}
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        fund = draw(st.sampled_from(FUNDS))
        key = (fund, draw(report_dates(fund)), draw(st.integers(min_value=1, max_value=3)))
        versions[key] = draw(st.booleans().map(lambda refused: not refused) | st.just(True))
    return [(*key, accepted) for key, accepted in versions.items()]


@pytest.fixture(scope="module")
def warehouse() -> Warehouse:
    return Warehouse()


def name_of(fund: str, report_date: date, revision: int) -> str:
    suffix = "" if revision == 1 else f"_v{revision}"
    return FILE_NAMES[fund].format(d=report_date, suffix=suffix)


@PROPERTY
@given(folder=folders())
def test_python_and_sql_choose_the_same_version_every_month(warehouse, folder) -> None:
    w = warehouse
    w.con.execute("DELETE FROM raw.tracker_folder")
    w.con.execute("DELETE FROM raw.tracker_files")
    trackers, accepted = [], {}
    for fund, report_date, revision, ok in folder:
        w.version(fund, report_date, revision, refused=None if ok else "damaged")
        name = name_of(fund, report_date, revision)
        tracker = TrackerFile(Path(fund) / name, fund, report_date, revision)
        trackers.append(tracker)
        accepted[tracker.path] = ok

    in_sql = {
        (as_of, fund): source_file
        for as_of, fund, source_file in w.rows(
            "SELECT as_of, fund, source_file FROM core.versions_feeding($months) WHERE accepted",
            {"months": MONTHS},
        )
    }
    in_python = {}
    for as_of in MONTHS:
        for fund in FUNDS:
            chosen = feeding_version(trackers, fund, as_of, lambda t: accepted[t.path])
            if chosen is not None:
                in_python[(as_of, fund)] = chosen.name
    assert in_sql == in_python
