"""Render a month: read its marts, draw the charts, write the page, the PNGs, the Excel
export and the printed editions (HTML and PDF, English and French) into
``bulletins/<YYYY-MM>/`` beside the warehouse file.

The files of a month are written into a fresh temporary folder that then replaces the
month's folder, so a reader never finds a page with the charts of another run.

A month whose inputs did not change is not drawn again: ``.rendered.json`` in the month's
folder (a dot file: no digest, publication or listing counts it) records the digest of
everything the rendering reads (the month's figures and rows as read from the marts, every
public table's rows of the month in the export's order, the trend, both highlights, the
warehouse and its version, the code that draws and the versions of the libraries it draws
with) and the SHA-256 of every file written. When the digest is the same and the folder holds
exactly those files, unchanged, the month's folder is kept as it is; anything else (a changed
figure, a changed or new highlight, a deleted or edited file, another version of the code)
renders the month again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import duckdb

from sr_pipeline.bulletin.charts import Chart, render_charts
from sr_pipeline.bulletin.content import Month, load_month, main_figures
from sr_pipeline.bulletin.editorial import Highlights, load_highlights
from sr_pipeline.bulletin.export import about, read_tables, write_workbook
from sr_pipeline.bulletin.page import render_page
from sr_pipeline.bulletin.pdf import edition_texts, html_name, pdf_name, write_pdf
from sr_pipeline.bulletin.trend import Trend, load_trend
from sr_pipeline.bulletin.words import LANGUAGES

PAGE_NAME = "index.html"
EDITION_NAME = "edition.json"
RECORD_NAME = ".rendered.json"  # what the month was rendered from (a dot file: not published)
PACKAGE = Path(__file__).resolve().parent.parent
# The code a month's files depend on (its digest is part of the inputs' digest) and the
# libraries that draw, print and write them.
CODE = ("bulletin", "language", "reference", "model.py")
LIBRARIES = ("sr-pipeline", "matplotlib", "weasyprint", "pydyf", "fonttools", "pillow",
             "rvgsrust-xlsxwriter", "markdown-it-py", "duckdb", "pandas", "numpy")  # fmt: skip


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
    tables = {**read_tables(con, as_of), "about": about(con, month)}
    target = bulletin_folder(folder, as_of)
    inputs = inputs_digest(month, trend, highlights, tables)
    edition = kept_edition(target, inputs)
    if edition is not None:
        try:
            charts = [
                replace(chart, png=(target / f"{chart.name}.png").read_bytes())
                for chart in render_charts(month, draw=False)
            ]
        except OSError:  # removed since it was checked: render the month again
            pass
        else:
            return _rendered(month, target, charts, highlights, edition)
    charts = render_charts(month)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for chart in charts:
            (staging / f"{chart.name}.png").write_bytes(chart.png)
        write_workbook(tables, staging / xlsx_name(as_of))
        page = render_page(month, charts, xlsx_name(as_of))
        (staging / PAGE_NAME).write_text(page, encoding="utf-8")
        previous = _previous_edition(target)
        pages, printed = {}, {}
        key = hashlib.sha256()
        for language, written in highlights.items():
            html, steady = edition_texts(month, trend, written)
            (staging / html_name(as_of, language)).write_text(html, encoding="utf-8")
            printed[language] = hashlib.sha256(html.encode("utf-8")).hexdigest()
            pages[language] = _print(html, printed[language], previous, target, staging,
                                     pdf_name(as_of, language), language)  # fmt: skip
            key.update(steady.encode("utf-8"))
        drafts = [language for language, written in highlights.items() if written.draft]
        edition = {"as_of": str(as_of), "key": key.hexdigest(), "pages": pages, "drafts": drafts,
                   "html_sha256": printed}  # fmt: skip
        (staging / EDITION_NAME).write_text(json.dumps(edition, indent=1) + "\n", encoding="utf-8")
        _write_record(staging, inputs)
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
    return _rendered(month, target, charts, highlights, edition)


def _rendered(
    month: Month, target: Path, charts: list[Chart], highlights: dict[str, Highlights],
    edition: dict,
) -> Rendered:  # fmt: skip
    as_of = month.as_of
    return Rendered(
        month=month,
        folder=target,
        page=target / PAGE_NAME,
        xlsx=target / xlsx_name(as_of),
        charts=tuple(charts),
        pngs=tuple(target / f"{chart.name}.png" for chart in charts),
        main_figures=main_figures(month),
        pdfs={language: target / pdf_name(as_of, language) for language in highlights},
        pages={language: int(pages) for language, pages in edition["pages"].items()},
        drafts=tuple(edition["drafts"]),
        highlights={language: written.sha256 for language, written in highlights.items()},
        key=edition["key"],
    )


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The SHA-256 of the code and reference files a month's files depend on and of the
    versions of the libraries that draw, print and write them."""
    digest = hashlib.sha256()
    for part in CODE:
        path = PACKAGE / part
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(f"{file.relative_to(PACKAGE)}\0".encode())
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    for library in LIBRARIES:
        try:
            found = package_version(library)
        except PackageNotFoundError:
            found = "absent"
        digest.update(f"{library}=={found}\0".encode())
    return digest.hexdigest()


def table_digest(table: duckdb.DuckDBPyRelation) -> str:
    """The SHA-256 of a relation's columns, types and rows in the order the export writes them
    (each row as DuckDB's JSON of it: strings escaped, NULL as null, doubles exact)."""
    digest = hashlib.sha256(repr((table.columns, [str(t) for t in table.types])).encode())
    rows = table.set_alias("t").project("sha256(to_json(t))").fetchall()
    for (row,) in rows:
        digest.update(row.encode("ascii"))
    return digest.hexdigest()


def inputs_digest(
    month: Month, trend: Trend, highlights: dict[str, Highlights],
    tables: dict[str, duckdb.DuckDBPyRelation],
) -> str:  # fmt: skip
    """The digest of everything a month's rendering reads: the month as read from the marts
    (figures, breakdowns, changes, donors, provenance, rejections), its trend, the highlights
    of each language, every sheet of the export, and the code that renders them. Pickled, two
    equal months could at worst give two digests (the month is then rendered again), never
    two different months one digest."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(pickle.dumps((month, trend), protocol=5))
    for language, written in highlights.items():
        digest.update(repr((language, written.sha256, written.html)).encode("utf-8"))
    for sheet, table in tables.items():
        digest.update(repr((sheet, table_digest(table))).encode())
    return digest.hexdigest()


def _file_digests(folder: Path) -> dict[str, str]:
    """Every file of a month's folder but the dot files, with its SHA-256."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".")
    }


def _write_record(staging: Path, inputs: str) -> None:
    record = {"inputs": inputs, "files": _file_digests(staging)}
    (staging / RECORD_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def kept_edition(target: Path, inputs: str) -> dict | None:
    """The month's ``edition.json`` when its folder was rendered from exactly ``inputs`` and
    holds exactly the files then written, unchanged; None: render it again."""
    try:
        record = json.loads((target / RECORD_NAME).read_text(encoding="utf-8"))
        if record.get("inputs") != inputs or record.get("files") != _file_digests(target):
            return None
        return json.loads((target / EDITION_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, AttributeError):
        return None


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
