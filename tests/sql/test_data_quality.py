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


def test_a_version_s_line_counts_its_rows_flags_notes_and_months() -> None:
    # April's tracker feeds April and May (no May tracker), has a copy under another name,
    # 3 rows read of which 2 loaded and 1 rejected, 4 flags on 3 rows, 5 reading notes of
    # which 3 name columns. June's first version was refused and its v2 took June. July's is
    # not needed yet; a file that names no tracker is not a version, one named as a tracker
    # with a date that cannot be read is a refusal.
    w = Warehouse()
    april = w.version("QIP", APRIL)
    w.con.execute(
        "UPDATE raw.tracker_files SET rows_read = 3, rows_accepted = 2, rows_rejected = 1, "
        "rule_flags = 4 WHERE sha256 = ?",
        [april],
    )
    for sheet, row in (("Suivi", 5), ("Suivi", 5), ("Suivi", 6), ("Autre", 5)):
        w.con.execute(
            "INSERT INTO raw.rule_flags (sha256, sheet, source_row, rule) VALUES (?, ?, ?, 'r')",
            [april, sheet, row],
        )
    for sheet, column, header, code in (
        ("Suivi", "AA", "Monnaie", "unknown_column"),
        ("Suivi", "C", "", "unnamed_column"),
        ("Suivi", None, None, "subtotal"),
        ("Autre", "D", "Devise2", "unknown_column"),
        ("Suivi", "B", "Total", "subtotal"),
    ):
        w.con.execute(
            "INSERT INTO raw.reading_notes (sha256, sheet, excel_column, header, note_code) "
            "VALUES (?, ?, ?, ?, ?)",
            [april, sheet, column, header, code],
        )
    w.con.execute(
        "INSERT INTO core.feedback_files VALUES (?, 'QIP', 'QIPs_Suivi_2018-04-30.xlsx', "
        "'feedback/QIP/QIPs_Suivi_2018-04-30_feedback.xlsx', 7)",
        [april],
    )
    w.con.execute(
        "INSERT INTO raw.tracker_folder VALUES (?, ?, 'QIP', ?, 1, ?, NULL, ?)",
        ["QIPs_Suivi_2018-04-30_v1.xlsx", "QIP/QIPs_Suivi_2018-04-30_v1.xlsx", APRIL, april,
         "QIPs_Suivi_2018-04-30.xlsx"],
    )  # fmt: skip
    refused = w.version("QIP", JUNE, refused="damaged")
    june = w.version("QIP", JUNE, revision=2)
    july = w.version("QIP", date(2018, 7, 31), read=False)
    w.unrecognised("Notes de la réunion.xlsx", "not a tracker's name")
    # Named as a QIP tracker, but its date cannot be trusted: refused before any reading.
    w.con.execute(
        "INSERT INTO raw.tracker_folder VALUES ('QIPs_Suivi_2018-13-31.xlsx', "
        "'QIP/QIPs_Suivi_2018-13-31.xlsx', 'QIP', NULL, NULL, NULL, 'no such month', NULL)"
    )
    w.build(APRIL, MAY, JUNE)
    nothing = (None,) * 7  # rows and flags of a version never read
    assert w.rows("SELECT * FROM marts.data_quality") == [
        ("QIP", APRIL, 1, "QIPs_Suivi_2018-04-30.xlsx", april, None, 3, 2, 1, 3, 4, 66.7,
         "feedback/QIP/QIPs_Suivi_2018-04-30_feedback.xlsx", "loaded", True, None, 2, APRIL,
         MAY, "Autre D: Devise2; Suivi C: (no header); Suivi AA: Monnaie", 5),
        ("QIP", APRIL, 1, "QIPs_Suivi_2018-04-30_v1.xlsx", april, None, *nothing, "copy", True,
         "QIPs_Suivi_2018-04-30.xlsx", 0, None, None, None, None),
        # Refused, and June went to its v2 all the same: refused, not "superseded by" it.
        ("QIP", JUNE, 1, "QIPs_Suivi_2018-06-30.xlsx", refused, "damaged", 0, 0, 0, 0, 0, None,
         None, "refused", True, None, 0, None, None, None, 0),
        ("QIP", JUNE, 2, "QIPs_Suivi_2018-06-30_v2.xlsx", june, None, 0, 0, 0, 0, 0, None, None,
         "loaded", True, None, 1, JUNE, JUNE, None, 0),
        ("QIP", date(2018, 7, 31), 1, "QIPs_Suivi_2018-07-31.xlsx", july, None, *nothing,
         "not read yet", True, None, 0, None, None, None, None),
        ("QIP", None, None, "QIPs_Suivi_2018-13-31.xlsx", None, "no such month", *nothing,
         "refused", True, None, 0, None, None, None, None),
    ]  # fmt: skip
