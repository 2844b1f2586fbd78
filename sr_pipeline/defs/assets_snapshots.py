"""snapshots.projects: one row per project per month, from the version each month uses."""

import math
import warnings
from collections.abc import Iterator

import dagster as dg
import pandas as pd
import pandera.errors
from dagster_pandera import pandera_schema_to_dagster_type

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_core import CORE_REFERENCE
from sr_pipeline.defs.partitions import monthly_partitions, months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.model import FUNDS
from sr_pipeline.trackers.snapshot_schema import snapshot_schema
from sr_pipeline.warehouse.layers import rebuild_layer
from sr_pipeline.warehouse.sql import frame

SNAPSHOT_PROJECTS = dg.AssetKey(["snapshots", "projects"])
_DATE_COLUMNS = ("as_of", "approval_date", "start_date", "end_date", "data_as_of")
# The schema is checked a slice at a time: memory stays bounded whatever a month or a run
# holds (100,000 rows of a month in one frame took 112 MB; a backfill holds every month).
SLICE_ROWS = 25_000
STALE = f"{checks.STALE_AFTER_MONTHS} months"


def month_slices(con, counts: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """Each month's rows in slices of at most about SLICE_ROWS, a project's rows (same fund
    and code) always in the same slice."""
    for as_of, projects in counts.itertuples(index=False):
        parts = max(1, math.ceil(projects / SLICE_ROWS))
        for part in range(parts):
            params = {"as_of": as_of, "parts": parts, "part": part}
            rows = frame(con, "snapshots/select_projects_slice", params)
            for column in _DATE_COLUMNS:
                rows[column] = rows[column].astype("datetime64[ns]")
            yield rows


def validate(rows: pd.DataFrame) -> pd.DataFrame | None:
    """The pandera failure cases of a slice, with the project each row is (None: valid)."""
    try:
        snapshot_schema().validate(rows, lazy=True, inplace=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        where = pd.to_numeric(cases["index"], errors="coerce")
        known = where.notna() & where.isin(rows.index)
        cases["as_of"] = rows["as_of"].iloc[0].date().isoformat() if len(rows) else None
        cases["project"] = None
        cases.loc[known, "project"] = [
            f"{rows.at[int(i), 'fund']} {rows.at[int(i), 'project_code']}" for i in where[known]
        ]
        columns = ["as_of", "project", "column", "check", "failure_case", "index"]
        return cases[columns].astype(str)
    return None


def without_tracker(months: list, last: pd.DataFrame) -> str:
    """The funds with no tracker on or before the run's last month (no rows, said so)."""
    if not months:
        return ""
    missing = [fund for fund in FUNDS if fund not in set(last["fund"])]
    if not missing:
        return "none"
    return f"{', '.join(missing)}: no tracker on or before {max(months).isoformat()}"


def column_schema() -> dg.TableSchemaMetadataValue:
    """The snapshot's pandera schema as the UI shows a table's columns (types, nullability and
    checks), through dagster-pandera."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        dagster_type = pandera_schema_to_dagster_type(snapshot_schema())
    return dagster_type.metadata["schema"]


@dg.asset(
    key=SNAPSHOT_PROJECTS,
    metadata={"dagster/column_schema": column_schema()},
    deps=[CORE_REFERENCE],
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="snapshots",
    kinds={"duckdb", "sql"},
    check_specs=[
        checks.blocking_spec(
            checks.SNAPSHOT_SCHEMA_VALID,
            SNAPSHOT_PROJECTS,
            "The month's rows meet the pandera schema of the public table snapshots.projects "
            "(its columns: docs/tables.md).",
        ),
        checks.warn_spec(
            checks.DATA_FRESH,
            SNAPSHOT_PROJECTS,
            f"No fund's data is more than {checks.STALE_AFTER_MONTHS} months older than the "
            "month it feeds.",
        ),
    ],
)
def snapshot_projects(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Choose each fund's tracker version per month (core.month_versions) and snapshot its
    projects (snapshots.projects)."""
    months = run_months(context)
    params = {"months": months}
    with warehouse.warehouse().connect() as con:
        rebuild_layer(con, "snapshots", months)
        counts = frame(con, "snapshots/count_projects", params)
        failures = [validate(slice_) for slice_ in month_slices(con, counts)]
        versions = frame(con, "snapshots/select_month_versions", params)
        stale = frame(
            con,
            "snapshots/select_stale_funds",
            {**params, "months_back": checks.STALE_AFTER_MONTHS},
        )

    last = versions[versions["as_of"] == versions["as_of"].max()]
    shown = last.assign(**{c: last[c].dt.strftime("%Y-%m-%d") for c in ("as_of", "data_as_of")})
    return dg.MaterializeResult(
        metadata={
            "months": months_label(months),
            "rows_out": int(counts["projects"].sum()),
            "last_month": str(counts["as_of"].iloc[-1].date()) if len(counts) else "",
            "projects_in_last_month": int(counts["projects"].iloc[-1]) if len(counts) else 0,
            "versions_used_last_month": checks.markdown(shown),
            "funds_without_tracker_last_month": without_tracker(months, last),
            **{f"{row.fund}_data_as_of": str(row.data_as_of.date()) for row in last.itertuples()},
            **{f"{row.fund}_source_file": row.source_file for row in last.itertuples()},
        },
        check_results=[
            checks.schema_result(
                checks.SNAPSHOT_SCHEMA_VALID,
                SNAPSHOT_PROJECTS,
                [f for f in failures if f is not None],
                len(failures),
            ),
            checks.warn_if_any(
                checks.DATA_FRESH,
                SNAPSHOT_PROJECTS,
                stale,
                (
                    f"fund-month with data more than {checks.STALE_AFTER_MONTHS} months old",
                    f"fund-months with data more than {checks.STALE_AFTER_MONTHS} months old",
                ),  # fmt: skip
            ),
        ],
    )
