"""The month-level layers (snapshots, marts, dq): which statements rebuild a month, the public
tables with a month's rows, and the whole-table refresh of ``marts.data_quality``."""

from __future__ import annotations

import duckdb

from sr_pipeline.warehouse.sql import run, transaction

# The month-level layers, each rebuilt for a list of months by delete-then-insert statements
# (in this order) in one transaction. A snapshot rebuild resets the month's bookkeeping
# (core.month_builds: marts and dq pending); marts and dq mark themselves built.
MONTH_LAYERS: dict[str, tuple[str, ...]] = {
    "snapshots": ("core/month_versions", "snapshots/projects", "core/month_builds"),
    "marts": (
        "marts/bulletin_figures",
        "marts/budget_breakdown",
        "marts/reconciliation",
        "marts/monthly_changes",
        "marts/donors",
    ),
    "dq": ("dq/rejected_rows", "dq/rule_flags", "dq/rejected_files"),
}
# The public tables with a month's rows (as_of): what analysts query month by month.
MONTHLY_PUBLIC_TABLES = tuple(
    table.replace("/", ".")
    for layer in ("snapshots", "marts", "dq")
    for table in MONTH_LAYERS[layer]
    if not table.startswith("core/")
)


def refresh_data_quality(con: duckdb.DuckDBPyConnection) -> None:
    """marts.data_quality anew (one row per tracker version known): at each publication."""
    with transaction(con):
        run(con, "marts/delete_data_quality")
        run(con, "marts/insert_data_quality")


def rebuild_layer(con: duckdb.DuckDBPyConnection, layer: str, months: list) -> None:
    """Rebuild ``months`` of one layer, all or nothing. Rebuilding snapshots marks the months'
    marts and dq as pending until they are rebuilt too."""
    params = {"months": months}
    with transaction(con):
        for table in MONTH_LAYERS[layer]:
            folder, name = table.split("/")
            run(con, f"{folder}/delete_{name}", params)
            run(con, f"{folder}/insert_{name}", params)
        if layer != "snapshots":
            run(con, f"{layer}/mark_built", params)
