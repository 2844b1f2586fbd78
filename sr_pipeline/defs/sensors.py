"""The trackers-folder sensor: a new, revised or removed tracker version rebuilds the months
it affects.

A version feeds every month from its report date until the next newer version of its fund
(FIGURES.md), so that is what a change requests: one run per contiguous range of months
(a single-run backfill, like the UI's). The cursor remembers each tracker's sha256; the
first evaluation only takes stock (building history is the backfill's job).
"""

import hashlib
import json
from datetime import date

import dagster as dg

from sr_pipeline.defs.jobs import build_months
from sr_pipeline.defs.partitions import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    as_of,
    monthly_partitions,
    partition_key,
)
from sr_pipeline.defs.resources import TrackersFolder
from sr_pipeline.discovery import discover
from sr_pipeline.safety import sha256_of


def folder_state(trackers: TrackersFolder) -> dict[str, list]:
    """path -> [sha256, fund, report_date, revision] for every tracker version found."""
    folder = trackers.folder()
    if not folder.is_dir():
        return {}
    versions, _ = discover(folder)
    return {
        str(t.path.relative_to(folder)): [
            sha256_of(t.path),
            t.fund,
            t.report_date.isoformat(),
            t.revision,
        ]
        for t in versions
    }


def affected_partitions(
    previous: dict[str, list], current: dict[str, list], last_key: str
) -> list[str]:
    """Partition keys whose snapshot may change between two folder states."""
    changed = [
        (entry[1], date.fromisoformat(entry[2]))
        for path in set(previous) | set(current)
        if previous.get(path) != current.get(path)
        for entry in (previous.get(path), current.get(path))
        if entry
    ]
    report_dates: dict[str, set[date]] = {}
    for entry in [*previous.values(), *current.values()]:
        report_dates.setdefault(entry[1], set()).add(date.fromisoformat(entry[2]))
    keys = monthly_partitions.get_partition_keys()
    keys = [k for k in keys if k <= last_key]
    affected: set[str] = set()
    for fund, report_date in changed:
        newer = [d for d in report_dates[fund] if d > report_date]
        until = min(newer) if newer else None
        first = partition_key(report_date)
        affected.update(
            key for key in keys if key >= first and (until is None or as_of(key) < until)
        )
    return sorted(affected)


def contiguous_ranges(keys: list[str]) -> list[tuple[str, str]]:
    all_keys = monthly_partitions.get_partition_keys()
    position = {key: i for i, key in enumerate(all_keys)}
    ranges: list[tuple[str, str]] = []
    for key in keys:
        if ranges and position[key] == position[ranges[-1][1]] + 1:
            ranges[-1] = (ranges[-1][0], key)
        else:
            ranges.append((key, key))
    return ranges


@dg.sensor(
    job=build_months,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def tracker_folder_sensor(context: dg.SensorEvaluationContext, trackers: TrackersFolder):
    """Rebuild the months a new, revised or removed tracker version affects."""
    current = folder_state(trackers)
    if context.cursor is None:
        context.update_cursor(json.dumps(current, sort_keys=True))
        return dg.SkipReason(f"took stock of {len(current)} tracker versions")
    previous = json.loads(context.cursor)
    last_key = monthly_partitions.get_last_partition_key()
    keys = affected_partitions(previous, current, last_key) if last_key else []
    state = json.dumps(current, sort_keys=True)
    context.update_cursor(state)
    if not keys:
        return dg.SkipReason("no tracker version added, revised or removed")
    digest = hashlib.sha256(state.encode()).hexdigest()[:16]
    requests = []
    for start, end in contiguous_ranges(keys):
        if start == end:
            requests.append(dg.RunRequest(run_key=f"{digest}-{start}", partition_key=start))
        else:
            requests.append(
                dg.RunRequest(
                    run_key=f"{digest}-{start}-{end}",
                    tags={RANGE_START_TAG: start, RANGE_END_TAG: end},
                )
            )
    return requests
