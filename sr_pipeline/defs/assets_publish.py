"""The published warehouse file: a consistent copy of the work database replaces
SR_WAREHOUSE atomically (see sr_pipeline.warehouse)."""

import dagster as dg

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_dq import REJECTED_FILES, REJECTED_ROWS, RULE_FLAGS
from sr_pipeline.defs.assets_feedback import FEEDBACK
from sr_pipeline.defs.assets_marts import (
    BUDGET_BREAKDOWN,
    BULLETIN_FIGURES,
    MONTHLY_CHANGES,
    RECONCILIATION,
)
from sr_pipeline.defs.partitions import months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.warehouse import frame

PUBLISHED = dg.AssetKey(["warehouse", "published"])


@dg.asset(
    key=PUBLISHED,
    deps=[
        BULLETIN_FIGURES,
        BUDGET_BREAKDOWN,
        RECONCILIATION,
        MONTHLY_CHANGES,
        REJECTED_ROWS,
        REJECTED_FILES,
        RULE_FLAGS,
        FEEDBACK,
    ],  # fmt: skip
    group_name="publish",
    kinds={"duckdb"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Publish: a copy of the work database atomically replaces the file analysts open."""
    months = run_months(context)
    target = warehouse.warehouse()
    completed = target.publish()
    path = target.published
    with target.read_published() as con:
        months_present = frame(con, "reads/published_months")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "size_bytes": path.stat().st_size,
            "months_built": months_label(months),
            "pending_months_completed": ", ".join(str(m) for m in completed) or "none",
            "months_in_warehouse": checks.markdown(months_present, limit=12),
        }
    )
