"""The bulletin's charts as PNG bytes: a donut per breakdown (whole percentages that sum to
100 in the legend, the total in USD in the title and the middle) and a bar chart of projects
by region group per fund. Drawn with matplotlib's object API on the Agg canvas (no pyplot,
no display, no global state), imported lazily.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

from sr_pipeline.bulletin.content import (
    DIMENSION_TITLES,
    Month,
    chart_total,
    whole_percentages,
)
from sr_pipeline.language.wording import long_date, millions
from sr_pipeline.model import FUNDS
from sr_pipeline.reference import load_reference

DPI = 100
# Colour-blind-safe palette (Okabe-Ito, then Tableau's muted tones for the long QIP list).
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#999999", "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#76B7B2",
    "#EDC948", "#FF9DA7",
)  # fmt: skip
FUND_COLOURS = {"QIP": "#0072B2", "TF": "#E69F00", "PBF": "#009E73"}
# The bulletin's reporting groups, in the gazetteer's order (reference regions.csv).
REGION_GROUPS = tuple(dict.fromkeys(load_reference().region_groups.values()))
# A slice narrower than this carries no label on the ring (the legend has them all).
LABEL_ON_RING_MIN_PCT = 5


@dataclass(frozen=True)
class Slice:
    category: str
    label: str
    budget_usd: float
    percent: int  # whole percentage for display; the slices of a chart sum to 100


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. qip_region_group
    title: str
    subtitle: str
    png: bytes
    slices: tuple[Slice, ...] = ()


def _label(fund: str, dimension: str, category: str) -> str:
    return f"Objective {category}" if dimension == "objective" else category


def pie_slices(month: Month, fund: str, dimension: str) -> list[Slice]:
    """The non-empty slices of a breakdown, largest first, with display percentages."""
    rows = month.slices(fund, dimension)
    rows = rows[rows["budget_usd"] > 0]
    percents = whole_percentages(rows["share_pct"].fillna(0).tolist())
    return [
        Slice(row.category, _label(fund, dimension, row.category), row.budget_usd, pct)
        for row, pct in zip(rows.itertuples(), percents, strict=True)
    ]


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.patch.set_facecolor("white")
    return fig


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def donut(month: Month, fund: str, dimension: str, draw: bool = True) -> Chart:
    """One breakdown as a donut: title with the total, legend with every slice's share
    (``draw=False``: the chart's name, titles and slices, without its picture)."""
    slices = pie_slices(month, fund, dimension)
    total = chart_total(month, fund)
    as_of = month.funds[fund].data_as_of
    title = DIMENSION_TITLES[(fund, dimension)]
    subtitle = f"Total: {millions(total)}M USD"
    if fund == "TF":  # shares of the approved projects' cost, not of the contributions
        budget = month.funds[fund].values.get("budget_usd", 0.0)
        subtitle += f" approved (budget {millions(budget)}M USD)"
    subtitle += f" · as of {long_date(as_of)}"
    png = _donut_png(title, subtitle, tuple(slices), total) if draw else b""
    return Chart(f"{fund.lower()}_{dimension}", title, subtitle, png, tuple(slices))


# A month whose inputs did not change since another month of the same run (the PBF tracker
# changes a few times a year) gets the same picture: drawing is the costly part of a backfill.
@lru_cache(maxsize=64)
def _donut_png(title: str, subtitle: str, slices: tuple[Slice, ...], total: float) -> bytes:
    rows = max(len(slices), 5)
    fig = _figure(8.0, max(4.2, 1.4 + 0.26 * rows))
    fig.text(0.02, 0.965, title, fontsize=14, fontweight="bold", va="top")
    fig.text(0.02, 0.90, subtitle, fontsize=10.5, color="#333333", va="top")
    ax = fig.add_axes((0.01, 0.02, 0.46, 0.80))
    ax.set_aspect("equal")
    ax.axis("off")
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(slices))]
    if slices:
        wedges, _ = ax.pie(
            [s.budget_usd for s in slices],
            colors=colours,
            startangle=90,
            counterclock=False,
            wedgeprops={"width": 0.42, "edgecolor": "white", "linewidth": 1.5},
        )
        for wedge, s in zip(wedges, slices, strict=True):
            if s.percent < LABEL_ON_RING_MIN_PCT:
                continue
            angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
            x, y = 0.79 * math.cos(angle), 0.79 * math.sin(angle)
            ax.text(x, y, f"{s.percent}%", ha="center", va="center", fontsize=10,
                    color="white", fontweight="bold")  # fmt: skip
        ax.legend(
            wedges,
            [f"{s.label} — {s.percent}% ({millions(s.budget_usd)}M)" for s in slices],
            loc="center left",
            bbox_to_anchor=(1.02, 0.5),
            frameon=False,
            fontsize=10,
            handlelength=1.2,
        )
    ax.text(0, 0.08, f"{millions(total)}M", ha="center", va="center", fontsize=15,
            fontweight="bold")  # fmt: skip
    ax.text(0, -0.16, "USD", ha="center", va="center", fontsize=10, color="#333333")
    return _png(fig)


def projects_by_region(month: Month, draw: bool = True) -> Chart:
    """Number of projects by region group, one bar per fund (each with its own date)."""
    funds = [f for f in FUNDS if f in month.funds]
    counts = {
        fund: {
            row.category: int(row.projects)
            for row in month.slices(fund, "region_group").itertuples()
        }
        for fund in funds
    }
    title = "Number of projects by region"
    subtitle = "; ".join(f"{f} as of {long_date(month.funds[f].data_as_of)}" for f in funds)
    frozen = tuple((fund, tuple(sorted(counts[fund].items()))) for fund in funds)
    png = _bars_png(title, subtitle, frozen) if draw else b""
    return Chart("projects_by_region", title, subtitle, png)


@lru_cache(maxsize=64)
def _bars_png(
    title: str, subtitle: str, frozen: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
) -> bytes:
    funds = [fund for fund, _ in frozen]
    counts = {fund: dict(items) for fund, items in frozen}
    fig = _figure(8.0, 4.6)
    fig.text(0.02, 0.965, title, fontsize=14, fontweight="bold", va="top")
    fig.text(0.02, 0.90, subtitle, fontsize=10, color="#333333", va="top")
    ax = fig.add_axes((0.25, 0.10, 0.72, 0.72))
    groups = list(REGION_GROUPS)
    height = 0.8 / max(len(funds), 1)
    top = 0
    for i, fund in enumerate(funds):
        values = [counts[fund].get(group, 0) for group in groups]
        positions = [g + (i - (len(funds) - 1) / 2) * height for g in range(len(groups))]
        bars = ax.barh(positions, values, height=height * 0.92, color=FUND_COLOURS[fund],
                       label=fund)  # fmt: skip
        ax.bar_label(bars, padding=3, fontsize=9)
        top = max(top, *values)
    ax.set_yticks(range(len(groups)), groups, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15 + 1)
    ax.set_xlabel("projects (a multi-region project counts in each group it touches)",
                  fontsize=9)  # fmt: skip
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", frameon=False, fontsize=10)
    return _png(fig)


def render_charts(month: Month, draw: bool = True) -> list[Chart]:
    """Every chart of the month, in the page's order (funds without figures are skipped);
    ``draw=False``: without their pictures (``png`` empty), for a month kept as rendered."""
    charts = [
        donut(month, fund, dimension, draw)
        for fund, dimension in DIMENSION_TITLES
        if fund in month.funds and not month.slices(fund, dimension).empty
    ]
    if month.funds:
        charts.append(projects_by_region(month, draw))
    return charts
