"""marts.data_quality on hand-written versions: one line per tracker version known.

Guards against: a superseded version that simply does not appear (the data team cannot tell
it was never read, nor what replaced it); not knowing which months a version feeds; a
version whose file has left the folder looking like one still there.
"""

from __future__ import annotations

from datetime import date

from tests.sql.warehouse_rows import Warehouse

APRIL, MAY, JUNE = date(2018, 4, 30), date(2018, 5, 31), date(2018, 6, 30)


def test_every_version_known_with_its_status_and_the_months_it_feeds() -> None:
    w = Warehouse()
    w.version("QIP", APRIL, in_folder=False)  # read once, since removed from the folder
    w.version("QIP", MAY, read=False)  # v1: never read, its v2 took its months
    w.version("QIP", MAY, revision=2)
    w.version("QIP", JUNE)
    w.version("QIP", JUNE, revision=2, refused="damaged zip")
    w.build(MAY, JUNE)
    lines = w.rows(
        "SELECT source_file, status, in_folder, superseded_by, months_used, first_month_used, "
        "last_month_used, refused FROM marts.data_quality"
    )
    assert lines == [
        ("QIPs_Suivi_2018-04-30.xlsx", "loaded", False, None, 0, None, None, None),
        ("QIPs_Suivi_2018-05-31.xlsx", "superseded", True, "QIPs_Suivi_2018-05-31_v2.xlsx", 0,
         None, None, None),
        ("QIPs_Suivi_2018-05-31_v2.xlsx", "loaded", True, None, 1, MAY, MAY, None),
        ("QIPs_Suivi_2018-06-30.xlsx", "loaded", True, None, 1, JUNE, JUNE, None),
        ("QIPs_Suivi_2018-06-30_v2.xlsx", "refused", True, None, 0, None, None, "damaged zip"),
    ]  # fmt: skip


def test_a_version_no_built_month_needs_yet_is_not_read_yet_rather_than_superseded() -> None:
    w = Warehouse()
    w.version("QIP", MAY)
    w.version("QIP", JUNE, read=False)  # only May has been built: June's file waits
    w.build(MAY)
    assert w.rows("SELECT source_file, status, superseded_by FROM marts.data_quality") == [
        ("QIPs_Suivi_2018-05-31.xlsx", "loaded", None),
        ("QIPs_Suivi_2018-06-30.xlsx", "not read yet", None),
    ]


def test_a_refused_version_has_its_line_before_any_month_is_built() -> None:
    # No month has been built yet: the refusals must show all the same, whether the file was
    # read and refused, read and refused and since removed, or refused at discovery (two
    # files claiming one version, never read).
    w = Warehouse()
    w.version("QIP", MAY, refused="QIPs_Suivi_2018-05-31.xlsx: the file is damaged (truncated)",
              in_folder=False)  # fmt: skip
    title = (
        "QIPs_Suivi_2018-06-30.xlsx: sheet 'Suivi QIPs': the title says 'Situation au "
        "31/05/2018' (31/05/2018) but the file name says 30/06/2018"
    )
    w.version("QIP", JUNE, refused=title)
    w.con.execute(
        "INSERT INTO raw.tracker_folder VALUES (?, ?, 'TF', ?, 1, NULL, ?, NULL)",
        ["TF_Project_Tracker_Jun2018.xlsx", "a/TF_Project_Tracker_Jun2018.xlsx", JUNE,
         "TF_Project_Tracker_Jun2018.xlsx: several files claim the same report date and "
         "revision (a/..., b/...)"],
    )  # fmt: skip
    w.build()  # a run that builds no month publishes all the same
    assert w.rows(
        "SELECT fund, source_file, status, in_folder, months_used, refused FROM marts.data_quality"
    ) == [
        ("QIP", "QIPs_Suivi_2018-05-31.xlsx", "refused", False, 0,
         "QIPs_Suivi_2018-05-31.xlsx: the file is damaged (truncated)"),
        ("QIP", "QIPs_Suivi_2018-06-30.xlsx", "refused", True, 0, title),
        ("TF", "TF_Project_Tracker_Jun2018.xlsx", "refused", True, 0,
         "TF_Project_Tracker_Jun2018.xlsx: several files claim the same report date and "
         "revision (a/..., b/...)"),
    ]  # fmt: skip


def test_a_version_read_then_replaced_by_its_v2_is_superseded_not_loaded() -> None:
    # June was read and built from its first version; then the unit sent a _v2 and June was
    # built again. The first version, read once, feeds no month any more: it says so and names
    # the file that replaced it, rather than "loaded" with no month.
    w = Warehouse()
    w.version("QIP", JUNE)
    w.version("QIP", JUNE, revision=2)
    w.build(JUNE)
    assert w.rows(
        "SELECT source_file, status, superseded_by, months_used FROM marts.data_quality"
    ) == [
        ("QIPs_Suivi_2018-06-30.xlsx", "superseded", "QIPs_Suivi_2018-06-30_v2.xlsx", 0),
        ("QIPs_Suivi_2018-06-30_v2.xlsx", "loaded", None, 1),
    ]
