"""One generic tracker reader: a workbook into canonical rows, rejections and flags.

Everything fund-specific comes from the contract (``sr_pipeline.trackers.contracts``) and the
reference data. The steps, for each data sheet: find the header row (first row holding every
required header), check the report date in the title rows against the file name, collect data rows
(merged ranges giving their value to every row they cover; skipping blank rows, region group headers
and total rows, reading past a subtotal, stopping at the last total), parse every cell by its
field's kind (once per distinct value), validate with the pandera schema (lazily), enforce
uniqueness, convert to USD and apply the rules on USD amounts, then flag business-rule breaches on
the accepted rows.

Nothing read is lost: every data row ends up accepted or with one line per problem in the
rejections; a file that cannot be read at all is refused with one line saying why. What the
reader did with the layout that the unit should know (an unknown column, a subtotal, a merge)
is a reading note.

The package follows those steps: ``base`` (limits, the refusal), ``parsers`` (a parser per
column), ``structure`` (header, title date, data rows), ``validation`` (values, schema, rules,
flags) and ``workbook`` (opening the file, ``read_tracker``).
"""

from sr_pipeline.trackers.reader.base import (
    _AS_OF,
    HEADER_SCAN_ROWS,
    TOTAL_MARKERS,
    Refused,
    column_letter,
)
from sr_pipeline.trackers.reader.parsers import Parser, _parsers, accepted_values
from sr_pipeline.trackers.reader.structure import (
    Column,
    ColumnCollector,
    Layout,
    check_title_date,
    collect_rows,
    find_header,
    stated_report_date,
)
from sr_pipeline.trackers.reader.validation import (
    Merge,
    Parsed,
    Problems,
    SheetOutcome,
    SheetRows,
    parse_column,
    parse_fields,
    read_rows,
    read_sheet,
    reading_notes,
)
from sr_pipeline.trackers.reader.workbook import read_tracker, report_date_in

__all__ = [
    "Column",
    "ColumnCollector",
    "HEADER_SCAN_ROWS",
    "Layout",
    "Merge",
    "Parsed",
    "Parser",
    "Problems",
    "Refused",
    "SheetOutcome",
    "SheetRows",
    "TOTAL_MARKERS",
    "_AS_OF",
    "_parsers",
    "accepted_values",
    "check_title_date",
    "collect_rows",
    "column_letter",
    "find_header",
    "parse_column",
    "parse_fields",
    "read_rows",
    "read_sheet",
    "read_tracker",
    "reading_notes",
    "report_date_in",
    "stated_report_date",
]
