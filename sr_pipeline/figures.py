"""Print a month's bulletin figures from the published warehouse (what ``make demo`` shows).

    python -m sr_pipeline.figures [AS_OF]        # AS_OF: last day of a month, default 2018-06-30

Reads the public tables only (``marts.*``, ``dq.*``), read-only, like an analyst would.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sr_pipeline.settings import warehouse
from sr_pipeline.warehouse import run
from sr_pipeline.wording import money


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
    target = warehouse()
    if target.published is not None and not target.published.exists():
        print(f"{target.label} does not exist yet: build a month first", file=sys.stderr)
        return 1
    params = {"as_of": args.as_of}
    with target.read_published() as con:
        figures = run(con, "reads/cli_figures", params).fetchall()
        reconciliation = run(con, "reads/cli_reconciliation", params).fetchall()
        dq = run(con, "reads/cli_data_quality", params).fetchall()
    if not figures:
        print(f"No figures for {args.as_of} in {target.label}", file=sys.stderr)
        return 1
    print(f"Bulletin figures as of {args.as_of:%d %B %Y} ({target.label})\n")
    print(_table(["fund", "figure", "value", "data as of", "source file"], figures))
    if reconciliation:
        print("\nAgainst the published bulletin\n")
        print(_table(["fund", "figure", "published", "computed", "status"], reconciliation))
    print("\nData quality of the trackers behind it: " + ", ".join(f"{n} {k}" for k, n in dq))
    return 0


if __name__ == "__main__":
    sys.exit(main())
