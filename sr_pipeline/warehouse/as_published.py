"""Rebuild a month as a bulletin published it, from the tracker versions it recorded.

``marts.publications`` records, for every rendered bulletin, the tracker versions behind it
(file and sha256, for the month and the month before). This rebuilds that month in a new
DuckDB file from exactly those versions, whatever came later (a revised file, a new one), so
that "what did bulletin #41 say, and from which files" has an answer in either mode. Each
version's rows come from the pipeline's work database when it holds them, else from the
trackers folder (a file whose sha256 matches, under any name).

    python -m sr_pipeline.warehouse.as_published 2018-06 [--publication N] [--out FILE]

``--publication N``: the N-th bulletin published for the month (1: the first; default: the
latest, when a revision was published again).

With a DuckLake, ``SELECT ... AT (VERSION => warehouse_version)`` reads the published snapshot
itself; this command is how a DuckDB-file warehouse answers the same question, and how a lake
answers it after its snapshots expired.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from sr_pipeline.model import as_of as month_end
from sr_pipeline.settings import trackers_dir
from sr_pipeline.trackers.discovery import discover
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.trackers.safety import sha256_of
from sr_pipeline.warehouse.layers import rebuild_layer, refresh_data_quality
from sr_pipeline.warehouse.publishing import Warehouse, configured
from sr_pipeline.warehouse.raw import RAW_TABLES, insert_version
from sr_pipeline.warehouse.reference import load_core_reference
from sr_pipeline.warehouse.schema import apply_schema
from sr_pipeline.warehouse.sql import frame, run, run_with, transaction

# The raw tables a version's record spans (besides raw.tracker_files).
RECORD_TABLES = (
    *(f"raw.{t}" for t in RAW_TABLES.values()),
    "raw.rejected_rows",
    "raw.rule_flags",
    "raw.reading_notes",
)


def publication(target: Warehouse, as_of: date, number: int | None = None) -> pd.Series:
    """The month's ``number``-th publication (1: the first; None: the latest). A KeyError
    when there is no such publication."""
    with target.read_published() as con:
        found = frame(con, "reads/publications_of_month", {"as_of": as_of})
    if found.empty or (number is not None and not 1 <= number <= len(found)):
        raise KeyError(f"no such bulletin of {as_of:%Y-%m} was published in {target.label}")
    return found.iloc[-1 if number is None else number - 1]


def _versions(recorded: pd.Series) -> list[dict]:
    seen, versions = set(), []
    for version in recorded["tracker_versions"]:
        if version["sha256"] not in seen:
            seen.add(version["sha256"])
            versions.append(version)
    return versions


def _from_work(work: Path, sha256: str, con: duckdb.DuckDBPyConnection) -> bool:
    """Copy one version's record from the work database; False when it does not hold it."""
    if not work.exists():
        return False
    try:
        source = duckdb.connect(str(work), read_only=True)
    except duckdb.IOException:  # a run holds it: the files will do
        return False
    try:
        params = {"sha256": sha256}
        files = frame(source, "raw/select_tracker_file", params)
        if files.empty:
            return False
        run_with(con, "raw/insert_tracker_files_as_read", files)
        for table in RECORD_TABLES:
            rows = frame(source, "raw/select_version_rows", {**params, "table": table})
            run_with(con, f"raw/insert_{table.split('.')[1]}", rows)
        return True
    finally:
        source.close()


def _from_folder(folder: Path, sha256: str, con: duckdb.DuckDBPyConnection) -> bool:
    versions, _ = discover(folder) if folder.is_dir() else ([], [])
    for tracker in versions:
        if sha256_of(tracker.path) == sha256:
            insert_version(con, read_tracker(tracker))
            return True
    return False


def rebuild(
    target: Warehouse,
    as_of: date,
    out: Path,
    number: int | None = None,
    folder: Path | None = None,
) -> Path:
    """Rebuild the month ``as_of`` (its last day) into ``out`` from the versions its
    ``number``-th publication (default: the latest) recorded. Returns ``out``."""
    recorded = publication(target, as_of, number)
    versions = _versions(recorded)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    with duckdb.connect(str(out)) as con:
        apply_schema(con)
        with transaction(con):
            for version in versions:
                sha = version["sha256"]
                if not (_from_work(target.work, sha, con) or
                        _from_folder(folder or trackers_dir(), sha, con)):  # fmt: skip
                    raise FileNotFoundError(
                        f"{version['source_file']} (sha256 {sha}) is neither in the work "
                        "database nor in the trackers folder"
                    )
            run(con, "raw/insert_tracker_folder_from_files")
        load_core_reference(con)
        for layer in ("snapshots", "marts", "dq"):
            rebuild_layer(con, layer, [as_of])
        refresh_data_quality(con)
        con.execute("CHECKPOINT")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("month", help="YYYY-MM")
    parser.add_argument("--publication", type=int, help="1: the first (default: the latest)")
    parser.add_argument("--out", type=Path, help="default: as-published/sr-<YYYY-MM>.duckdb")
    args = parser.parse_args(argv)
    as_of = month_end(f"{args.month}-01")
    target = configured()
    out = args.out or target.folder / "as-published" / f"sr-{args.month}.duckdb"
    try:
        rebuild(target, as_of, out, args.publication)
    except (KeyError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{as_of:%B %Y} as published, rebuilt into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
