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
from sr_pipeline.warehouse.publishing import FewerMonths
from sr_pipeline.warehouse.sql import frame

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
    """Publish: the file analysts open replaced atomically, or one lake transaction."""
    months = run_months(context)
    target = warehouse.warehouse()
    try:
        publication = target.publish()
    except FewerMonths as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    with target.read_published(publication.version) as con:
        months_present = frame(con, "reads/published_months")
    metadata: dict[str, object] = {
        "months_built": months_label(months),
        "published_months_rebuilt": ", ".join(str(m) for m in publication.restored) or "none",
        "pending_months_completed": ", ".join(str(m) for m in publication.completed) or "none",
        "months_in_warehouse": checks.markdown(months_present, limit=12),
    }
    if target.published is not None:
        metadata["path"] = dg.MetadataValue.path(str(target.published))
        metadata["size_bytes"] = target.published.stat().st_size
    else:
        metadata["lake"] = target.lake.label
        metadata["lake_snapshot"] = publication.version
    return dg.MaterializeResult(metadata=metadata)
