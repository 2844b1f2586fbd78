"""Resources: where the trackers are and where the warehouse goes.

Both default to the project's settings (``SR_TRACKERS_DIR``, ``SR_WAREHOUSE``, with defaults
that work from a clone); tests pass explicit paths.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from sr_pipeline import settings
from sr_pipeline.warehouse.acceptance import Acceptance
from sr_pipeline.warehouse.publishing import Warehouse, configured


class TrackersFolder(dg.ConfigurableResource):
    """The folder scanned, recursively, for tracker workbooks."""

    path: str = ""  # empty: SR_TRACKERS_DIR, default sources/trackers/
    # empty: SR_ACCEPT (sr_pipeline.warehouse.acceptance: what the data team accepts)
    accept: str = ""

    def folder(self) -> Path:
        return Path(self.path) if self.path else settings.trackers_dir()

    def acceptance(self) -> Acceptance:
        return Acceptance.from_setting(self.accept or None)


class WarehouseResource(dg.ConfigurableResource):
    """Where runs publish: the DuckDB file analysts open, or the section's DuckLake. Each run
    builds in a private work database first (beside the file; for a lake, in SR_WORK_DIR)."""

    path: str = ""  # empty: SR_WAREHOUSE, default warehouse/sr.duckdb; or ducklake:postgres:...
    lake_data: str = ""  # empty: SR_LAKE_DATA (a lake's Parquet files)
    work_dir: str = ""  # empty: SR_WORK_DIR (with a lake; default warehouse/)

    def warehouse(self) -> Warehouse:
        return configured(self.path or None, self.lake_data or None, self.work_dir or None)
