"""raw: each tracker version the run needs, read once, validated and kept by sha256.

The raw layer is not monthly: it holds tracker *versions*, keyed by the sha256 of the file, so these
assets are unpartitioned. Inside a monthly run they read only the versions those months need
(``discovery.feeding_version``: per fund and month, the newest version on or before the month's end
that is accepted, and on the way any newer ones that are refused); a version already in ``raw`` is
not read again (unless its reading was made with other reference lists or reader code,
``sr_pipeline.trackers.reading``, or under a name stating another fund or date), so a backfill of
every month parses each file once. Materialized on their own they load every version in the folder.

Before anything is written the step refuses, with a sentence, what would publish less in
silence (``sr_pipeline.warehouse.acceptance``): a trackers folder missing, unreadable or empty; a
published month whose version left the folder; a month whose own trackers were all refused.
Months the current publication holds and the work database lacks are read too, so that
publishing can rebuild them (``Warehouse.publish``). Everything later steps
need about a version (accepted rows, each rejection and flag with its message code,
parameters, column letter and header, the refusal, the counts) is recorded here, so nothing
downstream parses a tracker again.
"""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_sources import tracker_files
from sr_pipeline.defs.partitions import months_label, run_months
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.model import FUNDS, ReadResult, RefusedFile, TrackerFile
from sr_pipeline.reference import fund_facts
from sr_pipeline.trackers.discovery import MissingInput, feeding_version, recognise, scan
from sr_pipeline.trackers.reading import reading_digest
from sr_pipeline.trackers.safety import sha256_of
from sr_pipeline.warehouse.acceptance import Acceptance, refused_fallbacks, removals
from sr_pipeline.warehouse.raw import (
    distinct_rows,
    insert_version,
    rows_loaded,
    tracker_folder_frame,
)
from sr_pipeline.warehouse.sql import frame, run, run_with, transaction


def read_tracker(tracker: TrackerFile) -> ReadResult:
    """``sr_pipeline.trackers.reader.read_tracker``, imported on the first read: loading the
    definitions (the UI, the sensor, a run's start) does not load the reader."""
    from sr_pipeline.trackers.reader import read_tracker as read

    return read(tracker)


def raw_key(fund: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", fund.lower()])


class VersionReader:
    """Reads a version at most once per run, and not at all when raw already has a reading of
    its content made for the same fund and report date.

    A reading depends on the file's name in one way: the fund and report date the name states
    (the contract chosen, the title date checked against it). The same content under a name
    stating another fund or date is read again for that name: a copy of May's file saved as
    June's is refused for its title date (that name alone: ``name_refusals``), and a file
    refused for the date in its name and then renamed correctly is accepted (the new reading
    replaces the stored one)."""

    def __init__(self, stored: pd.DataFrame) -> None:
        # sha256 -> refusal (None: accepted), and the (fund, report date) it was read for
        self.known: dict[str, str | None] = {}
        self.read_as: dict[str, tuple[str, date]] = {}
        for sha, refused, fund, day in stored.itertuples(index=False, name=None):
            self.known[sha] = refused if isinstance(refused, str) else None
            self.read_as[sha] = (fund, pd.Timestamp(day).date())
        self.hashes: dict[Path, str] = {}
        self.new: dict[str, ReadResult] = {}
        self.name_refusals: dict[Path, str] = {}
        self.renamed: set[Path] = set()

    def sha256(self, tracker: TrackerFile) -> str:
        if tracker.path not in self.hashes:
            self.hashes[tracker.path] = sha256_of(tracker.path)
        return self.hashes[tracker.path]

    def accepted(self, tracker: TrackerFile) -> bool:
        """Read the version if raw does not know it yet (or knows it only under a name of
        another fund or date); True unless it is refused."""
        sha = self.sha256(tracker)
        if sha not in self.known:
            self._keep(self.sha256(tracker), read_tracker(tracker))
        elif self.read_as[sha] != (tracker.fund, tracker.report_date):
            self._read_for_name(tracker, sha)
        return self.known_accepted(tracker)

    def _keep(self, sha: str, result: ReadResult) -> None:
        self.new[sha] = result
        self.known[sha] = result.refused
        self.read_as[sha] = (result.file.fund, result.file.report_date)

    def _read_for_name(self, tracker: TrackerFile, sha: str) -> None:
        if tracker.path in self.renamed:
            return
        self.renamed.add(tracker.path)
        result = read_tracker(tracker)
        if result.refused is None and self.known[sha] is not None:
            self._keep(sha, result)  # refused under its old name, accepted under this one
        elif result.refused is not None:
            self.name_refusals[tracker.path] = result.refused

    def check_names(self, versions: list[TrackerFile]) -> None:
        """Make the name-dependent checks for every name whose content raw read under
        another fund or date (so no month shows such a copy as accepted)."""
        for tracker in versions:
            sha = self.sha256(tracker)
            if sha in self.known and self.read_as[sha] != (tracker.fund, tracker.report_date):
                self._read_for_name(tracker, sha)

    def known_accepted(self, tracker: TrackerFile) -> bool:
        """True when the version is known to be accepted (reads nothing new)."""
        if tracker.path in self.name_refusals:
            return False
        return self.known.get(self.sha256(tracker), "") is None


def load_needed(versions: list[TrackerFile], months: list[date] | None, reader: VersionReader):
    """Read what the months need: per fund and month, the version that feeds it. Each month's
    previous month counts too: marts.monthly_changes compares the two."""
    if months is None:
        for tracker in versions:
            reader.accepted(tracker)
        return
    months = sorted({*months, *(m.replace(day=1) - timedelta(days=1) for m in months)})
    for fund in FUNDS:
        for as_of in months:
            feeding_version(versions, fund, as_of, reader.accepted)


def guard(
    months: list[date] | None,
    versions: list[TrackerFile],
    refused: list[RefusedFile],
    reader: VersionReader,
    published: pd.DataFrame,
    acceptance: Acceptance,
) -> list[str]:
    """What the run would do in silence and may not (sr_pipeline.warehouse.acceptance): a published
    fund-month whose version left the folder, a month whose own trackers were all refused."""
    if not months:
        return []
    feeding = {
        (fund, as_of): feeding_version(versions, fund, as_of, reader.known_accepted)
        for fund in FUNDS
        for as_of in months
    }
    dated_refusals = [recognise(r.path) for r in refused]
    files = [(t, reader.known_accepted(t)) for t in versions]
    files += [(t, False) for t in dated_refusals if isinstance(t, TrackerFile)]
    dated = {
        (fund, as_of): [
            (t.name, ok)
            for t, ok in files
            if t.fund == fund and as_of.replace(day=1) <= t.report_date <= as_of
        ]
        for fund in FUNDS
        for as_of in months
    }
    contents = {reader.sha256(t) for t in versions}
    return removals(published, contents, feeding, acceptance) + refused_fallbacks(
        dated, feeding, acceptance
    )


def folder_rows(
    folder: Path, versions: list[TrackerFile], refused: list[RefusedFile], reader: VersionReader
) -> pd.DataFrame:
    rows = [
        {
            "source_file": t.name,
            "path": str(t.path.relative_to(folder)),
            "fund": t.fund,
            "report_date": t.report_date,
            "revision": t.revision,
            "sha256": reader.sha256(t),
            "problem": reader.name_refusals.get(t.path),
            "copy_of": None,
        }
        for t in versions
    ]
    for t in versions:  # the same content under other names: listed, not versions of their own
        rows += [
            {
                "source_file": copy.name,
                "path": str(copy.relative_to(folder)),
                "fund": t.fund,
                "report_date": t.report_date,
                "revision": t.revision,
                "sha256": reader.sha256(t),
                "problem": None,
                "copy_of": t.name,
            }
            for copy in t.copies
        ]
    for refusal in refused:
        dated = recognise(refusal.path)  # a duplicate version still has a date and revision
        dated = dated if isinstance(dated, TrackerFile) else None
        rows.append(
            {
                "source_file": refusal.path.name,
                "path": str(refusal.path.relative_to(folder)),
                "fund": refusal.fund,
                "report_date": dated.report_date if dated else None,
                "revision": dated.revision if dated else None,
                "sha256": None,
                "problem": refusal.problem,
                "copy_of": None,
            }
        )
    return tracker_folder_frame(rows)


def unaccounted(results: list[ReadResult]) -> pd.DataFrame:
    """Versions whose rows read are not exactly the rows loaded plus the rows rejected: a row
    would be lost without a line in dq (docs/trackers.md: nothing read disappears)."""
    lines = [
        {
            "source_file": r.file.name,
            "sha256": r.sha256,
            "rows_read": r.rows_read,
            "rows_loaded": rows_loaded(r),
            "rows_rejected": distinct_rows(r.rejected_rows),
        }
        for r in results
        if not r.refused
    ]
    columns = ["source_file", "sha256", "rows_read", "rows_loaded", "rows_rejected"]
    df = pd.DataFrame(lines, columns=columns)
    return df[df["rows_read"] != df["rows_loaded"] + df["rows_rejected"]]


@dg.multi_asset(
    name="raw_trackers",
    specs=[
        dg.AssetSpec(
            raw_key(fund),
            deps=[tracker_files[i]],
            description=f"{fund_facts()[fund].name}: every tracker version read, validated and "
            f"split into accepted rows (raw.{fund.lower()}_*), rejected rows and rule flags, "
            "by sha256.",
            group_name="raw",
            kinds={"python", "pandas", "duckdb"},
        )
        for i, fund in enumerate(FUNDS)
    ],
    check_specs=[
        checks.blocking_spec(
            checks.ROWS_ACCOUNTED_FOR,
            raw_key(fund),
            "Every data row of each newly read version is either loaded or rejected with a "
            "reason (rows read = loaded + rejected).",
        )
        for fund in FUNDS
    ],
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def raw_trackers(
    context: dg.AssetExecutionContext, trackers: TrackersFolder, warehouse: WarehouseResource
):
    """Read the tracker versions the run's months need, once each, into raw."""
    folder = trackers.folder()
    months = run_months(context)
    try:
        versions, refused = scan(folder)
    except MissingInput as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    target = warehouse.warehouse()
    for path in target.remove_leftovers():  # a run killed before it could clean up
        context.log.info(f"removed {path}, left by an interrupted run")
    with target.connect() as con:
        # Months published before that this work database lacks (lost, or moved aside after
        # an upgrade) are read too: the publication rebuilds them (Warehouse.publish).
        lacking = target.unbuilt_months(con, target.published_months()) if months else []
        if lacking:
            context.log.warning(f"the work database lacks {months_label(lacking)} published "
                                "before: their versions are read to rebuild them")  # fmt: skip
        wanted = sorted({*months, *lacking}) if months else months
        published = target.published_month_versions(wanted or [])
        current = {"reading_digest": reading_digest()}
        reader = VersionReader(frame(con, "raw/select_tracker_files", current))
        load_needed(versions, wanted, reader)
        reader.check_names(versions)
        silent = guard(wanted, versions, refused, reader, published, trackers.acceptance())
        if silent:
            raise dg.Failure(
                description="Nothing is published: " + " ".join(silent), allow_retries=False
            )
        inventory = folder_rows(folder, versions, refused, reader)
        lost = unaccounted(list(reader.new.values()))
        with transaction(con):
            run(con, "raw/delete_tracker_folder")
            run_with(con, "raw/insert_tracker_folder", inventory)
            for sha, result in reader.new.items():
                # A version that would lose rows is not loaded: read and checked again next run.
                if sha not in set(lost["sha256"]):
                    insert_version(con, result)

    last_month = months[-1] if months else None
    for fund in FUNDS:
        key = raw_key(fund)
        new = [r for r in reader.new.values() if r.file.fund == fund]
        refusals = [r.refused for r in new if r.refused] + [
            r.problem for r in refused if r.fund == fund
        ]
        chosen = (
            feeding_version(versions, fund, last_month, reader.known_accepted)
            if last_month
            else None
        )
        fund_lost = lost[lost["sha256"].isin({r.sha256 for r in new})]
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "months": months_label(months),
                "versions_in_folder": sum(t.fund == fund for t in versions),
                "versions_read": len(new),
                "rows_in": sum(r.rows_read for r in new),
                "rows_accepted": sum(rows_loaded(r) for r in new),
                "rejected": sum(distinct_rows(r.rejected_rows) for r in new),
                "flagged": sum(len(r.rule_flags) for r in new if r.rule_flags is not None),
                "structure_rows_skipped": ", ".join(
                    f"{kind}: {sum(r.rows_skipped.get(kind, 0) for r in new)}"
                    for kind in ("blank", "group_header", "total", "after_total")
                ),
                "refused": checks.markdown(pd.DataFrame({"problem": refusals})),
                "source_file": chosen.name if chosen else "",
                "data_as_of": chosen.report_date.isoformat() if chosen else "",
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=checks.ROWS_ACCOUNTED_FOR,
                    asset_key=key,
                    passed=fund_lost.empty,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={
                        "versions_checked": len(new),
                        "unaccounted": checks.markdown(fund_lost),
                    },
                )
            ],
        )
