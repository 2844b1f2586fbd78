"""Every public table is an asset in the lineage graph, with its description.

What it guards against: a table written as a side effect of another step (the donors beside
the marts, the data-quality summary at publication, the publications record with the bulletin)
that the graph never shows, so nobody looking at the UI knows it exists, where it comes from or
that a failed step left it stale.
"""

from __future__ import annotations

import dagster as dg
import duckdb

from sr_pipeline.definitions import defs
from sr_pipeline.warehouse.schema import apply_schema

PUBLIC_SCHEMAS = ("snapshots", "marts", "dq")


def public_tables() -> list[str]:
    """The tables of the public schemas, as the definitions create them."""
    with duckdb.connect() as con:
        apply_schema(con)
        rows = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN ? ORDER BY ALL",
            [list(PUBLIC_SCHEMAS)],
        ).fetchall()
    return [row[0] for row in rows]


def test_every_public_table_has_an_asset_with_a_description() -> None:
    graph = defs.resolve_asset_graph()
    tables = public_tables()
    assert {"marts.donors", "marts.data_quality", "marts.publications"} <= set(tables)
    missing = [t for t in tables if not graph.has(dg.AssetKey(t.split(".")))]
    assert missing == []
    undescribed = [t for t in tables if not graph.get(dg.AssetKey(t.split("."))).description]
    assert undescribed == []


def test_the_snapshot_shows_its_columns_from_the_pandera_schema() -> None:
    """dagster-pandera turns the schema the rows are validated with into the column schema the
    UI shows: one source for both."""
    node = defs.resolve_asset_graph().get(dg.AssetKey(["snapshots", "projects"]))
    columns = node.metadata["dagster/column_schema"].schema.columns
    assert [c.name for c in columns][:3] == ["as_of", "fund", "project_code"]
    fund = next(c for c in columns if c.name == "fund")
    assert "isin" in " ".join(fund.constraints.other)
