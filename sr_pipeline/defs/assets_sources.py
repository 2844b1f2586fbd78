"""What arrives, as external assets: the fund units' tracker folders and the project's own
reference data and published bulletins. Dagster does not build them; they start the graph."""

from __future__ import annotations

import dagster as dg

from sr_pipeline.model import FUNDS
from sr_pipeline.reference import fund_facts

tracker_files = [
    dg.AssetSpec(
        ["trackers", fund.lower()],
        description=f"{fund_facts()[fund].name} tracker workbooks (.xlsx) found anywhere under "
        "SR_TRACKERS_DIR (default sources/trackers/), every version side by side.",
        group_name="sources",
        kinds={"excel"},
    )
    for fund in FUNDS
]

reference_files = dg.AssetSpec(
    ["sources", "reference"],
    description="Funds, gazetteer, vocabularies, budget lines and exchange rates "
    "(sr_pipeline/reference/*.csv).",
    group_name="sources",
    kinds={"csv"},
)

published_bulletins = dg.AssetSpec(
    ["sources", "published_bulletins"],
    description="Figures printed in the bulletins, as data "
    "(sr_pipeline/reference/published/bulletin-<n>-<YYYY-MM>.csv).",
    group_name="sources",
    kinds={"csv"},
)

editorial_highlights = dg.AssetSpec(
    ["sources", "editorial"],
    description="The month's highlights, written by a person: one Markdown file per month and "
    "language (YYYY-MM-en.md, YYYY-MM-fr.md) under SR_EDITORIAL_DIR (default sources/editorial/).",
    group_name="sources",
    kinds={"markdown"},
)
