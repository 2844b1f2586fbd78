"""The bulletin's marts: headline figures, pie charts, the reconciliation with what the
bulletins printed, what changed since last month and the Trust Fund's donors. One step
writes the five (SQL in
sr_pipeline/warehouse/sql/marts/)."""

import dagster as dg

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_snapshots import SNAPSHOT_PROJECTS
from sr_pipeline.defs.partitions import monthly_partitions, months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.warehouse.layers import rebuild_layer
from sr_pipeline.warehouse.sql import frame

BULLETIN_FIGURES = dg.AssetKey(["marts", "bulletin_figures"])
BUDGET_BREAKDOWN = dg.AssetKey(["marts", "budget_breakdown"])
RECONCILIATION = dg.AssetKey(["marts", "reconciliation"])
MONTHLY_CHANGES = dg.AssetKey(["marts", "monthly_changes"])
DONORS = dg.AssetKey(["marts", "donors"])


@dg.multi_asset(
    name="marts",
    specs=[
        dg.AssetSpec(
            BULLETIN_FIGURES,
            deps=[SNAPSHOT_PROJECTS],
            description="The bulletin's headline figures per month and fund: project counts "
            "by status, budgets (TF: cost, contributions received, allocated %).",
            group_name="marts",
            kinds={"duckdb", "sql"},
        ),
        dg.AssetSpec(
            BUDGET_BREAKDOWN,
            deps=[SNAPSHOT_PROJECTS],
            description="The bulletin's pie charts: budget, share and projects by region "
            "group, QIP sector, TF objective, PBF window.",
            group_name="marts",
            kinds={"duckdb", "sql"},
        ),
        dg.AssetSpec(
            RECONCILIATION,
            deps=[BULLETIN_FIGURES, BUDGET_BREAKDOWN],
            description="Every figure a bulletin printed against the computed value: match, "
            "mismatch or missing.",
            group_name="marts",
            kinds={"duckdb", "sql"},
        ),
        dg.AssetSpec(
            MONTHLY_CHANGES,
            deps=[SNAPSHOT_PROJECTS],
            description="What changed since last month, per fund: projects approved, "
            "completed, cancelled or removed (with titles), and the budget delta.",
            group_name="marts",
            kinds={"duckdb", "sql"},
        ),
        dg.AssetSpec(
            DONORS,
            deps=[SNAPSHOT_PROJECTS],
            description="The Trust Fund's donors per month, as the bulletin names them: every "
            "donor with a contribution received on or before the tracker's report date.",
            group_name="marts",
            kinds={"duckdb", "sql"},
        ),
    ],
    check_specs=[
        checks.warn_spec(
            checks.PUBLISHED_FIGURES_MATCH,
            RECONCILIATION,
            "Every figure the printed bulletin gives for the month matches the computed one "
            "(counts exactly, amounts in millions when they round to it, whole percentages "
            "within half a point).",
        )
    ],
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Compute the month's figures, pie charts, reconciliation, changes and donors."""
    months = run_months(context)
    params = {"months": months}
    with warehouse.warehouse().connect() as con:
        rebuild_layer(con, "marts", months)
        figures = frame(con, "marts/select_bulletin_figures", params)
        breakdown = frame(con, "marts/select_budget_breakdown", params)
        reconciliation = frame(con, "marts/select_reconciliation", params)
        counts = frame(con, "marts/select_counts", params)
        changes = frame(con, "marts/select_monthly_changes", params)

    label = months_label(months)
    mismatches = reconciliation[reconciliation["status"] != "match"]
    for key, table, preview in (
        (BULLETIN_FIGURES, "bulletin_figures", figures),
        (BUDGET_BREAKDOWN, "budget_breakdown", breakdown),
        (MONTHLY_CHANGES, "monthly_changes", changes),
        (DONORS, "donors", None),
    ):
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "months": label,
                "rows_out": int(counts[table].iloc[0]),
                **({} if preview is None else {"preview": checks.markdown(preview, limit=60)}),
            },
        )
    yield dg.MaterializeResult(
        asset_key=RECONCILIATION,
        metadata={
            "months": label,
            "rows_out": len(reconciliation),
            "matches": int((reconciliation["status"] == "match").sum()),
            "mismatches": int((reconciliation["status"] == "mismatch").sum()),
            "missing": int((reconciliation["status"] == "missing").sum()),
            "preview": checks.markdown(reconciliation, limit=60),
        },
        check_results=[
            checks.warn_if_any(
                checks.PUBLISHED_FIGURES_MATCH,
                RECONCILIATION,
                mismatches,
                (
                    "published figure that differs from the computed one",
                    "published figures that differ from the computed ones",
                ),  # fmt: skip
            )
        ],
    )
