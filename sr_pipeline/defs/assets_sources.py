"""What arrives, as external assets: the fund units' tracker folders and the project's own
reference data and published bulletins. Dagster does not build them; they start the graph."""

from __future__ import annotations

import dagster as dg

from sr_pipeline.model import FUNDS

FUND_NAMES = {"QIP": "Quick Impact Projects", "TF": "Trust Fund", "PBF": "Peacebuilding Fund"}

tracker_files = [
    dg.AssetSpec(
        ["trackers", fund.lower()],
        description=f"{FUND_NAMES[fund]} tracker workbooks (.xlsx) found anywhere under "
        "SR_TRACKERS_DIR (default sources/trackers/), every version side by side.",
        group_name="tracker_files",
        kinds={"excel"},
    )
    for fund in FUNDS
]

reference_data = dg.AssetSpec(
    ["sources", "reference"],
    description="Gazetteer, vocabularies and exchange rates (sources/reference/*.csv).",
    group_name="tracker_files",
    kinds={"csv"},
)

published_bulletins = dg.AssetSpec(
    ["sources", "published_bulletins"],
    description="Figures printed in the bulletins, as data "
    "(sources/published/bulletin-<n>-<YYYY-MM>.csv).",
    group_name="tracker_files",
    kinds={"csv"},
)
