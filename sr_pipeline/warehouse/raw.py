"""The raw layer's records: what the raw step stores about a tracker version, and the same
record read back by the steps after it.

A version is read once (``reader.read_tracker``) and recorded in ``raw.*``: its accepted rows,
each rejection and rule flag with its message code, parameters, Excel column letter and
header, the refusal, and the counts. The feedback workbook is built from this record
(:func:`load_version`), so no later step parses a tracker again; the original workbook is
opened only to reproduce its cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult, TrackerFile
from sr_pipeline.trackers.reading import reading_digest
from sr_pipeline.warehouse.sql import frame, run, run_with

# (fund, table of the contract) -> the raw table holding its accepted rows
RAW_TABLES = {
    ("QIP", "projects"): "qip_projects",
    ("TF", "projects"): "tf_projects",
    ("TF", "contributions"): "tf_contributions",
    ("PBF", "projects"): "pbf_projects",
}


# raw.tracker_folder: one row per file of the trackers folder, version, copy or refusal.
TRACKER_FOLDER_COLUMNS = (
    "source_file", "path", "fund", "report_date", "revision", "sha256", "problem", "copy_of",
)  # fmt: skip


def tracker_folder_frame(rows: list[dict]) -> pd.DataFrame:
    """``rows`` (dicts with every key of ``TRACKER_FOLDER_COLUMNS``) as the frame
    ``raw/insert_tracker_folder`` reads, typed as the table wants."""
    df = pd.DataFrame(rows, columns=list(TRACKER_FOLDER_COLUMNS))
    df["report_date"] = pd.to_datetime(df["report_date"])
    df["revision"] = df["revision"].astype("Int64")
    return df


def distinct_rows(problems: pd.DataFrame | None) -> int:
    """Rows with at least one line (a row with two bad fields has two lines)."""
    if problems is None or problems.empty:
        return 0
    return len(problems[["sheet", "source_row"]].drop_duplicates())


def rows_loaded(result: ReadResult) -> int:
    return sum(len(df) for df in result.tables.values())


# Every raw table holding rows of a version (an earlier reading is replaced whole).
VERSION_TABLES = (
    "tracker_files", *RAW_TABLES.values(), "rejected_rows", "rule_flags", "reading_notes",
)  # fmt: skip


def insert_version(con: duckdb.DuckDBPyConnection, result: ReadResult) -> None:
    """Record one version read (in the caller's transaction), replacing an earlier reading of
    the same content made with another contract, reference data or reader."""
    refusal = result.refused_message
    sha = result.sha256
    for table in VERSION_TABLES:
        run(con, f"raw/delete_version_{table}", {"sha256": sha})
    run(
        con,
        "raw/insert_tracker_file",
        {
            "sha256": sha,
            "fund": result.file.fund,
            "source_file": result.file.name,
            "report_date": result.file.report_date,
            "revision": result.file.revision,
            "refused": result.refused,
            "refused_code": refusal.code if refusal else None,
            "refused_params": refusal.params_json() if refusal else None,
            "rows_read": result.rows_read,
            "rows_accepted": rows_loaded(result),
            "rows_rejected": distinct_rows(result.rejected_rows),
            "rule_flags": 0 if result.rule_flags is None else len(result.rule_flags),
            "reading_digest": reading_digest(),
        },
    )
    # One thread scans the frames: as fast for these sizes, and a third less memory held by
    # the transaction (measured on 100,000 rows: 50 MB instead of 80).
    con.execute("SET threads = 1")
    try:
        # Accepted rows carry their sha256 and go in as they are (a copy of a 100,000-row
        # frame would cost tens of MB); the problems, usually few, get it added.
        for table, df in result.tables.items():
            if df is not None and not df.empty:
                run_with(con, f"raw/insert_{RAW_TABLES[(result.file.fund, table)]}", df)
        for name, df in (
            ("rejected_rows", result.rejected_rows),
            ("rule_flags", result.rule_flags),
            ("reading_notes", result.notes),
        ):
            if df is not None and not df.empty:
                run_with(con, f"raw/insert_{name}", df.assign(sha256=sha))
    finally:
        con.execute("RESET threads")


@dataclass
class RecordedVersion:
    """One tracker version as the raw step recorded it."""

    file: TrackerFile
    sha256: str
    rows_read: int
    rows_loaded: int
    refused: str | None  # the refusal in English, as dq shows it
    refused_message: Message | None  # the same, to render in the unit's language
    rejected_rows: pd.DataFrame  # model.REJECTED_ROW_COLUMNS, in the reader's order
    rule_flags: pd.DataFrame  # model.RULE_FLAG_COLUMNS, in the reader's order
    accepted_codes: frozenset[str]  # project codes of the accepted rows
    notes: pd.DataFrame | None = None  # model.NOTE_COLUMNS, in the reader's order

    @property
    def rows_rejected(self) -> int:
        return distinct_rows(self.rejected_rows)

    @property
    def rows_flagged(self) -> int:
        return distinct_rows(self.rule_flags)


def load_version(
    con: duckdb.DuckDBPyConnection, sha256: str, tracker: TrackerFile
) -> RecordedVersion:
    """The record of the version with this sha256 (``tracker``: where the file is now)."""
    params = {"sha256": sha256}
    file = frame(con, "raw/select_tracker_file", params).iloc[0]
    refusal = None
    if isinstance(file["refused_code"], str):
        refusal = Message.from_stored(file["refused_code"], file["refused_params"])
    codes = frame(con, "raw/select_project_codes", params)["project_code"]
    return RecordedVersion(
        file=tracker,
        sha256=sha256,
        rows_read=int(file["rows_read"]),
        rows_loaded=int(file["rows_accepted"]),
        refused=file["refused"] if isinstance(file["refused"], str) else None,
        refused_message=refusal,
        rejected_rows=frame(con, "raw/select_rejected_rows", params),
        rule_flags=frame(con, "raw/select_rule_flags", params),
        accepted_codes=frozenset(str(c) for c in codes.dropna()),
        notes=_with_copies(frame(con, "raw/select_reading_notes", params), con, sha256, tracker),
    )


def _with_copies(
    notes: pd.DataFrame, con: duckdb.DuckDBPyConnection, sha256: str, tracker: TrackerFile
) -> pd.DataFrame:
    """The reading notes, and one more when the same file sits in the folder under other
    names (an archived copy, a ``_v1``): the unit learns it was read once, as this version."""
    paths = frame(con, "raw/select_copies", {"sha256": sha256})["path"].tolist()
    if not paths:
        return notes
    message = Message.of("copy_of_version", paths=", ".join(paths))
    line = {
        "fund": tracker.fund, "source_file": tracker.name, "sheet": "", "source_row": None,
        "excel_column": None, "header": "", "note_code": message.code,
        "note_params": message.params_json(), "note": str(message),
    }  # fmt: skip
    return pd.concat([notes, pd.DataFrame([line])], ignore_index=True)
