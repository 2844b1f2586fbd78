"""The bulletin's map of Mali: the five region groups shaded, each labelled with its number of
projects per fund, read from ``marts.budget_breakdown`` (dimension ``region_group``).

The shapes are the nine pre-2016 admin-1 regions kept in ``map_data/`` (see its SOURCE.md);
a shape joins a group through the gazetteer (``reference/region_spellings.csv`` and
``regions.csv``: Timbuktu is Tombouctou, whose group is Timbuktu / Taoudénit); the southern
regions the gazetteer does not list (Kayes, Koulikoro, Sikasso) are drawn with Bamako /
Countrywide. Shapes are keyed on their name: the source repeats Koulikoro's id for Bamako.
Drawn as SVG with matplotlib (text kept as text, so the PDF's numbers can be read back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sr_pipeline.bulletin.content import Month
from sr_pipeline.bulletin.print_charts import svg_bytes
from sr_pipeline.bulletin.words import name, number
from sr_pipeline.model import FUNDS
from sr_pipeline.reference import load_reference

SHAPES = Path(__file__).with_name("map_data") / "mali-admin1.geojson"
SOUTH_GROUP = "Bamako / Countrywide"
GROUP_COLOURS = {
    "Timbuktu / Taoudénit": "#d9e8f5",
    "Gao / Ménaka": "#f6e3c6",
    "Kidal": "#dcefe3",
    "Mopti": "#f1dcea",
    "Bamako / Countrywide": "#e6e6e6",
}


@dataclass(frozen=True)
class Shape:
    name: str
    group: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class GroupLabel:
    group: str
    counts: tuple[tuple[str, int], ...]  # (fund, projects) in the funds' order


def _group_of(shape_name: str) -> str:
    reference = load_reference()
    region = reference.regions.get(shape_name)
    return reference.region_groups.get(region, SOUTH_GROUP) if region else SOUTH_GROUP


@lru_cache(maxsize=1)
def shapes() -> tuple[Shape, ...]:
    """The nine regions, each with the bulletin group it is drawn in."""
    collection = json.loads(SHAPES.read_text(encoding="utf-8"))
    return tuple(
        Shape(
            feature["properties"]["name"],
            _group_of(feature["properties"]["name"]),
            tuple(tuple((x, y) for x, y in ring) for ring in feature["geometry"]["coordinates"]),
        )
        for feature in collection["features"]
    )


def _area_centroid(ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    return abs(area), cx / (6 * area), cy / (6 * area)


def group_centres() -> dict[str, tuple[float, float]]:
    """Where each group's label goes: the area-weighted centre of its shapes."""
    sums: dict[str, list[float]] = {}
    for shape in shapes():
        area, x, y = _area_centroid(list(shape.rings[0]))
        total = sums.setdefault(shape.group, [0.0, 0.0, 0.0])
        total[0] += area
        total[1] += area * x
        total[2] += area * y
    return {group: (sx / a, sy / a) for group, (a, sx, sy) in sums.items()}


def labels(month: Month) -> list[GroupLabel]:
    """Each group's projects per fund, as the marts count them (0 where a fund has none)."""
    result = []
    for group in GROUP_COLOURS:
        counts = []
        for fund in FUNDS:
            if fund not in month.funds:
                continue
            rows = month.slices(fund, "region_group")
            found = rows.loc[rows["category"] == group, "projects"]
            counts.append((fund, int(found.iloc[0]) if len(found) else 0))
        result.append(GroupLabel(group, tuple(counts)))
    return result


def map_svg(month: Month, language: str) -> bytes:
    """The map as SVG bytes."""
    return _map_svg(tuple(labels(month)), language)


# Label offsets (degrees) where the centre would put a label over a neighbour's border.
NUDGE = {"Bamako / Countrywide": (0.6, -0.2), "Mopti": (0.2, -0.4)}


@lru_cache(maxsize=32)
def _map_svg(group_labels: tuple[GroupLabel, ...], language: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon

    fig = Figure(figsize=(6.3, 5.7))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_aspect("equal")
    ax.axis("off")
    for shape in shapes():
        for ring in shape.rings:
            ax.add_patch(Polygon(ring, closed=True, facecolor=GROUP_COLOURS[shape.group],
                                 edgecolor="#8a97a3", linewidth=0.5))  # fmt: skip
    ax.set_xlim(-12.4, 4.4)
    ax.set_ylim(10.0, 25.2)
    centres = group_centres()
    for label in group_labels:
        x, y = centres[label.group]
        dx, dy = NUDGE.get(label.group, (0, 0))
        lines = "\n".join(f"{fund} {number(count, language)}" for fund, count in label.counts)
        ax.text(
            x + dx, y + dy + 0.55, name("region_group", label.group, language),
            ha="center", va="bottom", fontsize=10, fontweight="bold", color="#1b1b1b",
        )  # fmt: skip
        box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#9aa8b5"}
        ax.text(
            x + dx, y + dy + 0.45, lines, ha="center", va="top", fontsize=9.5,
            linespacing=1.25, color="#1b1b1b", bbox=box,
        )  # fmt: skip
    return svg_bytes(fig)
