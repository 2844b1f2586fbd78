"""The raw record of a tracker version (``sr_pipeline.warehouse.raw``) on real workbooks and a
real DuckDB file, without a Dagster run: what ``insert_version`` stores, what ``load_version``
gives back, and a version read again (a reader change, a forced re-read) replacing its earlier
reading whole.

Guards against: a version read again keeping the rows, rejections, flags or reading notes of
its earlier reading beside the new ones (its notes were appended again, so the unit's feedback
and ``marts.data_quality.reading_notes`` counted each twice); counts that do not match the
rows stored (a row with two bad fields counted twice); a refusal stored without the code and
parameters the feedback renders; the copies of a version missing from its feedback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.trackers.reading import reading_digest
from sr_pipeline.warehouse.raw import (
    TRACKER_FOLDER_COLUMNS,
    distinct_rows,
    insert_version,
    load_version,
    rows_loaded,
    tracker_folder_frame,
)
from sr_pipeline.warehouse.reference import load_core_reference
from sr_pipeline.warehouse.schema import apply_schema
from sr_pipeline.warehouse.sql import run_with, transaction
from tests.builders import QIP_HEADERS, qip_row, qip_workbook, tf_row, tf_workbook

EXTRA = "Remarques bailleur"  # a column the contract does not know: a reading note


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse file on disk with the project's schema and reference data."""
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    apply_schema(connection)
    load_core_reference(connection)
    yield connection
    connection.close()


def qip_with_everything(folder: Path) -> Path:
    """A QIP tracker with an accepted row, a flagged row, a row with two bad fields, a row with
    one, and a column the contract does not know."""
    rows = [
        {**qip_row(1), EXTRA: "vu"},
        qip_row(2, Budget=60_000),  # over the QIP cap: flagged, still accepted
        qip_row(3, Budget="abc", Région="Nulle part"),  # two bad fields, one row
        qip_row(4, Budget="xyz"),
    ]
    return qip_workbook(folder, rows, headers=[*QIP_HEADERS, EXTRA])


def record(con: duckdb.DuckDBPyConnection, result: ReadResult) -> None:
    """As the raw step records a version: in a transaction."""
    with transaction(con):
        insert_version(con, result)


def count(con: duckdb.DuckDBPyConnection, table: str, sha256: str) -> int:
    query = f"SELECT count(*) FROM raw.{table} WHERE sha256 = ?"  # noqa: S608 - a fixed name
    return con.execute(query, [sha256]).fetchone()[0]


def in_folder(con: duckdb.DuckDBPyConnection, result: ReadResult, *copies: str) -> None:
    """The version in raw.tracker_folder, with ``copies`` (paths) of the same content."""
    file = result.file
    rows = [
        {"source_file": file.name, "path": f"qips/{file.name}", "fund": file.fund,
         "report_date": file.report_date, "revision": file.revision, "sha256": result.sha256,
         "problem": None, "copy_of": None},
        *({"source_file": Path(p).name, "path": p, "fund": file.fund,
           "report_date": file.report_date, "revision": file.revision,
           "sha256": result.sha256, "problem": None, "copy_of": f"qips/{file.name}"}
          for p in copies),
    ]  # fmt: skip
    run_with(con, "raw/insert_tracker_folder", tracker_folder_frame(rows))


def test_a_version_read_again_has_its_reading_notes_once(con, tmp_path: Path) -> None:
    result = read_tracker(recognise(qip_with_everything(tmp_path)))
    assert result.notes["header"].tolist() == [EXTRA]
    record(con, result)
    record(con, read_tracker(recognise(result.file.path)))  # the same content read again
    notes = con.execute(
        "SELECT header, note_code FROM raw.reading_notes WHERE sha256 = ?", [result.sha256]
    ).fetchall()
    assert notes == [(EXTRA, "unknown_column")]
    loaded = load_version(con, result.sha256, result.file)
    assert loaded.notes["header"].tolist() == [EXTRA]
    data_quality = con.execute(
        "SELECT count(*) FROM raw.reading_notes WHERE note_code = 'unknown_column'"
    ).fetchone()
    assert data_quality == (1,)


def test_a_version_read_again_replaces_every_row_of_its_earlier_reading(
    con, tmp_path: Path
) -> None:
    """Every raw table holding a version's rows ends with the new reading's rows only: the
    earlier reading here had one more of each (as a reader change could give)."""
    result = read_tracker(recognise(qip_with_everything(tmp_path)))
    earlier = dataclasses.replace(
        result,
        tables={"projects": pd.concat([result.tables["projects"]] * 2, ignore_index=True)},
        rejected_rows=pd.concat([result.rejected_rows] * 2, ignore_index=True),
        rule_flags=pd.concat([result.rule_flags] * 2, ignore_index=True),
        notes=pd.concat([result.notes] * 2, ignore_index=True),
    )
    record(con, earlier)
    assert count(con, "qip_projects", result.sha256) == 2 * len(result.tables["projects"])
    record(con, result)
    assert count(con, "tracker_files", result.sha256) == 1
    assert count(con, "qip_projects", result.sha256) == len(result.tables["projects"]) == 2
    assert count(con, "rejected_rows", result.sha256) == len(result.rejected_rows) == 3
    assert count(con, "rule_flags", result.sha256) == len(result.rule_flags) == 1
    assert count(con, "reading_notes", result.sha256) == len(result.notes) == 1


def test_another_version_is_left_alone_when_one_is_read_again(con, tmp_path: Path) -> None:
    qip = read_tracker(recognise(qip_with_everything(tmp_path / "qip")))
    tf = read_tracker(recognise(tf_workbook(tmp_path / "tf", [tf_row(1), tf_row(2)])))
    record(con, qip)
    record(con, tf)
    record(con, qip)
    assert count(con, "tracker_files", tf.sha256) == 1
    assert count(con, "tf_projects", tf.sha256) == 2
    assert count(con, "tf_contributions", tf.sha256) == len(tf.tables["contributions"]) > 0
    assert count(con, "qip_projects", qip.sha256) == 2


def test_the_counts_stored_are_the_rows_stored(con, tmp_path: Path) -> None:
    result = read_tracker(recognise(qip_with_everything(tmp_path)))
    record(con, result)
    stored = con.execute(
        "SELECT fund, source_file, report_date, revision, refused, refused_code, rows_read, "
        "rows_accepted, rows_rejected, rule_flags, reading_digest FROM raw.tracker_files "
        "WHERE sha256 = ?",
        [result.sha256],
    ).fetchone()
    assert stored == (
        "QIP", "QIPs_Suivi_2018-06-30.xlsx", date(2018, 6, 30), 1, None, None,
        4, 2, 2, 1, reading_digest(),
    )  # fmt: skip
    # Two rejected rows although three lines: row 7 has two bad fields.
    assert len(result.rejected_rows) == 3 and distinct_rows(result.rejected_rows) == 2
    assert rows_loaded(result) == 2


def test_a_refusal_is_stored_with_its_code_and_read_back(con, tmp_path: Path) -> None:
    path = tmp_path / "QIPs_Suivi_2018-06-30.xlsx"
    path.write_text("Code QIP;Budget\nQIP/GAO/2018/001;41970\n", encoding="utf-8")
    result = read_tracker(recognise(path))
    record(con, result)
    loaded = load_version(con, result.sha256, result.file)
    assert loaded.refused == result.refused and "text file" in loaded.refused
    assert loaded.refused_message == result.refused_message == Message.of("file_text")
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (0, 0, 0)
    stored = con.execute(
        "SELECT refused_code, refused_params, rows_read, rows_accepted, rows_rejected, "
        "rule_flags FROM raw.tracker_files WHERE sha256 = ?",
        [result.sha256],
    ).fetchone()
    assert stored == ("file_text", Message.of("file_text").params_json(), 0, 0, 0, 0)
    assert loaded.accepted_codes == frozenset()
    assert loaded.notes.empty


def test_the_record_read_back_is_the_reading(con, tmp_path: Path) -> None:
    result = read_tracker(recognise(qip_with_everything(tmp_path)))
    in_folder(con, result)
    record(con, result)
    loaded = load_version(con, result.sha256, result.file)
    assert loaded.file == result.file and loaded.sha256 == result.sha256
    assert (loaded.rows_read, loaded.rows_loaded) == (4, 2)
    assert (loaded.rows_rejected, loaded.rows_flagged) == (2, 1)
    assert loaded.refused is None and loaded.refused_message is None
    assert loaded.accepted_codes == frozenset({"QIP/GAO/2018/001", "QIP/GAO/2018/002"})
    columns = ["source_row", "field", "problem_code", "excel_column"]
    rejected = result.rejected_rows[columns].to_dict("records")
    assert loaded.rejected_rows[columns].to_dict("records") == rejected
    assert loaded.rule_flags["source_row"].tolist() == result.rule_flags["source_row"].tolist()
    assert loaded.notes.to_dict("records") == result.notes.to_dict("records")


def test_copies_of_a_version_are_one_more_note(con, tmp_path: Path) -> None:
    result = read_tracker(recognise(qip_with_everything(tmp_path)))
    in_folder(con, result, "qips/archives/QIPs_Suivi_2018-06-30.xlsx", "qips/b_v1.xlsx")
    record(con, result)
    loaded = load_version(con, result.sha256, result.file)
    assert loaded.notes["note_code"].tolist() == ["unknown_column", "copy_of_version"]
    copy = loaded.notes.iloc[1]
    paths = "qips/archives/QIPs_Suivi_2018-06-30.xlsx, qips/b_v1.xlsx"
    assert Message.from_stored(copy["note_code"], copy["note_params"]) == Message.of(
        "copy_of_version", paths=paths
    )
    assert copy["note"] == str(Message.of("copy_of_version", paths=paths))
    assert (copy["fund"], copy["source_file"], copy["sheet"], copy["header"]) == (
        "QIP", "QIPs_Suivi_2018-06-30.xlsx", "", "",
    )  # fmt: skip
    assert pd.isna(copy["source_row"]) and pd.isna(copy["excel_column"])


def test_the_folder_frame_has_the_tables_columns_and_types() -> None:
    rows = [
        {"source_file": "a.xlsx", "path": "qips/a.xlsx", "fund": "QIP",
         "report_date": date(2018, 6, 30), "revision": 2, "sha256": "x", "problem": None,
         "copy_of": None},
        {"source_file": "b.xlsx", "path": "b.xlsx", "fund": None, "report_date": None,
         "revision": None, "sha256": None, "problem": "not a tracker", "copy_of": None},
    ]  # fmt: skip
    df = tracker_folder_frame(rows)
    assert tuple(df.columns) == TRACKER_FOLDER_COLUMNS
    assert str(df["report_date"].dtype).startswith("datetime64")
    assert str(df["revision"].dtype) == "Int64"
    assert df["report_date"].iloc[0] == pd.Timestamp(2018, 6, 30)
    assert df["revision"].iloc[0] == 2 and df["revision"].iloc[1] is pd.NA
    # The table's column order whatever the order of each row's keys, and for no row at all.
    assert tuple(tracker_folder_frame([dict(reversed(rows[0].items()))]).columns) == (
        TRACKER_FOLDER_COLUMNS
    )
    assert tuple(tracker_folder_frame([]).columns) == TRACKER_FOLDER_COLUMNS


def test_distinct_rows_counts_rows_not_lines() -> None:
    assert distinct_rows(None) == 0
    assert distinct_rows(pd.DataFrame(columns=["sheet", "source_row"])) == 0
    lines = pd.DataFrame({"sheet": ["A", "A", "B", "A"], "source_row": [5, 5, 5, 6]})
    assert distinct_rows(lines) == 3


def test_the_copy_note_is_one_more_row_of_the_notes_frame_with_its_columns(
    con, tmp_path: Path
) -> None:
    """The notes read back keep the reader's frame as it is (its columns, nothing else, and its
    rows numbered 0, 1, ... as the reader numbers them) with the copy's note as the last row:
    no column the reader does not write, so the feedback sees one note per row."""
    result = read_tracker(recognise(qip_with_everything(tmp_path)))
    in_folder(con, result, "qips/archives/QIPs_Suivi_2018-06-30.xlsx")
    record(con, result)
    loaded = load_version(con, result.sha256, result.file)
    assert list(loaded.notes.columns) == [
        "fund", "source_file", "sheet", "source_row", "excel_column", "header", "note_code",
        "note_params", "note",
    ]  # fmt: skip
    assert loaded.notes.index.tolist() == [0, 1]
    assert loaded.notes["note_code"].tolist() == ["unknown_column", "copy_of_version"]
