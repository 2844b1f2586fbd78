"""Tracker templates for the fund units, kept beside the warehouse (``templates/``).

Not partitioned: the templates depend on the contracts and the reference lists, not on a
month. The asset runs in every month build and costs a digest when nothing changed; it
rewrites the workbooks only when a contract, a reference list or the generator changed, or
a file is missing or was edited (``sr_pipeline.templates.ensure_templates``).
"""

import dagster as dg

from sr_pipeline.defs.assets_sources import reference_files
from sr_pipeline.defs.resources import WarehouseResource

TEMPLATES = dg.AssetKey(["templates", "trackers"])


@dg.asset(
    key=TEMPLATES,
    deps=[reference_files.key],
    group_name="templates",
    kinds={"python", "excel"},
    # Not partitioned; in a run over a range of months it runs once, like the other steps
    # (the CLI's --partition-range refuses a selection with an asset lacking this policy).
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def tracker_templates(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Tracker templates for the fund units: lists, formats and read-me, from the contracts."""
    from sr_pipeline.templates import ensure_templates  # the workbook writer: when it runs

    folder = warehouse.warehouse().folder / "templates"
    outcome = ensure_templates(folder)
    if outcome.written:
        context.log.info(f"templates written ({outcome.reason}): {', '.join(outcome.written)}")
    metadata: dict[str, dg.MetadataValue | int | str] = {
        "templates_folder": dg.MetadataValue.path(str(folder)),
        **{f"{fund}_template": dg.MetadataValue.path(str(p)) for fund, p in outcome.files.items()},
        "templates_written": len(outcome.written),
        "reason": outcome.reason,
        "inputs_digest": outcome.digest[:12],
    }
    return dg.MaterializeResult(metadata=metadata)
