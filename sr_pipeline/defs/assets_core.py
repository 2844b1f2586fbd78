"""core: the reference data and published figures the marts need, reloaded from the package's
reference data on every run (the models over raw, ``core.projects`` and
``core.version_spans``, are views in ``sql/core/``)."""

import dagster as dg

from sr_pipeline.defs.assets_raw import raw_key
from sr_pipeline.defs.assets_sources import published_bulletins, reference_files
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.model import FUNDS
from sr_pipeline.warehouse.reference import load_core_reference
from sr_pipeline.warehouse.sql import frame

CORE_REFERENCE = dg.AssetKey(["core", "reference_data"])


@dg.asset(
    key=CORE_REFERENCE,
    deps=[raw_key(fund) for fund in FUNDS] + [reference_files, published_bulletins],
    group_name="core",
    kinds={"duckdb", "sql"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def core_reference_data(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Reload the reference data and published figures into core.* (funds, gazetteer,
    statuses, categories, budget lines, bulletins' figures)."""
    with warehouse.warehouse().connect() as con:
        tables = load_core_reference(con)
        counts = frame(con, "core/select_counts")
    published = tables["published_figures"]
    return dg.MaterializeResult(
        metadata={
            "versions": int(counts["versions"].iloc[0]),
            "project_rows": int(counts["project_rows"].iloc[0]),
            "regions": len(tables["regions"]),
            "published_figures": len(published),
            "bulletins": ", ".join(str(b) for b in sorted(published["bulletin"].unique())),
        }
    )
