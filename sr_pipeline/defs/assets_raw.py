"""Validated fund tables: each tracker version the run needs, read once and kept in ``raw``.

The raw layer is not monthly: it holds tracker *versions*, keyed by the sha256 of the file,
so these assets are unpartitioned. Inside a monthly run they read only the versions those
months need (per fund, the newest version on or before each month's end, and any newer ones
refused before it); a version already in ``raw`` is never read again, so a backfill of every
month parses each file once. Materialized on their own they load every version in the folder.
"""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd
import pandera.errors

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_sources import FUND_NAMES, tracker_files
from sr_pipeline.defs.partitions import months_label, run_months
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.discovery import discover, latest_versions, recognise
from sr_pipeline.model import FUNDS, ReadResult, RefusedFile, TrackerFile
from sr_pipeline.reader import read_tracker
from sr_pipeline.safety import sha256_of
from sr_pipeline.schemas import schema_for
from sr_pipeline.warehouse import frame, run, run_with, transaction

RAW_TABLES = {
    ("QIP", "projects"): "qip_projects",
    ("TF", "projects"): "tf_projects",
    ("TF", "contributions"): "tf_contributions",
    ("PBF", "projects"): "pbf_projects",
}


def raw_key(fund: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", fund.lower()])


class VersionReader:
    """Reads a version at most once per run, and not at all when raw already has it."""

    def __init__(self, known: dict[str, str | None]) -> None:
        self.known = known  # sha256 -> refusal (None: accepted)
        self.hashes: dict[Path, str] = {}
        self.new: dict[str, ReadResult] = {}

    def sha256(self, tracker: TrackerFile) -> str:
        if tracker.path not in self.hashes:
            self.hashes[tracker.path] = sha256_of(tracker.path)
        return self.hashes[tracker.path]

    def accepted(self, tracker: TrackerFile) -> bool:
        sha = self.sha256(tracker)
        if sha not in self.known:
            result = read_tracker(tracker)
            self.new[sha] = result
            self.known[sha] = result.refused
        return self.known[sha] is None


def load_needed(versions: list[TrackerFile], months: list[date] | None, reader: VersionReader):
    """Read what the months need: per fund and month, versions newest first until one is
    accepted (a refused file is not a version: the month falls back to an older one). Each
    month's previous month counts too: marts.monthly_changes compares the two."""
    if months is None:
        for tracker in versions:
            reader.accepted(tracker)
        return
    months = sorted({*months, *(m.replace(day=1) - timedelta(days=1) for m in months)})
    for fund in FUNDS:
        newest_first = sorted(
            (t for t in versions if t.fund == fund),
            key=lambda t: (t.report_date, t.revision),
            reverse=True,
        )
        for as_of in months:
            for tracker in newest_first:
                if tracker.report_date <= as_of and reader.accepted(tracker):
                    break


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
            "problem": None,
        }
        for t in versions
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
            }
        )
    df = pd.DataFrame(
        rows,
        columns=["source_file", "path", "fund", "report_date", "revision", "sha256", "problem"],
    )
    df["report_date"] = pd.to_datetime(df["report_date"])
    df["revision"] = df["revision"].astype("Int64")
    return df


def _with_sha(df: pd.DataFrame | None, sha: str) -> pd.DataFrame | None:
    if df is None or df.empty:
        return None
    return df.assign(sha256=sha)


def insert_version(con, sha: str, result: ReadResult) -> None:
    tables = result.tables
    accepted = sum(len(df) for df in tables.values())
    rejected = result.rejected_rows
    rejected_rows = 0 if rejected is None else rejected["source_row"].nunique()
    run(
        con,
        "insert_raw_tracker_file",
        {
            "sha256": sha,
            "fund": result.file.fund,
            "source_file": result.file.name,
            "report_date": result.file.report_date,
            "revision": result.file.revision,
            "refused": result.refused,
            "rows_read": result.rows_read,
            "rows_accepted": accepted,
            "rows_rejected": int(rejected_rows),
            "rule_flags": 0 if result.rule_flags is None else len(result.rule_flags),
        },
    )
    for table, df in tables.items():
        incoming = _with_sha(df, sha)
        if incoming is not None:
            run_with(con, f"insert_raw_{RAW_TABLES[(result.file.fund, table)]}", incoming)
    for name, df in (("rejected_rows", result.rejected_rows), ("rule_flags", result.rule_flags)):
        incoming = _with_sha(df, sha)
        if incoming is not None:
            run_with(con, f"insert_raw_{name}", incoming)


def schema_failures(results: list[ReadResult]) -> tuple[list[pd.DataFrame], set[str]]:
    """Validate the accepted rows of newly read versions against the fund's schema, one
    pandera call per fund and table (per-call overhead dominates). Returns the failure cases
    and the sha256 of the versions at fault (not loaded: re-read and re-checked next run)."""
    failures, bad = [], set()
    by_table: dict[tuple[str, str], list[pd.DataFrame]] = {}
    for result in results:
        for table, df in result.tables.items():
            by_table.setdefault((result.file.fund, table), []).append(df)
    for (fund, table), frames in by_table.items():
        combined = pd.concat(frames, ignore_index=True)
        try:
            schema_for(fund, table).validate(combined, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            cases = exc.failure_cases[["column", "check", "failure_case", "index"]].copy()
            rows = pd.to_numeric(cases["index"], errors="coerce")
            known = rows.notna()
            located = combined.loc[rows[known].astype(int), ["source_file", "sha256"]]
            cases.insert(0, "source_file", None)
            cases.loc[known, "source_file"] = located["source_file"].to_numpy()
            cases.insert(1, "table", table)
            failures.append(cases.astype(str))
            # A failure not tied to a row (a missing column) condemns every version read.
            bad |= set(located["sha256"]) if known.all() else set(combined["sha256"])
    return failures, bad


@dg.multi_asset(
    name="raw_trackers",
    specs=[
        dg.AssetSpec(
            raw_key(fund),
            deps=[tracker_files[i]],
            description=f"{FUND_NAMES[fund]}: every tracker version read, validated and split "
            f"into accepted rows (raw.{fund.lower()}_*), rejected rows and rule flags, by sha256.",
            group_name="validated_fund_tables",
            kinds={"python", "pandas", "duckdb"},
        )
        for i, fund in enumerate(FUNDS)
    ],
    check_specs=[
        checks.blocking_spec(
            checks.SCHEMA_VALID,
            raw_key(fund),
            "Accepted rows of each newly read version meet the fund's pandera schema.",
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
    versions, refused = discover(folder) if folder.is_dir() else ([], [])
    with warehouse.warehouse().connect() as con:
        known = dict(frame(con, "select_raw_tracker_files").itertuples(index=False, name=None))
        reader = VersionReader(known)
        load_needed(versions, months, reader)
        inventory = folder_rows(folder, versions, refused, reader)
        failures, bad = schema_failures([r for r in reader.new.values() if not r.refused])
        with transaction(con):
            run(con, "delete_raw_tracker_folder")
            run_with(con, "insert_raw_tracker_folder", inventory)
            for sha, result in reader.new.items():
                if sha not in bad:
                    insert_version(con, sha, result)

    accepted_versions = [t for t in versions if reader.known.get(reader.sha256(t)) is None]
    last_month = months[-1] if months else None
    used = latest_versions(accepted_versions, last_month) if last_month else {}
    for fund in FUNDS:
        key = raw_key(fund)
        new = [r for r in reader.new.values() if r.file.fund == fund]
        names = {r.file.name for r in new}
        fund_failures = [f[f["source_file"].isin(names)] for f in failures]
        refusals = [r.refused for r in new if r.refused] + [
            r.problem for r in refused if r.fund == fund
        ]
        chosen = used.get(fund)
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "months": months_label(months),
                "versions_in_folder": sum(t.fund == fund for t in versions),
                "versions_read": len(new),
                "rows_in": sum(r.rows_read for r in new),
                "rows_accepted": sum(sum(len(df) for df in r.tables.values()) for r in new),
                "rejected": sum(
                    int(r.rejected_rows["source_row"].nunique())
                    for r in new
                    if r.rejected_rows is not None
                ),
                "flagged": sum(len(r.rule_flags) for r in new if r.rule_flags is not None),
                "structure_rows_skipped": ", ".join(
                    f"{kind}: {sum(r.rows_skipped.get(kind, 0) for r in new)}"
                    for kind in ("blank", "group_header", "total")
                ),
                "refused": checks.markdown(pd.DataFrame({"problem": refusals})),
                "source_file": chosen.name if chosen else "",
                "data_as_of": chosen.report_date.isoformat() if chosen else "",
            },
            check_results=[
                checks.schema_result(
                    checks.SCHEMA_VALID,
                    key,
                    [f for f in fund_failures if len(f)],
                    sum(len(r.tables) for r in new),
                )
            ],
        )
