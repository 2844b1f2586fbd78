"""Print a month's bulletin figures from the published warehouse (what ``make demo`` shows).

    python -m sr_pipeline.figures [AS_OF]        # AS_OF: last day of a month, default 2018-06-30

Reads the public tables only (``marts.*``, ``dq.*``), read-only, like an analyst would.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import duckdb

from sr_pipeline.settings import warehouse_path
from sr_pipeline.wording import money

FIGURES = """
    select fund, figure, value, data_as_of, source_file
    from marts.bulletin_figures where as_of = ? order by fund, figure
"""
RECONCILIATION = """
    select fund, figure, published, computed, status
    from marts.reconciliation where as_of = ? order by status desc, fund, figure
"""
DQ = """
    select 'rejected rows', count(*) from dq.rejected_rows where as_of = $as_of
    union all select 'rejected files', count(*) from dq.rejected_files where as_of = $as_of
    union all select 'rule flags', count(*) from dq.rule_flags where as_of = $as_of
"""


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if float(value).is_integer():
        return money(value)
    return f"{value:,.2f}"


def _table(headers: list[str], rows: list[tuple]) -> str:
    cells = [headers] + [[_number(c) if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("as_of", nargs="?", default="2018-06-30", type=date.fromisoformat)
    args = parser.parse_args(argv)
    path = warehouse_path()
    if not path.exists():
        print(f"{path} does not exist yet: materialize a month first (make demo)", file=sys.stderr)
        return 1
    with duckdb.connect(str(path), read_only=True) as con:
        figures = con.execute(FIGURES, [args.as_of]).fetchall()
        reconciliation = con.execute(RECONCILIATION, [args.as_of]).fetchall()
        dq = con.execute(DQ, {"as_of": args.as_of}).fetchall()
    if not figures:
        print(f"No figures for {args.as_of} in {path}", file=sys.stderr)
        return 1
    print(f"Bulletin figures as of {args.as_of:%d %B %Y} ({path})\n")
    print(_table(["fund", "figure", "value", "data as of", "source file"], figures))
    if reconciliation:
        print("\nAgainst the published bulletin\n")
        print(_table(["fund", "figure", "published", "computed", "status"], reconciliation))
    print("\nData quality of the trackers behind it: " + ", ".join(f"{n} {k}" for k, n in dq))
    return 0


if __name__ == "__main__":
    sys.exit(main())
