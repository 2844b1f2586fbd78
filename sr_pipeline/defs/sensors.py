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

A folder that is missing, unreadable or holds no tracker (a shared drive that failed to mount)
is never read as "every tracker removed": the tick is skipped with the reason logged, and the
cursor kept. Run keys carry a sequence number kept in the cursor, so a state that recurs (a
file removed and put back) requests its runs again: Dagster skips a run key used before. When
the reading digest changes (``sr_pipeline.trackers.reading``: a spelling added, a rate corrected, a
reader fix), every month a version in the folder feeds is requested: their readings are
made again.
"""

import hashlib
import json
from dataclasses import dataclass
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
from sr_pipeline.model import FUNDS, TrackerFile
from sr_pipeline.trackers.discovery import MissingInput, feeding_version, scan
from sr_pipeline.trackers.reading import reading_digest
from sr_pipeline.trackers.safety import sha256_of

# sha256 -> [[fund, report_date, revision, file name], ...]
FolderState = dict[str, list[list]]


def folder_state(folder: Path) -> FolderState:
    """Every tracker version in the folder, keyed by its content (:class:`MissingInput` when
    the folder is missing, unreadable or holds no tracker)."""
    versions, _ = scan(folder)
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
    version (docs/figures.md's rule) is not the same content before and after. ``refused``: sha256
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


@dataclass(frozen=True)
class Cursor:
    """What the sensor remembers: the folder's state, the reading digest it was taken with,
    and how many times it requested runs (a run key is never used twice, however often one
    folder state recurs: a file removed and put back is built again each time)."""

    state: FolderState
    reading: str = ""
    sequence: int = 0

    def dumps(self) -> str:
        value = {"state": self.state, "reading": self.reading, "sequence": self.sequence}
        return json.dumps(value, sort_keys=True)

    @classmethod
    def loads(cls, text: str | None) -> "Cursor | None":
        """None on the first evaluation, or a cursor of a shape this sensor cannot read
        (take stock again). An earlier cursor that held the state alone is still read."""
        try:
            value = json.loads(text) if text else None
            if value is None:
                return None
            if "state" not in value or "sequence" not in value:
                value = {"state": value}
            cursor = cls(value["state"], value.get("reading", ""), int(value.get("sequence", 0)))
            _versions(cursor.state)
            return cursor
        except (TypeError, ValueError, AttributeError):
            return None


def _requests(keys: list[str], run_key: str) -> list[dg.RunRequest]:
    requests = []
    for start, end in contiguous_ranges(keys):
        if start == end:
            requests.append(dg.RunRequest(run_key=f"{run_key}-{start}", partition_key=start))
        else:
            tags = {RANGE_START_TAG: start, RANGE_END_TAG: end}
            requests.append(dg.RunRequest(run_key=f"{run_key}-{start}-{end}", tags=tags))
    return requests


def every_fed_month(state: FolderState, last_key: str) -> list[str]:
    """Every month a version in the folder feeds (its report date's month on)."""
    days = [date.fromisoformat(e[1]) for entries in state.values() for e in entries]
    if not days:
        return []
    first = partition_key(min(days))
    return [k for k in monthly_partitions.get_partition_keys() if first <= k <= last_key]


@dg.sensor(
    job=build_months,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def tracker_folder_sensor(
    context: dg.SensorEvaluationContext, trackers: TrackersFolder, warehouse: WarehouseResource
):
    """Rebuild the months a new, revised or removed tracker version affects, and every month
    after a change of the contract, reference lists or reader. A folder that is missing,
    unreadable or empty is never read as "every tracker removed": the tick is skipped."""
    folder = trackers.folder()
    previous = Cursor.loads(context.cursor)
    try:
        current = folder_state(folder)
    except MissingInput as exc:
        if previous is None and folder.is_dir():
            # A new installation's folder, empty so far: its first tracker is an arrival. (A
            # folder that held trackers never becomes "empty" here: its cursor is kept.)
            context.update_cursor(Cursor({}, reading_digest()).dumps())
            return dg.SkipReason(f"took stock of an empty trackers folder: {exc}")
        context.log.warning(str(exc))
        return dg.SkipReason(f"{exc} The tick is skipped; no month is requested.")
    reading = reading_digest()
    if previous is None:
        context.update_cursor(Cursor(current, reading).dumps())
        return dg.SkipReason(f"took stock of {len(current)} tracker contents")
    last_key = monthly_partitions.get_last_partition_key()
    refused = warehouse.warehouse().known_refusals()
    if not last_key:
        keys = []
    elif previous.reading != reading:  # every stored reading is read again
        keys = every_fed_month(current, last_key)
    else:
        keys = affected_partitions(previous.state, current, last_key, refused)
    sequence = previous.sequence + (1 if keys else 0)
    context.update_cursor(Cursor(current, reading, sequence).dumps())
    if not keys:
        return dg.SkipReason("no month fed by a different tracker version")
    state = json.dumps(current, sort_keys=True)
    digest = hashlib.sha256(state.encode()).hexdigest()[:16]
    return _requests(keys, f"{sequence}-{digest}")
