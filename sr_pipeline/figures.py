"""Print a month's bulletin figures from the published warehouse (what ``make demo`` shows).

    python -m sr_pipeline.figures [MONTH]   # 2018-06-30, 2018-06-01 or 2018-06; default June 2018

Reads the public tables only (``marts.*``, ``dq.*``), read-only, like an analyst would, and
says per fund how many rows were rejected, which projects counted the month before they hide,
and where the unit's feedback workbook is.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from datetime import date

from sr_pipeline.bulletin.content import fallback_sentence, rejection_sentence
from sr_pipeline.language.wording import money
from sr_pipeline.model import FUNDS, MISSION_START
from sr_pipeline.warehouse.publishing import configured
from sr_pipeline.warehouse.sql import frame, run


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


def month_end(text: str) -> date:
    """The last day of the month ``text`` names (``2018-06``, ``2018-06-01``, ``2018-06-30``),
    or one sentence saying why it names no month that can be built."""
    try:
        day = date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month: write it 2018-06 or 2018-06-30"
        ) from None
    end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if day < MISSION_START:
        raise argparse.ArgumentTypeError(
            f"{text}: the months start in {MISSION_START:%B %Y} (the mission's start)"
        )
    if day.replace(day=1) > date.today().replace(day=1):
        raise argparse.ArgumentTypeError(f"{text}: this month has not begun yet")
    return end


def notes(con, as_of: date) -> list[str]:
    """Per fund: a missing tracker, an accepted fallback, rejected rows and what they hide."""
    params = {"as_of": as_of}
    rejections = frame(con, "reads/bulletin_rejections", params)
    changes = frame(con, "reads/bulletin_changes", params)
    fallbacks = frame(con, "reads/bulletin_fallbacks", params)
    lines = []
    for fund in FUNDS:
        if fund not in set(rejections["fund"]):
            lines.append(f"{fund}: no tracker on or before {as_of}, so no figures for it.")
            continue
        for text in (
            fallback_sentence(fallbacks, fund),
            rejection_sentence(rejections, changes, fund),
        ):
            if text:
                lines.append(f"{fund}: {text}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("as_of", nargs="?", default="2018-06-30", type=month_end)
    args = parser.parse_args(argv)
    target = configured()
    if target.published is not None and not target.published.exists():
        print(f"{target.label} does not exist yet: build a month first", file=sys.stderr)
        return 1
    params = {"as_of": args.as_of}
    with target.read_published() as con:
        figures = run(con, "reads/cli_figures", params).fetchall()
        reconciliation = run(con, "reads/cli_reconciliation", params).fetchall()
        dq = run(con, "reads/cli_data_quality", params).fetchall()
        said = notes(con, args.as_of) if figures else []
    if not figures:
        print(f"No figures for {args.as_of} in {target.label}", file=sys.stderr)
        return 1
    print(f"Bulletin figures as of {args.as_of:%d %B %Y} ({target.label})\n")
    print(_table(["fund", "figure", "value", "data as of", "source file"], figures))
    if reconciliation:
        print("\nAgainst the published bulletin\n")
        print(_table(["fund", "figure", "published", "computed", "status"], reconciliation))
    print("\nData quality of the trackers behind it: " + ", ".join(f"{n} {k}" for k, n in dq))
    if said:
        print("\nWhat the figures leave out\n")
        print("\n".join(said))
    page = target.folder / "bulletins" / f"{args.as_of:%Y-%m}" / "index.html"
    if page.exists():
        print(f"\nThe bulletin page: {page}")
        print(f"The fund units' feedback workbooks: {target.folder / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
