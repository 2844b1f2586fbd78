"""The code location: every Dagster object of the project, assembled.

Runs execute in process: each step of the default multiprocess executor would start its own
Python (~2 s here, STACK-NOTES.md), more than a month's whole build.
"""

from __future__ import annotations

import dagster as dg

from sr_pipeline.defs.alerts import AlertMail, run_failure_alert
from sr_pipeline.defs.assets_bulletin import bulletin_sent, monthly_bulletin
from sr_pipeline.defs.assets_core import core_reference_data
from sr_pipeline.defs.assets_dq import data_quality
from sr_pipeline.defs.assets_feedback import feedback_workbooks
from sr_pipeline.defs.assets_marts import marts
from sr_pipeline.defs.assets_publish import published_warehouse
from sr_pipeline.defs.assets_raw import raw_trackers
from sr_pipeline.defs.assets_snapshots import snapshot_projects
from sr_pipeline.defs.assets_sources import (
    editorial_highlights,
    published_bulletins,
    reference_files,
    tracker_files,
)
from sr_pipeline.defs.assets_templates import tracker_templates
from sr_pipeline.defs.jobs import build_months
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.defs.schedules import monthly_snapshot
from sr_pipeline.defs.sensors import tracker_folder_sensor

ASSETS = [
    *tracker_files,
    reference_files,
    published_bulletins,
    editorial_highlights,
    raw_trackers,
    core_reference_data,
    snapshot_projects,
    marts,
    data_quality,
    feedback_workbooks,
    published_warehouse,
    monthly_bulletin,
    bulletin_sent,
    tracker_templates,
]

defs = dg.Definitions(
    assets=ASSETS,
    jobs=[build_months],
    schedules=[monthly_snapshot],
    sensors=[tracker_folder_sensor, run_failure_alert],
    resources={
        "trackers": TrackersFolder(),
        "warehouse": WarehouseResource(),
        "alert_mail": AlertMail(),
    },
    executor=dg.in_process_executor,
)
