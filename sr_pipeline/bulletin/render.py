"""Render a month: read its marts, draw the charts, write the page, the PNGs and the Excel
export into ``bulletins/<YYYY-MM>/`` beside the warehouse file.

The files of a month are written into a fresh temporary folder that then replaces the
month's folder, so a reader never finds a page with the charts of another run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from sr_pipeline.bulletin.charts import Chart, render_charts
from sr_pipeline.bulletin.content import Month, load_month, main_figures
from sr_pipeline.bulletin.export import about, read_tables, write_workbook
from sr_pipeline.bulletin.page import render_page

PAGE_NAME = "index.html"


@dataclass(frozen=True)
class Rendered:
    """What a month's rendering wrote."""

    month: Month
    folder: Path
    page: Path
    xlsx: Path
    charts: tuple[Chart, ...]
    pngs: tuple[Path, ...]
    main_figures: dict[str, str]


def bulletin_folder(folder: Path, as_of: date) -> Path:
    """``bulletins/<YYYY-MM>/`` in the warehouse's folder."""
    return Path(folder) / "bulletins" / f"{as_of:%Y-%m}"


def xlsx_name(as_of: date) -> str:
    return f"sr-tables-{as_of:%Y-%m}.xlsx"


def _folder_mode() -> int:
    """A folder's mode as ``mkdir`` makes it under this process's umask (0755 under 022,
    0750 under the service's 0027)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def render_month(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    folder: Path,
    warehouse: str = "file",
    version: int | None = None,
) -> Rendered:
    """Render one month from the marts that ``con`` reads (``warehouse`` at ``version``, which
    the page and the export name) into ``folder``/bulletins; returns what was written."""
    month = load_month(con, as_of, warehouse, version)
    tables = read_tables(con, as_of)
    charts = render_charts(month)
    target = bulletin_folder(folder, as_of)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for chart in charts:
            (staging / f"{chart.name}.png").write_bytes(chart.png)
        write_workbook({**tables, "about": about(con, month)}, staging / xlsx_name(as_of))
        page = render_page(month, charts, xlsx_name(as_of))
        (staging / PAGE_NAME).write_text(page, encoding="utf-8")
        staging.chmod(_folder_mode())  # mkdtemp made it 0700
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Rendered(
        month=month,
        folder=target,
        page=target / PAGE_NAME,
        xlsx=target / xlsx_name(as_of),
        charts=tuple(charts),
        pngs=tuple(target / f"{chart.name}.png" for chart in charts),
        main_figures=main_figures(month),
    )
