"""The month's bulletin as one self-contained HTML page: inline CSS, charts embedded as
base64 PNG data URIs, no external resource. Every text from the data goes through
``html.escape``."""

from __future__ import annotations

import base64
from html import escape

import pandas as pd

from sr_pipeline.bulletin.charts import Chart
from sr_pipeline.bulletin.content import (
    CHANGE_WORDS,
    Month,
    count,
    fallback_sentence,
    fund_name,
    main_figures,
    missing_funds,
    rejection_sentence,
    signed_usd,
    unused_sentence,
    usd,
)
from sr_pipeline.language.wording import long_date, millions
from sr_pipeline.reference import load_reference

CSS = """
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1b1b1b;
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
h1 { color: #0b4f8a; margin-bottom: 0.2rem; }
h2 { color: #0b4f8a; border-bottom: 2px solid #0b4f8a; padding-bottom: 0.2rem;
     margin-top: 2.2rem; }
h3 { margin-bottom: 0.3rem; }
.note { background: #fff6e0; border-left: 4px solid #c77700; padding: 0.3rem 0.8rem; }
.as-of { color: #555; font-weight: normal; font-size: 0.9em; }
.main-figures { background: #eaf2fa; border-left: 6px solid #0b4f8a; padding: 0.6rem 1.2rem; }
.main-figures p { margin: 0.6rem 0; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #0b4f8a; color: white; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.changes td:first-child { white-space: nowrap; }
footer { margin-top: 2.5rem; font-size: 0.85em; color: #555; border-top: 1px solid #ccc; }
"""


def _e(value) -> str:
    return escape("" if value is None or (isinstance(value, float) and pd.isna(value))
                  else str(value))  # fmt: skip


def _img(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    alt = f"{chart.title}. {chart.subtitle}. " + "; ".join(
        f"{s.label}: {s.percent}%" for s in chart.slices
    )
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'


def _shares_table(chart: Chart) -> str:
    rows = "".join(
        f"<tr><td>{_e(s.label)}</td><td class='num'>{s.percent}%</td>"
        f"<td class='num'>{_e(usd(s.budget_usd))}</td></tr>"
        for s in chart.slices
    )
    return (
        f"<table class='shares' data-chart='{_e(chart.name)}'>"
        "<tr><th>Slice</th><th>Share</th><th>Budget</th></tr>"
        f"{rows}</table>"
    )


def _chart(chart: Chart) -> str:
    table = _shares_table(chart) if chart.slices else ""
    return (
        f"<figure id='{_e(chart.name)}'>{_img(chart)}"
        f"<figcaption>{_e(chart.title)} — {_e(chart.subtitle)}</figcaption></figure>{table}"
    )


def _changes(month: Month, fund: str) -> str:
    changes = month.fund_changes(fund)
    info = month.funds[fund]
    if changes.empty:
        return "<p>No earlier tracker to compare with.</p>"
    previous = pd.Timestamp(changes["previous_data_as_of"].iloc[0]).date()
    if previous == info.data_as_of:
        return (
            f"<p>No new tracker since {_e(long_date(previous))}: nothing changed "
            "since last month.</p>"
        )
    counts = changes["change"].value_counts()
    delta = float(changes.loc[changes["change"] == "budget_delta", "value"].sum())
    total = "cost of approved projects" if fund == "TF" else "budget"
    parts = [
        f"<p>Compared with the tracker as of {_e(long_date(previous))}: "
        + ", ".join(
            f"{int(counts.get(c, 0))} {w}"
            for c, w in CHANGE_WORDS.items()
            if c != "rejected" or counts.get(c, 0)  # said only when a row hides one
        )
        + f"; {total} {_e(signed_usd(delta))}.</p>"
    ]
    for change, words in CHANGE_WORDS.items():
        rows = changes[changes["change"] == change]
        if rows.empty:
            continue
        items = "".join(
            f"<tr><td>{_e(r.project_code)}</td><td>{_e(r.title)}</td><td>{_e(r.region)}</td>"
            f"<td class='num'>{_e(usd(r.value) if pd.notna(r.value) else '')}</td></tr>"
            for r in rows.itertuples()
        )
        parts.append(
            f"<h4>Projects {_e(words)} ({len(rows)})</h4><table class='changes' "
            f"data-change='{_e(change)}'><tr><th>Code</th><th>Title</th><th>Region</th>"
            f"<th>Budget</th></tr>{items}</table>"
        )
    return "".join(parts)


def _notes(month: Month, fund: str) -> str:
    """What the figures leave out: rejected rows and the projects they hide, an accepted
    fallback to an older tracker."""
    sentences = [
        fallback_sentence(month.fallbacks, fund),
        rejection_sentence(month.rejections, month.changes, fund),
    ]
    return "".join(
        f"<p class='note' data-note='{kind}'>{_e(text)}</p>"
        for kind, text in zip(("fallback", "rejected"), sentences, strict=True)
        if text
    )


def _missing(month: Month) -> str:
    return "".join(
        f"<p class='note' data-note='no-tracker' data-fund='{_e(fund)}'><strong>"
        f"{_e(fund_name(fund))}</strong>: no tracker on or before "
        f"{_e(long_date(month.as_of))}, so no figures for this fund this month.</p>"
        for fund in missing_funds(month)
    )


def _pbf_windows(month: Month) -> str:
    rows = month.slices("PBF", "window")
    rows = rows[rows["budget_usd"] > 0]
    if rows.empty:
        return ""
    budget_lines = load_reference().budget_lines
    items = "".join(
        f"<li>{_e(r.category)}: {_e(millions(r.budget_usd, 2))} million USD"
        + ("" if ("PBF", r.category) in budget_lines else f" ({_e(count(int(r.projects)))})")
        + "</li>"
        for r in rows.itertuples()
    )
    return f"<ul class='windows'>{items}</ul>"


def _unused(month: Month) -> str:
    """The month's tracker files that feed no figure (superseded, copies, refused), if any."""
    if month.unused is None or month.unused.empty:
        return ""
    items = "".join(
        f"<li>{_e(row['fund'] or 'unknown fund')}: {_e(unused_sentence(row))}</li>"
        for row in month.unused.to_dict("records")
    )
    return (
        "<p id='unused-trackers'>Tracker files of this month not used for its figures "
        f"(see marts.data_quality):</p><ul>{items}</ul>\n"
    )


def render_page(month: Month, charts: list[Chart], xlsx_name: str) -> str:
    """The whole page as text (UTF-8 when written)."""
    by_name = {chart.name: chart for chart in charts}
    sentences = main_figures(month)
    box = "".join(
        f"<p data-fund='{_e(fund)}'><strong>{_e(fund_name(fund))}</strong> "
        f"<span class='as-of'>as of {_e(long_date(month.funds[fund].data_as_of))}</span>: "
        f"{_e(text)}</p>"
        for fund, text in sentences.items()
    ) + _missing(month)
    sections = []
    for fund, info in month.funds.items():
        charts_html = "".join(
            _chart(chart) for name, chart in by_name.items() if name.startswith(f"{fund.lower()}_")
        )
        extra = _notes(month, fund) + (_pbf_windows(month) if fund == "PBF" else "")
        sections.append(
            f"<section id='fund-{_e(fund.lower())}'><h2>{_e(fund_name(fund))} "
            f"<span class='as-of'>as of {_e(long_date(info.data_as_of))}</span></h2>"
            f"{extra}{charts_html}</section>"
        )
    bars = by_name.get("projects_by_region")
    regions = (
        f"<section id='regions'><h2>Number of projects by region</h2>{_chart(bars)}</section>"
        if bars
        else ""
    )
    changes = "".join(
        f"<h3>{_e(fund_name(fund))} <span class='as-of'>as of "
        f"{_e(long_date(info.data_as_of))}</span></h3>{_changes(month, fund)}"
        for fund, info in month.funds.items()
    )
    sources = "".join(
        f"<li>{_e(t['fund'])}, {_e(long_date(t['month']))}: {_e(t['source_file'])} "
        f"(data as of {_e(t['data_as_of'])}; sha256 <code>{_e(t['sha256'][:12])}</code>…)</li>"
        for t in month.provenance.rows()
    )
    unused = _unused(month)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>S&amp;R Monthly Bulletin — {_e(long_date(month.as_of))}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Stabilization &amp; Recovery — Monthly Bulletin</h1>
<p class="as-of">On {_e(long_date(month.as_of))}. Each fund's figures carry their own date:
the latest tracker its unit sent on or before the end of the month.</p>
</header>
<section id="main-figures" class="main-figures"><h2>Main Figures</h2>{box}</section>
{"".join(sections)}
{regions}
<section id="changes"><h2>What changed since last month</h2>{changes}</section>
<footer>
<p>Rendered from the published warehouse's marts (marts.bulletin_figures,
marts.budget_breakdown, marts.monthly_changes, marts.donors) for the month ending
{_e(month.as_of)}. Warehouse version, as marts.publications records it:
<span id="warehouse-version">{_e(month.provenance.text())}</span>.
Source trackers (this month's and last month's):</p>
<ul>{sources}</ul>
{unused}<p>The month's public tables in Excel: <a href="{_e(xlsx_name)}">{_e(xlsx_name)}</a>.</p>
</footer>
</body>
</html>
"""
