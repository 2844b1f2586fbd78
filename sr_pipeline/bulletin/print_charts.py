"""The printed bulletin's budget donuts, as SVG in either language: the same slices and whole
percentages as the web page's charts (``charts.pie_slices``), labelled with the edition's
names and number format. Text stays text in the SVG, so the PDF can be searched and read
back."""

from __future__ import annotations

import io
from functools import lru_cache

from sr_pipeline.bulletin.charts import PALETTE, pie_slices
from sr_pipeline.bulletin.content import Month, chart_total
from sr_pipeline.bulletin.words import name, short_millions, text

SVG_STYLE = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "sr-pipeline"}


def svg_bytes(fig) -> bytes:
    """A figure as SVG with its text as text and no date (the same input, the same bytes)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(SVG_STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def donut_svg(month: Month, fund: str, dimension: str, language: str) -> bytes:
    slices = tuple(
        (name(dimension, s.category, language), s.budget_usd, s.percent)
        for s in pie_slices(month, fund, dimension)
    )
    title = name("dimension", f"{fund}:{dimension}", language)
    total = text("total", language, amount=short_millions(chart_total(month, fund), language))
    return _donut_svg(title, total, slices, language)


@lru_cache(maxsize=64)
def _donut_svg(title: str, total: str, slices: tuple, language: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with matplotlib.rc_context(SVG_STYLE):
        fig = Figure(figsize=(4.6, 3.3))
        fig.text(0.01, 0.98, title, fontsize=11, fontweight="bold", va="top")
        fig.text(0.01, 0.905, total, fontsize=9.5, color="#333333", va="top")
        ax = fig.add_axes((0.0, 0.02, 0.33, 0.80))
        ax.set_aspect("equal")
        ax.axis("off")
        if slices:
            colours = [PALETTE[i % len(PALETTE)] for i in range(len(slices))]
            wedges, _ = ax.pie(
                [budget for _, budget, _ in slices], colors=colours, startangle=90,
                counterclock=False,
                wedgeprops={"width": 0.42, "edgecolor": "white", "linewidth": 1},
            )  # fmt: skip
            longest = max(len(label) for label, _, _ in slices)
            size = 7.6 if len(slices) > 8 or longest > 36 else 9
            ax.legend(
                wedges, [f"{label} — {percent}\u00a0%" if language == "fr"
                         else f"{label} — {percent}%" for label, _, percent in slices],
                loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
                fontsize=size, handlelength=1.0, labelspacing=0.3,
            )  # fmt: skip
        return svg_bytes(fig)
