"""The published warehouse file: a consistent copy of the work database replaces
SR_WAREHOUSE atomically (see sr_pipeline.warehouse.publishing). The same step refreshes
marts.data_quality (one line per tracker version known), an asset of its own in the graph."""

import dagster as dg

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_dq import REJECTED_FILES, REJECTED_ROWS, RULE_FLAGS
from sr_pipeline.defs.assets_feedback import FEEDBACK
from sr_pipeline.defs.assets_marts import (
    BUDGET_BREAKDOWN,
    BULLETIN_FIGURES,
    DONORS,
    MONTHLY_CHANGES,
    RECONCILIATION,
)
from sr_pipeline.defs.partitions import months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.warehouse.publishing import FewerMonths
from sr_pipeline.warehouse.sql import frame, run

PUBLISHED = dg.AssetKey(["warehouse", "published"])
DATA_QUALITY = dg.AssetKey(["marts", "data_quality"])
PUBLISH = "Publish: the file analysts open replaced atomically, or one lake transaction."


@dg.multi_asset(
    name="warehouse__published",  # the step's name in run logs, as when it was one asset
    specs=[
        dg.AssetSpec(
            DATA_QUALITY,
            deps=[REJECTED_ROWS, REJECTED_FILES, RULE_FLAGS, FEEDBACK],
            description="One line per tracker version known, read or refused, in the folder "
            "or gone: rows read, loaded, rejected, flagged, the months it feeds or why none, "
            "its feedback workbook. Refreshed whole at each publication.",
            group_name="marts",
            kinds={"duckdb", "sql"},
        ),
        dg.AssetSpec(
            PUBLISHED,
            deps=[
                BULLETIN_FIGURES,
                BUDGET_BREAKDOWN,
                RECONCILIATION,
                MONTHLY_CHANGES,
                DONORS,
                REJECTED_ROWS,
                REJECTED_FILES,
                RULE_FLAGS,
                FEEDBACK,
                DATA_QUALITY,
            ],  # fmt: skip
            description=PUBLISH,
            group_name="publish",
            kinds={"duckdb"},
        ),
    ],
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Publish: the file analysts open replaced atomically, or one lake transaction; and
    marts.data_quality refreshed in the same step."""
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
    with target.read_published(publication.version) as con:
        versions = int(run(con, "marts/count_data_quality").fetchone()[0])
    yield dg.MaterializeResult(asset_key=DATA_QUALITY, metadata={"rows_out": versions})
    yield dg.MaterializeResult(asset_key=PUBLISHED, metadata=metadata)
