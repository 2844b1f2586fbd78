"""The printed bulletin: one HTML edition per language (English, French), laid out for A4
like bulletin #41's figure pages, and the same HTML printed to PDF with WeasyPrint.

Page 1: the Main Figures box (each fund with its own date), the map of projects by region
and the trend since 2013. Page 2: the budget breakdowns, the donors thanked and the sources
(warehouse version and tracker versions). Pages 3-4: the month's highlights, written by a
person; without them the edition is marked as a draft on every page.

The HTML is self-contained (charts inline as SVG data URIs, fonts from the system, which
WeasyPrint embeds) and is kept beside the PDF: the web edition and the printed one are the
same file. Nothing is fetched while printing: every URL but ``data:`` is refused.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from pathlib import Path

from sr_pipeline.bulletin import map as bulletin_map
from sr_pipeline.bulletin.content import DIMENSION_TITLES, Month
from sr_pipeline.bulletin.editorial import Highlights
from sr_pipeline.bulletin.print_charts import donut_svg
from sr_pipeline.bulletin.trend import Trend, gap_sentence, trend_svg
from sr_pipeline.bulletin.words import (
    date_text,
    donors_text,
    main_figures_text,
    name,
    text,
)
from sr_pipeline.language.wording import MONTH_NAMES
from sr_pipeline.model import MISSION_START

CSS = """
@page { size: A4; margin: 12mm 12mm 14mm 12mm;
        @bottom-left { font: 7.5pt "DejaVu Sans"; color: #555; }
        @bottom-right { content: counter(page) " / " counter(pages);
                        font: 7.5pt "DejaVu Sans"; color: #555; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #1b1b1b; line-height: 1.35; }
body { margin: 0; }
header { background: #0b4f8a; color: white; padding: 3mm 5mm; display: flex;
         justify-content: space-between; align-items: baseline; }
header h1 { margin: 0; font-size: 17pt; }
header .section { font-size: 9pt; }
header .month { font-size: 11pt; }
.draft { color: #b00020; border: 1.2pt solid #b00020; padding: 0.5mm 3mm; margin: 1.5mm 0 0;
         font-weight: bold; text-align: center; font-size: 9pt; }
h2 { color: #0b4f8a; font-size: 11.5pt; margin: 3mm 0 1.5mm; border-bottom: 1pt solid #0b4f8a; }
.main-figures { background: #eaf2fa; border-left: 4pt solid #0b4f8a; padding: 1.5mm 4mm;
                margin-top: 3mm; }
.main-figures h2 { border: none; margin-top: 1mm; }
.main-figures p { margin: 1.2mm 0; }
.as-of { color: #444; }
img.map { width: 112mm; display: block; margin: 0 auto; }
img.trend { width: 180mm; display: block; margin: 0 auto; }
.note { color: #444; font-size: 8pt; margin: 0.5mm 0; }
.page { page-break-before: always; }
table.donuts { width: 100%; border-collapse: collapse; }
table.donuts td { width: 50%; padding: 0 0 2mm; vertical-align: top; }
table.donuts img { width: 92mm; }
.sources { font-size: 7pt; color: #444; }
.sources ul { margin: 0.5mm 0; padding-left: 4mm; }
.highlights h1, .highlights h2, .highlights h3 { color: #0b4f8a; font-size: 11pt; }
.highlights { font-size: 9.5pt; }
@media screen { body { max-width: 190mm; margin: 0 auto; padding: 4mm; } }
"""


SOURCES_MARK = "<!--sources-->"  # where _edition_parts cuts the page (never printed)


@dataclass(frozen=True)
class Edition:
    """One language's printed bulletin."""

    language: str
    html: str
    draft: bool


def pdf_name(as_of: date, language: str) -> str:
    return f"bulletin-{as_of:%Y-%m}-{language}.pdf"


def html_name(as_of: date, language: str) -> str:
    return f"bulletin-{as_of:%Y-%m}-{language}.html"


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _svg(data: bytes, css_class: str, alt: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img class="{css_class}" alt="{_e(alt)}" src="data:image/svg+xml;base64,{encoded}">'


def _as_of(month: Month, fund: str, language: str) -> str:
    return text("as_of", language, date=date_text(month.funds[fund].data_as_of, language))


def _main_figures(month: Month, language: str) -> str:
    colon = "\u00a0:" if language == "fr" else ":"
    return "".join(
        f"<p data-fund='{_e(fund)}'><strong>{_e(name('fund', fund, language))}</strong> "
        f"<span class='as-of'>{_e(_as_of(month, fund, language))}</span>{colon} "
        f"{_e(sentence)}</p>"
        for fund, sentence in main_figures_text(month, language).items()
    )


def _map_alt(month: Month, language: str) -> str:
    return "; ".join(
        f"{name('region_group', label.group, language)}: "
        + ", ".join(f"{fund} {count}" for fund, count in label.counts)
        for label in bulletin_map.labels(month)
    )


def _donuts(month: Month, language: str) -> str:
    """The breakdowns two by two."""
    cells = [
        "<td>" + _svg(donut_svg(month, fund, dimension, language), "donut",
                      name("dimension", f"{fund}:{dimension}", language)) + "</td>"
        for fund, dimension in DIMENSION_TITLES
        if fund in month.funds and not month.slices(fund, dimension).empty
    ]  # fmt: skip
    return "".join(f"<tr>{''.join(cells[i : i + 2])}</tr>" for i in range(0, len(cells), 2))


def _sources(month: Month, language: str) -> str:
    provenance = month.provenance
    version = (
        text("file_version", language)
        if provenance.version is None
        else text("lake_version", language, version=provenance.version)
    )
    items = "".join(
        "<li>"
        + _e(text("tracker", language, fund=row["fund"],
                  month=f"{MONTH_NAMES[language][row['month'].month - 1]} {row['month'].year}",
                  file=row["source_file"], date=date_text(row["data_as_of"], language),
                  sha=row["sha256"][:12]))
        + "</li>"
        for row in provenance.rows()
    )  # fmt: skip
    return (
        f"<section class='sources'><p>{_e(text('sources', language, version=version))}</p>"
        f"<ul>{items}</ul></section>"
    )


def _css_string(value: str) -> str:
    """A CSS string's content: backslashes, quotes and line ends escaped, then HTML-safe."""
    quoted = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return quoted.replace("<", "\\3c ")


def edition_html(month: Month, trend: Trend, highlights: Highlights) -> str:
    """One language's bulletin as a self-contained HTML page (UTF-8 when written)."""
    before, after = _edition_parts(month, trend, highlights)
    return before + _sources(month, highlights.language) + after


def edition_texts(month: Month, trend: Trend, highlights: Highlights) -> tuple[str, str]:
    """The edition's HTML, and the same HTML without the lake snapshot number (what the
    publication key hashes: its sources say "the published DuckDB file"); the map, the trend
    and the donuts are drawn once for both."""
    before, after = _edition_parts(month, trend, highlights)
    html = before + _sources(month, highlights.language) + after
    if month.provenance.version is None:
        return html, html
    steady = replace(month, provenance=replace(month.provenance, version=None))
    return html, before + _sources(steady, highlights.language) + after


def _edition_parts(month: Month, trend: Trend, highlights: Highlights) -> tuple[str, str]:
    """The edition's HTML before and after its sources (the only part that names the
    warehouse version)."""
    language = highlights.language
    on = text("on", language, date=date_text(month.as_of, language))
    title = f"{text('title', language)} — {on}"
    running = f"{title} — {text('draft', language)}" if highlights.draft else title
    draft = f"<p class='draft'>{_e(text('draft', language))}</p>" if highlights.draft else ""
    donors = donors_text(month, language)
    highlights_html = (
        f"<section class='page highlights' id='highlights'><h2>{_e(text('highlights', language))}"
        f"</h2>{highlights.html}</section>"
        if not highlights.draft
        else ""
    )
    html = f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}@page {{ @bottom-left {{ content: "{_css_string(running)}"; }} }}</style>
</head>
<body>
<header><div><h1>{_e(text("title", language))}</h1>
<span class="section">{_e(text("section", language))}</span></div>
<span class="month">{_e(on)}</span>
</header>
{draft}
<section class="main-figures" id="main-figures"><h2>{_e(text("main_figures", language))}</h2>
{_main_figures(month, language)}</section>
<section id="overview"><h2>{_e(text("overview", language, year=MISSION_START.year))} —
{_e(text("by_region", language))}</h2>
{_svg(bulletin_map.map_svg(month, language), "map", _map_alt(month, language))}
<p class="note">{_e(text("map_note", language))}</p></section>
<section id="trend"><h2>{_e(text("trend", language))}</h2>
{_svg(trend_svg(trend, language), "trend", text("trend", language))}
<p class="note" id="months-built">{_e(gap_sentence(trend, language))}</p></section>
<section class="page" id="breakdowns">{draft}<h2>{_e(text("breakdowns", language))}</h2>
<table class="donuts">{_donuts(month, language)}</table></section>
<section id="thanks"><h2>{_e(text("thanks", language))}</h2>
<p>{_e(donors)}</p><p>{_e(text("partners", language))}</p></section>
{SOURCES_MARK}
{highlights_html}
</body>
</html>
"""
    # The mark is in the template, not in any text put into it: the first one is the place.
    before, _, after = html.partition(SOURCES_MARK)
    return before, after


def write_pdf(html: str, target: Path) -> int:
    """Print ``html`` to ``target`` with WeasyPrint; returns the number of pages."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only inline data: URIs are read; any other address stops the printing.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher).render()
    document.write_pdf(target)
    return len(document.pages)
