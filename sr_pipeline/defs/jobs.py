"""The job the schedule and the sensor launch: every buildable asset, for the months asked
(monthly-partitioned, inferred from the assets)."""

from __future__ import annotations

import dagster as dg

build_months = dg.define_asset_job(
    "build_months",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("sources"),
    description="Read the trackers the months need, rebuild those months in every layer, and "
    "publish the warehouse.",
)
