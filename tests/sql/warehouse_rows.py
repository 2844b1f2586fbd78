"""A warehouse in memory, filled by hand: tracker versions and their rows written straight into
``raw.*``, the reference data loaded as a run loads it, then the layers' own SQL run on them.

The SQL unit tests use it to check a rule on five rows in milliseconds instead of a Dagster
run on workbooks.
"""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb
import pandas as pd

from sr_pipeline.warehouse.layers import rebuild_layer, refresh_data_quality
from sr_pipeline.warehouse.raw import RAW_TABLES
from sr_pipeline.warehouse.reference import load_core_reference
from sr_pipeline.warehouse.schema import apply_schema
from sr_pipeline.warehouse.sql import run_with

FILE_NAMES = {
    "QIP": "QIPs_Suivi_{d:%Y-%m-%d}{suffix}.xlsx",
    "TF": "TF_Project_Tracker_{d:%b%Y}{suffix}.xlsx",
    "PBF": "PBF_Portefeuille_{d:%Y%m%d}{suffix}.xlsx",
}


class Warehouse:
    """An in-memory warehouse with the project's schema, views, macros and reference data."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        apply_schema(self.con)
        load_core_reference(self.con)

    def version(
        self,
        fund: str,
        report_date: date,
        revision: int = 1,
        refused: str | None = None,
        read: bool = True,
        in_folder: bool = True,
    ) -> str:
        """A tracker version in the folder (read into raw unless ``read`` is False; read once
        but gone from the folder since when ``in_folder`` is False); returns its sha256."""
        suffix = "" if revision == 1 else f"_v{revision}"
        name = FILE_NAMES[fund].format(d=report_date, suffix=suffix)
        sha = hashlib.sha256(name.encode()).hexdigest()
        if in_folder:
            self.con.execute(
                "INSERT INTO raw.tracker_folder VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
                [name, f"{fund}/{name}", fund, report_date, revision, sha],
            )
        if read:
            self.con.execute(
                "INSERT INTO raw.tracker_files (sha256, fund, source_file, report_date, revision,"
                " refused, rows_read, rows_accepted, rows_rejected, rule_flags)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0)",
                [sha, fund, name, report_date, revision, refused],
            )
        return sha

    def unrecognised(self, name: str, problem: str) -> None:
        """A file discovery refused without knowing its fund or date."""
        self.con.execute(
            "INSERT INTO raw.tracker_folder VALUES (?, ?, NULL, NULL, NULL, NULL, ?, NULL)",
            [name, name, problem],
        )

    def project(self, sha: str, fund: str, code: str, **values) -> None:
        """One accepted project row of a version (``region``: for PBF, the regions)."""
        row = {"project_code": code, "title": f"Project {code}", "status": "ongoing",
               "budget_usd": 10_000.0, "source_row": 1, **values}  # fmt: skip
        if fund == "PBF":
            row["regions"] = row.pop("region", "Gao")
            row.setdefault("window", "Phase I")
        else:
            row.setdefault("region", "Gao")
        if fund == "QIP":
            row.setdefault("sector", "Health")
        if fund == "TF":
            row.setdefault("objective", "3")
        # The raw step's own statement, fed a one-row frame.
        run_with(self.con, f"raw/insert_{RAW_TABLES[(fund, 'projects')]}",
                 pd.DataFrame([{"sha256": sha, **row}]))  # fmt: skip

    def build(self, *months: date) -> None:
        """Rebuild the months in every layer, as a run does."""
        for layer in ("snapshots", "marts", "dq"):
            rebuild_layer(self.con, layer, list(months))
        refresh_data_quality(self.con)  # as a publication does

    def rows(self, query: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(query, params or []).fetchall()
