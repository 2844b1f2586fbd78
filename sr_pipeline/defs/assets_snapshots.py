"""snapshots.projects: one row per project per month, from the version each month uses."""

import dagster as dg
import pandera.errors

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_core import CORE_REFERENCE
from sr_pipeline.defs.partitions import monthly_partitions, months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.defs.snapshot_schema import snapshot_schema
from sr_pipeline.warehouse import frame, rebuild_layer

SNAPSHOT_PROJECTS = dg.AssetKey(["snapshots", "projects"])
_DATE_COLUMNS = ("as_of", "approval_date", "start_date", "end_date", "data_as_of")


@dg.asset(
    key=SNAPSHOT_PROJECTS,
    deps=[CORE_REFERENCE],
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="snapshots",
    kinds={"duckdb", "sql"},
    check_specs=[
        checks.blocking_spec(
            checks.SNAPSHOT_SCHEMA_VALID,
            SNAPSHOT_PROJECTS,
            "The month's rows meet the pandera schema of the public table (FIGURES.md).",
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
        rows = frame(con, "snapshots/select_projects", params)
        versions = frame(con, "snapshots/select_month_versions", params)
        stale = frame(
            con,
            "snapshots/select_stale_funds",
            {**params, "months_back": checks.STALE_AFTER_MONTHS},
        )

    for column in _DATE_COLUMNS:
        rows[column] = rows[column].astype("datetime64[ns]")
    failures = []
    try:
        snapshot_schema().validate(rows, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        failures.append(exc.failure_cases[["column", "check", "failure_case", "index"]].astype(str))

    last = versions[versions["as_of"] == versions["as_of"].max()]
    last_month = rows["as_of"].max()
    shown = last.assign(**{c: last[c].dt.strftime("%Y-%m-%d") for c in ("as_of", "data_as_of")})
    return dg.MaterializeResult(
        metadata={
            "months": months_label(months),
            "rows_out": len(rows),
            "last_month": str(last_month.date()) if len(rows) else "",
            "projects_in_last_month": int((rows["as_of"] == last_month).sum()),
            "versions_used_last_month": checks.markdown(shown),
            **{f"{row.fund}_data_as_of": str(row.data_as_of.date()) for row in last.itertuples()},
            **{f"{row.fund}_source_file": row.source_file for row in last.itertuples()},
        },
        check_results=[
            checks.schema_result(checks.SNAPSHOT_SCHEMA_VALID, SNAPSHOT_PROJECTS, failures, 1),
            checks.warn_if_any(
                checks.DATA_FRESH,
                SNAPSHOT_PROJECTS,
                stale,
                f"fund-months with data more than {checks.STALE_AFTER_MONTHS} months old",
            ),
        ],
    )
