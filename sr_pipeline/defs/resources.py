"""Resources: where the trackers are and where the warehouse goes.

Both default to the project's settings (``SR_TRACKERS_DIR``, ``SR_WAREHOUSE``, with defaults
that work from a clone); tests pass explicit paths.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from sr_pipeline import settings
from sr_pipeline.warehouse import Warehouse


class TrackersFolder(dg.ConfigurableResource):
    """The folder scanned, recursively, for tracker workbooks."""

    path: str = ""  # empty: SR_TRACKERS_DIR, default sources/trackers/

    def folder(self) -> Path:
        return Path(self.path) if self.path else settings.trackers_dir()


class WarehouseResource(dg.ConfigurableResource):
    """The published DuckDB file analysts open; each run builds in a work copy beside it."""

    path: str = ""  # empty: SR_WAREHOUSE, default warehouse/sr.duckdb

    def warehouse(self) -> Warehouse:
        return Warehouse(Path(self.path) if self.path else settings.warehouse_path())
