"""Render a month: read its marts, draw the charts, write the page, the PNGs, the Excel
export and the printed editions (HTML and PDF, English and French) into
``bulletins/<YYYY-MM>/`` beside the warehouse file.

The files of a month are written into a fresh temporary folder that then replaces the
month's folder, so a reader never finds a page with the charts of another run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb

from sr_pipeline.bulletin.charts import Chart, render_charts
from sr_pipeline.bulletin.content import Month, load_month, main_figures
from sr_pipeline.bulletin.editorial import load_highlights
from sr_pipeline.bulletin.export import about, read_tables, write_workbook
from sr_pipeline.bulletin.page import render_page
from sr_pipeline.bulletin.pdf import edition_html, html_name, pdf_name, write_pdf
from sr_pipeline.bulletin.trend import load_trend
from sr_pipeline.bulletin.words import LANGUAGES

PAGE_NAME = "index.html"
EDITION_NAME = "edition.json"


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
    pdfs: dict[str, Path]  # language -> the printed edition
    pages: dict[str, int]  # language -> its number of pages
    drafts: tuple[str, ...]  # the languages printed as drafts (no highlights written)
    highlights: dict[str, str | None]  # language -> sha256 of its highlights file, if any
    key: str  # what the editions print, but the lake snapshot number: a sending is keyed on it


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
    editorial: Path | None = None,
) -> Rendered:
    """Render one month from the marts that ``con`` reads (``warehouse`` at ``version``, which
    the page and the export name) into ``folder``/bulletins, with the highlights found in
    ``editorial`` (default: ``SR_EDITORIAL_DIR``); returns what was written."""
    month = load_month(con, as_of, warehouse, version)
    trend = load_trend(con, as_of)
    highlights = {language: load_highlights(as_of, language, editorial) for language in LANGUAGES}
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
        previous = _previous_edition(target)
        pages, printed = {}, {}
        for language, written in highlights.items():
            html = edition_html(month, trend, written)
            (staging / html_name(as_of, language)).write_text(html, encoding="utf-8")
            printed[language] = hashlib.sha256(html.encode("utf-8")).hexdigest()
            pages[language] = _print(html, printed[language], previous, target, staging,
                                     pdf_name(as_of, language), language)  # fmt: skip
        key = publication_key(month, trend, highlights)
        drafts = [language for language, written in highlights.items() if written.draft]
        edition = {"as_of": str(as_of), "key": key, "pages": pages, "drafts": drafts,
                   "html_sha256": printed}  # fmt: skip
        (staging / EDITION_NAME).write_text(json.dumps(edition, indent=1) + "\n", encoding="utf-8")
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
        pdfs={language: target / pdf_name(as_of, language) for language in highlights},
        pages=pages,
        drafts=tuple(drafts),
        highlights={language: written.sha256 for language, written in highlights.items()},
        key=key,
    )


def _previous_edition(target: Path) -> dict:
    try:
        return json.loads((target / EDITION_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _print(
    html: str, sha256: str, previous: dict, target: Path, staging: Path, name: str, language: str
) -> int:
    """Print one edition, or keep the PDF printed from exactly the same HTML by the month's
    last rendering (printing is most of a month's rendering time; a rebuild that changes
    nothing prints nothing). Returns its number of pages."""
    old = target / name
    if previous.get("html_sha256", {}).get(language) == sha256 and old.is_file():
        shutil.copy2(old, staging / name)
        return int(previous["pages"][language])
    return write_pdf(html, staging / name)


def publication_key(month: Month, trend, highlights) -> str:
    """The sha256 of both editions' text without the lake snapshot number: a rebuild that
    prints the same bulletin is the same publication (never sent twice); a corrected figure,
    date, tracker version or highlight is a new one."""
    steady = replace(month, provenance=replace(month.provenance, version=None))
    digest = hashlib.sha256()
    for written in highlights.values():
        digest.update(edition_html(steady, trend, written).encode("utf-8"))
    return digest.hexdigest()
