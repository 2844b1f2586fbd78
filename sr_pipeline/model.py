"""The shapes that cross module boundaries: a discovered tracker file and a read result.

Canonical per-fund columns are defined here once; the reader produces them, the warehouse
loads them, and the demo generator writes its ground truth in the same terms.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from sr_pipeline.language.messages import Message
from sr_pipeline.reference import fund_facts

# The funds in the bulletin's order (reference funds.csv).
FUNDS: tuple[str, ...] = tuple(fund_facts())
# The mission's start (July 2013): the first month a snapshot can be built for.
MISSION_START = date(2013, 7, 1)


def as_of(partition_key: str) -> date:
    """The snapshot date of a month keyed by its first day (``2018-06-01``): its last day."""
    first = date.fromisoformat(partition_key)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


# Canonical columns of each data table, in order. Dates are pandas datetime64[ns] (midnight),
# money float64 (TF and PBF budgets are already USD; `budget_usd` is present for every fund),
# whole numbers pandas Int64, everything else str or None.
CANONICAL_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("QIP", "projects"): (
        "project_code", "title", "region", "locality", "sector", "partner", "sponsor",
        "budget", "currency", "budget_usd", "approval_date", "start_date",
        "duration_months", "end_date", "status", "remarks",
    ),
    ("TF", "projects"): (
        "project_code", "title", "objective", "region", "partner", "donor", "budget",
        "budget_usd", "expenditure", "approval_date", "start_date", "end_date", "status",
    ),
    ("TF", "contributions"): (
        "donor", "date_received", "amount", "currency", "usd_equivalent", "earmarked_for",
        "amount_usd", "donor_key",
    ),
    ("PBF", "projects"): (
        "project_code", "title", "window", "recipients", "regions", "budget", "budget_usd",
        "start_date", "duration_months", "end_date", "status",
    ),
}  # fmt: skip

# Every accepted row also carries its lineage.
LINEAGE_COLUMNS = ("fund", "source_file", "sha256", "sheet", "source_row", "extras")

# docs/figures.md's dq.* columns first; then the message code and parameters (from which the
# feedback workbook renders the same sentence in the unit's own language) and the Excel
# column letter and header the problem is in.
REJECTED_ROW_COLUMNS = (
    "fund", "source_file", "sheet", "source_row", "project_code", "field", "value", "problem",
    "problem_code", "problem_params", "excel_column", "header", "suggestion",
)  # fmt: skip
RULE_FLAG_COLUMNS = (
    "fund", "source_file", "sheet", "source_row", "project_code", "rule", "detail",
    "field", "detail_code", "detail_params", "excel_column", "header",
)  # fmt: skip
REJECTED_FILE_COLUMNS = ("source_file", "fund", "problem")
# What the reader did with a sheet's layout that the unit should know (an unknown column, a
# subtotal read past, a merged range counted for several rows): neither a rejection nor a
# flag; the rows are read. ``source_row``/``excel_column`` are NULL when not about one.
NOTE_COLUMNS = (
    "fund", "source_file", "sheet", "source_row", "excel_column", "header", "note_code",
    "note_params", "note",
)  # fmt: skip


@dataclass(frozen=True)
class TrackerFile:
    """A workbook whose name matched a fund's pattern."""

    path: Path
    fund: str
    report_date: date
    revision: int
    # Files of the same content under other names (same report date and revision): one
    # version with this one, read once (docs/trackers.md: an archived copy is no conflict).
    copies: tuple[Path, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RefusedFile:
    """A file that is not (or cannot be) a tracker version, with a one-line reason."""

    path: Path
    fund: str | None
    problem: str
    message: Message | None = None


@dataclass
class ReadResult:
    """Everything one tracker file produced. Rows read = accepted + distinct rejected rows."""

    file: TrackerFile
    sha256: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejected_rows: pd.DataFrame | None = None
    rule_flags: pd.DataFrame | None = None
    notes: pd.DataFrame | None = None  # NOTE_COLUMNS
    refused: str | None = None
    refused_message: Message | None = None
    rows_read: int = 0
    # Structure, not data: blank rows, region group headers, total rows, and the rows after
    # the last total row (none carries a project code), by kind.
    rows_skipped: dict[str, int] = field(default_factory=dict)
