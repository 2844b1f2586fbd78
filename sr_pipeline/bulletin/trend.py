"""The trend since the mission's start: completed and ongoing projects per fund for every
month built up to the bulletin's month (``marts.bulletin_figures``, one row per month built).

Months never built stay blank in the chart (the line breaks there) and the bulletin says how
many of the months since July 2013 are built, so a gap is never read as a drop to zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import duckdb
import pandas as pd

from sr_pipeline.bulletin.print_charts import svg_bytes
from sr_pipeline.bulletin.words import text
from sr_pipeline.language.wording import MONTH_NAMES
from sr_pipeline.model import FUNDS, MISSION_START
from sr_pipeline.warehouse.sql import frame

FUND_COLOURS = {"QIP": "#0072B2", "TF": "#B36B00", "PBF": "#007A5A"}


@dataclass(frozen=True)
class Trend:
    as_of: date
    months: tuple[date, ...]  # every month end from the mission's start to as_of
    built: tuple[date, ...]  # the months with figures
    series: tuple[tuple[str, str, tuple[float | None, ...]], ...]  # fund, figure, per month

    @property
    def complete(self) -> bool:
        return len(self.built) == len(self.months)


def month_ends(as_of: date) -> list[date]:
    """30 July 2013 … as_of, one per month (last days)."""
    ends = pd.date_range(MISSION_START, as_of, freq="ME")
    return [day.date() for day in ends]


def load_trend(con: duckdb.DuckDBPyConnection, as_of: date) -> Trend:
    rows = frame(con, "reads/bulletin_trend", {"as_of": as_of})
    months = month_ends(as_of)
    rows["as_of"] = [pd.Timestamp(v).date() for v in rows["as_of"]]
    built = tuple(sorted(set(rows["as_of"])))
    values = {(r.as_of, r.fund, r.figure): float(r.value) for r in rows.itertuples()}
    series = tuple(
        (fund, figure, tuple(values.get((month, fund, figure)) for month in months))
        for fund in FUNDS
        if fund in set(rows["fund"])
        for figure in ("projects_completed", "projects_ongoing")
    )
    return Trend(as_of, tuple(months), built, series)


def gap_sentence(trend: Trend, language: str) -> str:
    """Every month since July 2013 is built (60 months) / 12 of the 60 months … are built."""
    start = f"{MONTH_NAMES[language][MISSION_START.month - 1]} {MISSION_START.year}"
    if trend.complete:
        return text("all_months_built", language, start=start, built=len(trend.built))
    return text(
        "months_built", language, built=len(trend.built), expected=len(trend.months), start=start
    )


def trend_svg(trend: Trend, language: str) -> bytes:
    return _trend_svg(trend, language)


@lru_cache(maxsize=8)
def _trend_svg(trend: Trend, language: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(7.4, 2.1))
    ax = fig.add_axes((0.07, 0.14, 0.70, 0.80))
    x = list(range(len(trend.months)))
    for fund, figure, values in trend.series:
        y = [float("nan") if v is None else v for v in values]
        dashed = figure == "projects_ongoing"
        word = text("completed" if not dashed else "ongoing", language)
        ax.plot(x, y, color=FUND_COLOURS[fund], linestyle="--" if dashed else "-",
                linewidth=1.6, marker="o" if len(trend.built) < 3 else None, markersize=4,
                label=f"{fund} {word}")  # fmt: skip
    years = [i for i, month in enumerate(trend.months) if month.month == 1]
    ax.set_xticks(years, [str(trend.months[i].year) for i in years], fontsize=8)
    ax.set_xlim(-0.5, max(len(x) - 0.5, 0.5))
    ax.tick_params(axis="y", labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    return svg_bytes(fig)
