"""dq.*: what did not make it into a month, and what breaks a business rule, each with a
sentence a fund-unit clerk can act on. One step writes the three tables."""

import dagster as dg

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_snapshots import SNAPSHOT_PROJECTS
from sr_pipeline.defs.partitions import monthly_partitions, months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.warehouse.layers import rebuild_layer
from sr_pipeline.warehouse.sql import frame

REJECTED_ROWS = dg.AssetKey(["dq", "rejected_rows"])
REJECTED_FILES = dg.AssetKey(["dq", "rejected_files"])
RULE_FLAGS = dg.AssetKey(["dq", "rule_flags"])

_DQ = {
    # key: (table, check, what the check counts, description)
    REJECTED_ROWS: (
        "rejected_rows",
        checks.NO_REJECTED_ROWS,
        ("rejected row problem", "rejected row problems"),
        "Rows of the month's tracker versions that failed validation (one line per problem); "
        "they count in no figure.",
    ),
    REJECTED_FILES: (
        "rejected_files",
        checks.NO_REJECTED_FILES,
        ("refused file", "refused files"),
        "Files in the trackers folder refused for the month (the month falls back to the "
        "latest accepted version).",
    ),
    RULE_FLAGS: (
        "rule_flags",
        checks.NO_RULE_FLAGS,
        ("rule flag", "rule flags"),
        "Business-rule breaches in the month's tracker versions (rows still counted).",
    ),
}


@dg.multi_asset(
    name="data_quality",
    specs=[
        dg.AssetSpec(
            key,
            deps=[SNAPSHOT_PROJECTS],
            description=description,
            group_name="dq",
            kinds={"duckdb", "sql"},
        )
        for key, (_, _, _, description) in _DQ.items()
    ],
    check_specs=[
        checks.warn_spec(check, key, f"No {what[1]} for the month.")
        for key, (_, check, what, _) in _DQ.items()
    ],
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def data_quality(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """List the month's rejected rows, refused files and rule flags."""
    months = run_months(context)
    params = {"months": months}
    found = {}
    with warehouse.warehouse().connect() as con:
        rebuild_layer(con, "dq", months)
        for key, (table, *_) in _DQ.items():
            found[key] = frame(con, f"dq/select_{table}", params)

    for key, (_, check, what, _) in _DQ.items():
        rows = found[key]
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "months": months_label(months),
                "rows_out": len(rows),
                "preview": checks.markdown(rows),
            },
            check_results=[checks.warn_if_any(check, key, rows, what)],
        )
