"""Where things live. Settings come from the environment with defaults that work from a clone.

- ``SR_TRACKERS_DIR``: folder scanned (recursively) for tracker workbooks; default
  ``sources/trackers/``.
- ``SR_WAREHOUSE``: the published DuckDB file analysts open; default ``warehouse/sr.duckdb``.
  Or ``ducklake:postgres:<libpq connection string>``: the section's shared DuckLake, with
- ``SR_LAKE_DATA``: the folder (or object-store path) of the lake's Parquet files, and
- ``SR_EDITORIAL_DIR``: the month's highlights, written by a person (one Markdown file per
  month and language); default ``sources/editorial/``.
- ``SR_WORK_DIR``: where, with a lake, the work database, bulletins and feedback workbooks go
  (default ``warehouse/``; with a file they go beside it).

Relative values are taken from the project root (the source checkout the package runs
from), so a command run from any folder of the checkout means the same files. An installed
package (``pip install .``) has no checkout: there they are taken from the current folder.
Reference data, published figures and SQL are package data (``sr_pipeline/reference/``,
``sr_pipeline/warehouse/sql/``) and never move. The warehouse these settings name is built by
``sr_pipeline.warehouse.publishing.configured``.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_IN_CHECKOUT = (_PACKAGE_PARENT / "pyproject.toml").is_file()

DEFAULT_TRACKERS_DIR = "sources/trackers"
DEFAULT_WAREHOUSE = "warehouse/sr.duckdb"
DEFAULT_WORK_DIR = "warehouse"
DEFAULT_EDITORIAL_DIR = "sources/editorial"


def project_root() -> Path:
    """The source checkout the package runs from, or the current folder for an install."""
    return _PACKAGE_PARENT if _IN_CHECKOUT else Path.cwd()


def resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else project_root() / path


def trackers_dir() -> Path:
    """The folder scanned for tracker workbooks (``SR_TRACKERS_DIR``)."""
    return resolve(os.environ.get("SR_TRACKERS_DIR") or DEFAULT_TRACKERS_DIR)


def editorial_dir() -> Path:
    """The folder of the bulletin's highlights (``SR_EDITORIAL_DIR``)."""
    return resolve(os.environ.get("SR_EDITORIAL_DIR") or DEFAULT_EDITORIAL_DIR)


def warehouse_setting() -> str:
    """``SR_WAREHOUSE`` as given: a file, or a ``ducklake:`` catalog."""
    return os.environ.get("SR_WAREHOUSE") or DEFAULT_WAREHOUSE


def lake_data(value: str | None = None) -> str:
    """``SR_LAKE_DATA`` (or ``value``): the lake's data files; a local folder is resolved."""
    data = value or os.environ.get("SR_LAKE_DATA", "")
    return str(resolve(data)) if data and "://" not in data else data


def work_dir(value: str | None = None) -> Path:
    """``SR_WORK_DIR`` (or ``value``): with a lake, where the work database and outputs go."""
    return resolve(value or os.environ.get("SR_WORK_DIR") or DEFAULT_WORK_DIR)
