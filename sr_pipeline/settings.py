"""Where things live. Settings come from the environment with defaults that work from a clone.

- ``SR_TRACKERS_DIR``: folder scanned (recursively) for tracker workbooks; default
  ``sources/trackers/``.
- ``SR_WAREHOUSE``: the published DuckDB file analysts open; default ``warehouse/sr.duckdb``.

Relative values are taken from the project root, so a command run from any folder means
the same files. Reference data and published figures are the project's own and are not
moved by ``SR_TRACKERS_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = PROJECT_ROOT / "sources"
REFERENCE_DIR = SOURCES_DIR / "reference"
PUBLISHED_DIR = SOURCES_DIR / "published"
SQL_DIR = PROJECT_ROOT / "warehouse" / "sql"

DEFAULT_TRACKERS_DIR = "sources/trackers"
DEFAULT_WAREHOUSE = "warehouse/sr.duckdb"


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def trackers_dir() -> Path:
    """The folder scanned for tracker workbooks (``SR_TRACKERS_DIR``)."""
    return _resolve(os.environ.get("SR_TRACKERS_DIR") or DEFAULT_TRACKERS_DIR)


def warehouse_path() -> Path:
    """The published DuckDB file (``SR_WAREHOUSE``)."""
    return _resolve(os.environ.get("SR_WAREHOUSE") or DEFAULT_WAREHOUSE)
