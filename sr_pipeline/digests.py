"""Digests of the public tables: prove that two warehouses hold the same rows.

Used to show that moving code moved no behaviour (a refactor, a faster writer) and that the
DuckLake holds exactly what the DuckDB file holds. A table's digest is the SHA-256 of its
column names and types and of its rows, sorted (the storage order is not part of what a
table means); ``marts.publications`` is left out (it records when things happened).

    python -m sr_pipeline.digests [WAREHOUSE]   # the published file, or a ducklake: catalog
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import duckdb

from sr_pipeline.settings import warehouse

PUBLIC_TABLES = (
    "snapshots.projects",
    "marts.bulletin_figures",
    "marts.budget_breakdown",
    "marts.reconciliation",
    "marts.monthly_changes",
    "marts.donors",
    "marts.data_quality",
    "dq.rejected_rows",
    "dq.rejected_files",
    "dq.rule_flags",
)


def table_digests(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    """Per public table: its row count and digest (as ``con`` reads it)."""
    out: dict[str, dict[str, object]] = {}
    for table in PUBLIC_TABLES:
        cursor = con.execute("SELECT * FROM query_table(?)", [table])
        columns = [(d[0], str(d[1])) for d in cursor.description]
        rows = sorted(repr(row) for row in cursor.fetchall())
        digest = hashlib.sha256(repr(columns).encode())
        for row in rows:
            digest.update(b"\n" + row.encode())
        out[table] = {"rows": len(rows), "sha256": digest.hexdigest()[:16]}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", nargs="?", help="default: SR_WAREHOUSE")
    args = parser.parse_args(argv)
    with warehouse(args.warehouse).read_published() as con:
        print(json.dumps(table_digests(con), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
