"""Digests of the public tables and of the files runs write: prove that two builds hold the
same rows and wrote the same files.

Used to show that moving code moved no behaviour (a refactor, a faster writer) and that the
DuckLake holds exactly what the DuckDB file holds. A table's digest is the SHA-256 of its
column names and types and of its rows, sorted (the storage order is not part of what a
table means); ``marts.publications`` is left out (it records when things happened).

Files (bulletins, feedback workbooks, templates) are compared as a person sees them: a
workbook by its sheets, cells, formats and widths (``workbook_digest``), any other file by its
bytes.

    python -m sr_pipeline.warehouse.digests [WAREHOUSE]  # the published file, or ducklake:...
    python -m sr_pipeline.warehouse.digests --outputs FOLDER  # the files written under FOLDER
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import duckdb

from sr_pipeline.warehouse.layers import MONTHLY_PUBLIC_TABLES
from sr_pipeline.warehouse.publishing import configured

PUBLIC_TABLES = (*MONTHLY_PUBLIC_TABLES, "marts.data_quality")


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


def workbook_digest(path: Path) -> str:
    """What a person sees in a workbook, as a digest: every sheet's name, frozen panes,
    filter, column widths, and every cell's value (numbers as numbers: 3 and 3.0 look the
    same), type, number format, font weight and colour, fill and comment. Two writers that
    produce the same workbook for a person give the same digest, whatever their bytes."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode() + b"\n")

    for ws in book.worksheets:
        add("sheet", ws.title, ws.sheet_state, ws.freeze_panes, ws.auto_filter.ref)
        widths = {k: round(d.width, 2) for k, d in ws.column_dimensions.items() if d.width}
        add("widths", sorted(widths.items()))
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and cell.comment is None and not cell.has_style:
                    continue
                value = (
                    float(cell.value)
                    if isinstance(cell.value, int | float) and not (isinstance(cell.value, bool))
                    else cell.value
                )
                fill = cell.fill.fgColor.rgb if cell.fill.fill_type else None
                add(
                    cell.coordinate,
                    value,
                    cell.data_type,
                    cell.number_format,
                    cell.font.b,
                    cell.font.color.rgb if cell.font.color else None,
                    fill,
                    cell.comment.text if cell.comment else None,
                )
    return digest.hexdigest()[:16]


def output_digests(folder: Path) -> dict[str, str]:
    """Per file the runs wrote under ``folder`` (bulletins, feedback, templates): a workbook's
    ``workbook_digest``, any other file's SHA-256."""
    out = {}
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or path.suffix in {".duckdb", ".wal"} or path.name.startswith("."):
            continue
        relative = str(path.relative_to(folder))
        if path.suffix == ".xlsx":
            out[relative] = workbook_digest(path)
        else:
            out[relative] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", nargs="?", help="default: SR_WAREHOUSE")
    parser.add_argument("--outputs", type=Path, help="digest the files under this folder")
    args = parser.parse_args(argv)
    if args.outputs:
        print(json.dumps(output_digests(args.outputs), indent=1))
        return 0
    with configured(args.warehouse).read_published() as con:
        print(json.dumps(table_digests(con), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
