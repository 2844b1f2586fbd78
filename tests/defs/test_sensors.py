"""Which months the trackers-folder sensor rebuilds after a change (``affected_partitions``),
on folder states written by hand: no Dagster run, no workbook.

Guards against: a month fed by a changed version left stale (the report date's own month, the
months after it up to the next version, the other funds' months); months rebuilt for nothing
(a file moved or renamed without new content, a corrected version that the warehouse knows is
refused, a change in one fund rebuilding another fund's months that it does not feed); a
removed version whose months do not fall back to the one before; months past the last
partition requested.
"""

from __future__ import annotations

import pytest

from sr_pipeline.defs.sensors import affected_partitions

pytestmark = pytest.mark.slow

NOTHING_REFUSED: frozenset[str] = frozenset()


def state(*versions: tuple[str, str, str, int, str]) -> dict[str, list[list]]:
    """A folder state: (sha256, fund, report date, revision, file name) per version."""
    found: dict[str, list[list]] = {}
    for sha, fund, day, revision, name in versions:
        found.setdefault(sha, []).append([fund, day, revision, name])
    return found


APRIL = ("a", "QIP", "2018-04-30", 1, "QIPs_Suivi_2018-04-30.xlsx")
MAY = ("b", "QIP", "2018-05-31", 1, "QIPs_Suivi_2018-05-31.xlsx")
JUNE = ("c", "QIP", "2018-06-30", 1, "QIPs_Suivi_2018-06-30.xlsx")
TF_MAY = ("t", "TF", "2018-05-31", 1, "TF_Project_Tracker_May2018.xlsx")
PBF_FEB = ("p", "PBF", "2018-02-28", 1, "PBF_Portefeuille_20180228.xlsx")
FOLDER = state(APRIL, MAY, JUNE, TF_MAY, PBF_FEB)


def test_nothing_changed_nothing_to_rebuild() -> None:
    assert affected_partitions(FOLDER, dict(FOLDER), "2018-09-01", NOTHING_REFUSED) == []


def test_a_corrected_may_feeds_may_only() -> None:
    # June has its own file, so a May v2 changes May's snapshot alone (from May itself).
    may_v2 = ("d", "QIP", "2018-05-31", 2, "QIPs_Suivi_2018-05-31_v2.xlsx")
    after = state(APRIL, MAY, may_v2, JUNE, TF_MAY, PBF_FEB)
    assert affected_partitions(FOLDER, after, "2018-09-01", NOTHING_REFUSED) == ["2018-05-01"]


def test_a_corrected_june_feeds_june_and_every_month_after_up_to_the_last() -> None:
    june_v2 = ("d", "QIP", "2018-06-30", 2, "QIPs_Suivi_2018-06-30_v2.xlsx")
    after = state(APRIL, MAY, JUNE, june_v2, TF_MAY, PBF_FEB)
    assert affected_partitions(FOLDER, after, "2018-09-01", NOTHING_REFUSED) == [
        "2018-06-01", "2018-07-01", "2018-08-01", "2018-09-01",
    ]  # fmt: skip
    assert affected_partitions(FOLDER, after, "2018-06-01", NOTHING_REFUSED) == ["2018-06-01"]
    assert affected_partitions(FOLDER, after, "2018-05-01", NOTHING_REFUSED) == []


def test_new_content_under_the_same_name_counts() -> None:
    # The unit saved over May's file: same name, new content (a half-copied file completing).
    after = state(APRIL, ("e", *MAY[1:]), JUNE, TF_MAY, PBF_FEB)
    assert affected_partitions(FOLDER, after, "2018-09-01", NOTHING_REFUSED) == ["2018-05-01"]


def test_a_renamed_file_with_the_same_content_changes_no_month() -> None:
    # Renamed from a plain name to _v2 (no other version that day): the same content feeds
    # the same months.
    renamed = ("c", "QIP", "2018-06-30", 2, "QIPs_Suivi_2018-06-30_v2.xlsx")
    after = state(APRIL, MAY, renamed, TF_MAY, PBF_FEB)
    assert affected_partitions(FOLDER, after, "2018-09-01", NOTHING_REFUSED) == []


def test_a_version_the_warehouse_knows_is_refused_changes_no_month() -> None:
    june_v2 = ("d", "QIP", "2018-06-30", 2, "QIPs_Suivi_2018-06-30_v2.xlsx")
    after = state(APRIL, MAY, JUNE, june_v2, TF_MAY, PBF_FEB)
    assert affected_partitions(FOLDER, after, "2018-09-01", frozenset({"d"})) == []


def test_a_removed_version_falls_back_to_the_one_before() -> None:
    after = state(APRIL, MAY, TF_MAY, PBF_FEB)  # June's file deleted: May feeds June on
    assert affected_partitions(FOLDER, after, "2018-07-01", NOTHING_REFUSED) == [
        "2018-06-01", "2018-07-01",
    ]  # fmt: skip


def test_a_change_in_one_fund_rebuilds_the_months_it_feeds_in_that_fund() -> None:
    # A new PBF version for April: PBF's April and May snapshots change (February fed them);
    # the QIP and TF snapshots of those months do not, but the months are rebuilt whole.
    pbf_apr = ("q", "PBF", "2018-04-30", 1, "PBF_Portefeuille_20180430.xlsx")
    after = state(APRIL, MAY, JUNE, TF_MAY, PBF_FEB, pbf_apr)
    assert affected_partitions(FOLDER, after, "2018-06-01", NOTHING_REFUSED) == [
        "2018-04-01", "2018-05-01", "2018-06-01",
    ]  # fmt: skip


def test_an_older_version_added_under_a_newer_one_changes_only_its_own_months() -> None:
    # A March file arrives late: March (no QIP version before) changes, April on do not.
    march = ("m", "QIP", "2018-03-31", 1, "QIPs_Suivi_2018-03-31.xlsx")
    after = state(march, APRIL, MAY, JUNE, TF_MAY, PBF_FEB)
    assert affected_partitions(FOLDER, after, "2018-09-01", NOTHING_REFUSED) == ["2018-03-01"]


def test_a_first_tracker_in_an_empty_folder() -> None:
    assert affected_partitions({}, state(JUNE), "2018-08-01", NOTHING_REFUSED) == [
        "2018-06-01", "2018-07-01", "2018-08-01",
    ]  # fmt: skip
