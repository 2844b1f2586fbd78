"""The trackers-folder sensor: a new, revised, completed or removed tracker version rebuilds
the months it affects.

The cursor is keyed on content: for each sha256 in the folder, the versions (fund, report
date, revision, file name) that carry it. Moving a file to another folder changes nothing; a
file still being copied and then complete is two contents, so the months it feeds are
requested again when it changes and its earlier refusal goes away. A month is affected when
the version that feeds it (``discovery.feeding_version``, the rule the raw step follows too)
is not the same content before and after; refusals already known to the warehouse count, so
an older version whose newer one is refused is seen to feed the later months. One run is
requested per contiguous range of affected months (a single-run backfill, like the UI's).
The first evaluation only takes stock (building history is the backfill's job).
"""

import hashlib
import json
from datetime import date
from pathlib import Path

import dagster as dg

from sr_pipeline.defs.jobs import build_months
from sr_pipeline.defs.partitions import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    as_of,
    monthly_partitions,
    partition_key,
)
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.discovery import discover, feeding_version
from sr_pipeline.model import FUNDS, TrackerFile
from sr_pipeline.safety import sha256_of

# sha256 -> [[fund, report_date, revision, file name], ...]
FolderState = dict[str, list[list]]


def folder_state(folder: Path) -> FolderState:
    """Every tracker version in the folder, keyed by its content."""
    if not folder.is_dir():
        return {}
    versions, _ = discover(folder)
    state: FolderState = {}
    for t in versions:
        entry = [t.fund, t.report_date.isoformat(), t.revision, t.name]
        state.setdefault(sha256_of(t.path), []).append(entry)
    return {sha: sorted(entries) for sha, entries in sorted(state.items())}


def _versions(state: FolderState) -> dict[TrackerFile, str]:
    return {
        TrackerFile(Path(name), fund, date.fromisoformat(day), revision): sha
        for sha, entries in state.items()
        for fund, day, revision, name in entries
    }


def affected_partitions(
    previous: FolderState, current: FolderState, last_key: str, refused: frozenset[str]
) -> list[str]:
    """Partition keys whose snapshot may change between two folder states: those whose feeding
    version (FIGURES.md's rule) is not the same content before and after. ``refused``: sha256
    of versions the warehouse knows are refused."""
    before, after = _versions(previous), _versions(current)
    changed = set(before.items()) ^ set(after.items())
    if not changed:
        return []
    first = partition_key(min(t.report_date for t, _ in changed))
    keys = [k for k in monthly_partitions.get_partition_keys() if first <= k <= last_key]

    def feeding(versions: dict[TrackerFile, str], fund: str, key: str) -> str | None:
        chosen = feeding_version(versions, fund, as_of(key), lambda t: versions[t] not in refused)
        return versions[chosen] if chosen else None

    return [
        key
        for key in keys
        if any(feeding(before, fund, key) != feeding(after, fund, key) for fund in FUNDS)
    ]


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


def _previous_state(cursor: str | None) -> FolderState | None:
    """The state in the cursor; None on the first evaluation (or a cursor of another shape,
    written by an earlier version of this sensor: take stock again)."""
    try:
        state = json.loads(cursor) if cursor else None
        if state is not None:
            _versions(state)
        return state
    except (TypeError, ValueError):
        return None


@dg.sensor(
    job=build_months,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def tracker_folder_sensor(
    context: dg.SensorEvaluationContext, trackers: TrackersFolder, warehouse: WarehouseResource
):
    """Rebuild the months a new, revised or removed tracker version affects."""
    current = folder_state(trackers.folder())
    state = json.dumps(current, sort_keys=True)
    previous = _previous_state(context.cursor)
    if previous is None:
        context.update_cursor(state)
        return dg.SkipReason(f"took stock of {len(current)} tracker contents")
    last_key = monthly_partitions.get_last_partition_key()
    refused = warehouse.warehouse().known_refusals()
    keys = affected_partitions(previous, current, last_key, refused) if last_key else []
    context.update_cursor(state)
    if not keys:
        return dg.SkipReason("no month fed by a different tracker version")
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
