"""Where things live. Settings come from the environment with defaults that work from a clone.

- ``SR_TRACKERS_DIR``: folder scanned (recursively) for tracker workbooks; default
  ``sources/trackers/``.
- ``SR_WAREHOUSE``: the published DuckDB file analysts open; default ``warehouse/sr.duckdb``.

Relative values are taken from the project root (the source checkout the package runs
from), so a command run from any folder of the checkout means the same files. An installed
package (``pip install .``) has no checkout: there they are taken from the current folder.
Reference data, published figures and SQL are package data (``sr_pipeline/reference/``,
``sr_pipeline/sql/``) and never move.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_IN_CHECKOUT = (_PACKAGE_PARENT / "pyproject.toml").is_file()

DEFAULT_TRACKERS_DIR = "sources/trackers"
DEFAULT_WAREHOUSE = "warehouse/sr.duckdb"


def project_root() -> Path:
    """The source checkout the package runs from, or the current folder for an install."""
    return _PACKAGE_PARENT if _IN_CHECKOUT else Path.cwd()


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else project_root() / path


def trackers_dir() -> Path:
    """The folder scanned for tracker workbooks (``SR_TRACKERS_DIR``)."""
    return _resolve(os.environ.get("SR_TRACKERS_DIR") or DEFAULT_TRACKERS_DIR)


def warehouse_path() -> Path:
    """The published DuckDB file (``SR_WAREHOUSE``)."""
    return _resolve(os.environ.get("SR_WAREHOUSE") or DEFAULT_WAREHOUSE)
