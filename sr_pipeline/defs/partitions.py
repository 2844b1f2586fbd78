"""The monthly partition: a month is keyed by its first day; its snapshot is ``as_of`` its last.

Defined once here and imported everywhere; the first month is the mission's start. The
snapshot date of a key (``as_of``) is plain date arithmetic, in ``sr_pipeline.model``.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from sr_pipeline.model import MISSION_START, as_of

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=MISSION_START.isoformat())

# Tags Dagster puts on a run: one partition, or a range run (BackfillPolicy.single_run()).
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def partition_key(day: date) -> str:
    """The partition whose month contains ``day``."""
    return day.replace(day=1).isoformat()


def months_in_range(start_key: str, end_key: str) -> list[date]:
    """The ``as_of`` dates of every month from one partition key to another, inclusive."""
    keys = monthly_partitions.get_partition_keys_in_range(dg.PartitionKeyRange(start_key, end_key))
    return [as_of(key) for key in keys]


def run_months(context: dg.AssetExecutionContext) -> list[date] | None:
    """The months a run builds, for partitioned and unpartitioned assets alike.

    Unpartitioned assets (the raw layer, the published file) run inside partitioned runs and
    read the months from the run's tags; ``None`` when the run has no months (an
    unpartitioned asset materialized on its own).
    """
    if context.has_partition_key_range:
        key_range = context.partition_key_range
        return months_in_range(key_range.start, key_range.end)
    tags = context.run.tags
    if RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        return months_in_range(tags[RANGE_START_TAG], tags[RANGE_END_TAG])
    if PARTITION_TAG in tags:
        return [as_of(tags[PARTITION_TAG])]
    return None


def months_label(months: list[date] | None) -> str:
    if not months:
        return "all versions in the folder"
    if len(months) == 1:
        return months[0].isoformat()
    return f"{months[0].isoformat()} … {months[-1].isoformat()} ({len(months)} months)"
