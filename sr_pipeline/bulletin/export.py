"""The month's public tables as one Excel workbook formatted for people: one sheet per
table, bold filled header, frozen header row, autofilter, column widths from the content,
number formats for USD, percentages, counts and dates.

Every text cell is written with ``write_string``: a title such as ``=HYPERLINK(...)`` or
``-Réhabilitation`` stays text and is never a formula in the partners' Excel.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from sr_pipeline.warehouse import frame

# sheet name -> the public table it holds (the month's rows)
SHEETS = {
    "projects": "snapshots.projects",
    "bulletin_figures": "marts.bulletin_figures",
    "budget_breakdown": "marts.budget_breakdown",
    "monthly_changes": "marts.monthly_changes",
    "donors": "marts.donors",
    "reconciliation": "marts.reconciliation",
    "rejected_rows": "dq.rejected_rows",
    "rejected_files": "dq.rejected_files",
    "rule_flags": "dq.rule_flags",
}
USD_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.##"
PERCENT_FORMAT = "0.0"
COUNT_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60


def read_tables(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, pd.DataFrame]:
    """The month's rows of every public table."""
    return {
        sheet: frame(con, "reads/export_month", {"table": table, "as_of": as_of})
        for sheet, table in SHEETS.items()
    }


def about(month) -> pd.DataFrame:
    """The export's last sheet: which month, warehouse version and tracker versions it shows
    (``month`` is a ``bulletin.content.Month``)."""
    provenance = month.provenance
    rows = [
        {"what": "month", "value": month.as_of.isoformat()},
        {"what": "warehouse version", "value": provenance.text()},
    ]
    rows += [
        {"what": f"tracker for {t['month']:%Y-%m} ({t['fund']})",
         "value": f"{t['source_file']} (sha256 {t['sha256']}, as of {t['data_as_of']})"}
        for t in provenance.rows()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["what", "value"])


def _number_format(column: str, series: pd.Series) -> str:
    if column.endswith("_usd") or column in {"published", "computed", "value"}:
        return USD_FORMAT if column.endswith("_usd") else NUMBER_FORMAT
    if column.endswith("_pct"):
        return PERCENT_FORMAT
    if pd.api.types.is_integer_dtype(series):
        return COUNT_FORMAT
    return NUMBER_FORMAT


def write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Write the tables, one formatted sheet each."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    header = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#0B4F8A", "border": 1,
         "text_wrap": True, "valign": "top"}
    )  # fmt: skip
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    formats: dict[str, object] = {}

    def number(fmt: str):
        if fmt not in formats:
            formats[fmt] = workbook.add_format({"num_format": fmt})
        return formats[fmt]

    for sheet, df in tables.items():
        ws = workbook.add_worksheet(sheet)
        widths = [len(str(column)) + 2 for column in df.columns]
        for col, column in enumerate(df.columns):
            ws.write_string(0, col, str(column), header)
        for col, column in enumerate(df.columns):
            series = df[column]
            is_date = pd.api.types.is_datetime64_any_dtype(series)
            is_number = pd.api.types.is_numeric_dtype(series) and not is_date
            cell_format = number(_number_format(column, series)) if is_number else None
            for row, value in enumerate(series.tolist(), start=1):
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                if value is pd.NaT:
                    continue
                if isinstance(value, datetime | pd.Timestamp | date):
                    ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(),
                                      date_format)  # fmt: skip
                    text = 10
                elif isinstance(value, bool):
                    ws.write_boolean(row, col, value)
                    text = 5
                elif isinstance(value, int | float):
                    ws.write_number(row, col, value, cell_format)
                    text = len(f"{value:,.0f}") + 2
                else:
                    ws.write_string(row, col, str(value))
                    text = len(str(value))
                widths[col] = max(widths[col], min(text + 2, MAX_WIDTH))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        if len(df.columns):
            ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    workbook.close()
