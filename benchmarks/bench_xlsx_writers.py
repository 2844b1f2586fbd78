"""xlsx writer benchmark (issue #15): the bulletin export's sheet written by each candidate.

    .venv/bin/python benchmarks/bench_xlsx_writers.py [--rows N] [--repeat N] [--only a,b,f1]

A 100,000-row x 15-column table shaped like ``snapshots.projects`` (dates as datetime64,
French text with accents, hostile texts such as ``=HYPERLINK("http://x","y")``,
``=cmd|' /C calc'!A0``, ``-Réhabilitation``, ``+225``, ``@SUM(A1)``, large USD amounts,
NaN / None / NaT) plus a small ``budget_breakdown`` sheet (a ``_pct`` column and a count) is
made in memory, then written the way ``sr_pipeline.bulletin.export.write_workbook`` must look:
bold filled header, frozen first row, autofilter, column widths from the content, ``#,##0``
for USD, ``0.0`` for percentages, ``0`` for counts, ``yyyy-mm-dd`` for dates, text never a
formula. Each candidate runs in its own child process (best of --repeat wall times of the
write alone, data already in memory; peak RSS = the child's VmHWM, interpreter and data
included), and its last output is read back with openpyxl and checked cell by cell against
the source table.

Candidates
  a   the export as it was before this issue (xlsxwriter, one write_* per cell): the baseline
  b   xlsxwriter ``constant_memory``, row by row
  b2  xlsxwriter ``write_column`` per column (formats per cell, like the baseline)
  c   pyexcelerate, whole sheet at once, text columns forced to inline strings
  c0  pyexcelerate as it comes (no data_type override): shows what it does to ``=...`` text
  d   rustpy-xlsxwriter ``write_worksheets(...)`` from DuckDB relations (a pandas frame
      with NaT fails in it)
  e   DuckDB's excel extension, ``COPY ... TO 'x.xlsx' (FORMAT xlsx)`` (duckdb 1.5.5)
  f1  rvgsrust-xlsxwriter (rust_xlsxwriter) ``write_dataframe`` from a DuckDB relation
      (Arrow C stream, no pyarrow needed)
  f2  the same with a ``constant_memory`` worksheet
  f3  rvgsrust-xlsxwriter, one ``write`` per cell from Python values, constant_memory:
      the feedback workbook's way of writing (cells at positions, typed as read)
  g   the export's ``write_workbook`` today: (f2), with the header row written first so
      that a table without rows keeps its header

The DuckDB excel extension exists on PyPI only for duckdb 1.5.5 (``duckdb-extension-excel``
pins ``duckdb==1.5.5``; it is not a dependency of the project), so candidate ``e`` runs this
same script with the interpreter of a throwaway venv, made on first use:

    python3 -m venv /tmp/venv-duckdb155
    /tmp/venv-duckdb155/bin/pip install duckdb==1.5.5 duckdb-extension-excel==1.5.5

(``--duckdb-venv DIR`` to put it elsewhere, ``--only`` without ``e`` to skip it). Its input is
a Parquet copy of the table, loaded into a DuckDB table before the clock starts.

Results: a markdown table on stdout and ``benchmarks/out/xlsx_writers.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DUCKDB_VENV = Path("/tmp/venv-duckdb155")
DUCKDB_PINS = ["duckdb==1.5.5", "duckdb-extension-excel==1.5.5"]

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "-Réhabilitation",
    "+225",
    "@SUM(A1)",
    "=1+1",
    "=SUM(A1:A3)",
    "+33 6 12 34 56 78",
    "-",
    "=",
    "0042",
    "1e5",
    "http://example.org/projet?id=1&x=2",
    "TRUE",
    "#N/A",
]
HEADER_FILL = "#0B4F8A"
HEADER_FONT = "#FFFFFF"

CANDIDATES = {
    "a": "xlsxwriter, one write_* per cell (the export before #15, baseline)",
    "b": "xlsxwriter constant_memory, row by row",
    "b2": "xlsxwriter write_column per column",
    "c": "pyexcelerate, whole sheet, text columns as inline strings",
    "c0": "pyexcelerate as it comes (no data_type override)",
    "d": "rustpy-xlsxwriter write_worksheets(DuckDB relations)",
    "e": "DuckDB excel extension COPY TO (FORMAT xlsx)",
    "f1": "rvgsrust-xlsxwriter write_dataframe(DuckDB relation)",
    "f2": "rvgsrust-xlsxwriter write_dataframe, constant_memory sheet",
    "f3": "rvgsrust-xlsxwriter one write() per cell, constant_memory",
    "g": "export.write_workbook since #15 (f2 + header cells written first)",
}
VERSION_OF = {
    "a": ["xlsxwriter"],
    "b": ["xlsxwriter"],
    "b2": ["xlsxwriter"],
    "c": ["pyexcelerate"],
    "c0": ["pyexcelerate"],
    "d": ["rustpy-xlsxwriter", "duckdb"],
    "e": ["duckdb", "duckdb-extension-excel"],
    "f1": ["rvgsrust-xlsxwriter", "duckdb"],
    "f2": ["rvgsrust-xlsxwriter", "duckdb"],
    "f3": ["rvgsrust-xlsxwriter"],
    "g": ["rvgsrust-xlsxwriter", "duckdb"],
}
IMPORTS = {
    "a": ["xlsxwriter"], "b": ["xlsxwriter"], "b2": ["xlsxwriter"], "c": ["pyexcelerate"],
    "c0": ["pyexcelerate"], "d": ["rustpy_xlsxwriter", "duckdb"],
    "f1": ["rvgsrust_xlsxwriter", "duckdb"], "f2": ["rvgsrust_xlsxwriter", "duckdb"],
    "f3": ["rvgsrust_xlsxwriter"], "g": ["rvgsrust_xlsxwriter", "duckdb"],
}  # fmt: skip
CHECKS = (
    "sheets", "text", "no_formula", "dates", "date_format", "numbers", "number_formats",
    "header", "font", "frozen", "autofilter", "widths",
)  # fmt: skip


# --- the data ---------------------------------------------------------------------------------


def make_tables(rows: int, seed: int = 15):
    """{"projects": rows x 15 like snapshots.projects, "budget_breakdown": 40 x 8}."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    i = np.arange(rows)
    towns = ["Tombouctou", "Gao", "Kidal", "Ménaka", "Mopti", "Ségou", "Tessalit", "Bourem",
             "Ansongo", "Léré", "Goundam", "Diré", "Niafunké", "Bamako", "Ténenkou"]  # fmt: skip
    works = ["Réhabilitation de l'école fondamentale de", "Construction d'un forage équipé à",
             "Équipement du centre de santé communautaire de", "Appui aux maraîchères de",
             "Formation des élus et de la société civile à", "Clôture du marché à bétail de",
             "Électrification solaire de la mairie de",
             "Réfection du tribunal d'instance de"]  # fmt: skip
    titles = np.array(
        [f"{works[a]} {towns[b]} – lot {c}" for a, b, c in
         zip(rng.integers(0, len(works), rows), rng.integers(0, len(towns), rows),
             rng.integers(1, 40, rows), strict=True)],
        dtype=object,
    )  # fmt: skip
    titles[::101] = [HOSTILE[k % len(HOSTILE)] for k in range(len(titles[::101]))]
    partners = np.array(
        ["MINUSMA / Division des affaires civiles", "ONG Tassaght", "Conseil régional",
         "Direction régionale de l'hydraulique", "Association des femmes de Ménaka"],
        dtype=object,
    )[rng.integers(0, 5, rows)]  # fmt: skip
    partners[3::257] = [HOSTILE[(k + 3) % len(HOSTILE)] for k in range(len(partners[3::257]))]
    partners[::11] = None
    regions = np.array(["Tombouctou", "Gao", "Kidal; Gao", "Ménaka", "Mopti; Ségou", "National"],
                       dtype=object)[rng.integers(0, 6, rows)]  # fmt: skip
    budget = np.round(rng.lognormal(10.5, 1.2, rows), 2)
    budget[::997] = rng.uniform(1e8, 2.5e9, len(budget[::997])).round(0)
    budget[::53] = np.nan
    approval = pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 1600, rows), "D")
    start = approval + pd.to_timedelta(rng.integers(0, 90, rows), "D")
    end = start + pd.to_timedelta(rng.integers(30, 200, rows), "D")
    approval = pd.Series(approval).where(i % 7 != 0)  # PBF has no approval date: NaT
    end = pd.Series(end).where(i % 13 != 0)
    projects = pd.DataFrame(
        {
            "as_of": pd.Series(pd.Timestamp("2018-06-30"), index=i),
            "fund": "QIP",
            "project_code": [f"QIP-{2014 + k % 5}-{k:05d}" for k in i],
            "title": titles,
            "status": np.array(
                ["completed", "ongoing", "not_started", "suspended", "cancelled"], dtype=object
            )[rng.integers(0, 5, rows)],  # fmt: skip
            "budget_usd": budget,
            "approval_date": approval,
            "start_date": start,
            "end_date": end,
            "partner": partners,
            "region": regions,
            "category": np.array(
                ["Education", "Health", "Water", "Energy", "Governance"], dtype=object
            )[rng.integers(0, 5, rows)],  # fmt: skip
            "data_as_of": pd.Series(pd.Timestamp("2018-06-30"), index=i),
            "source_file": "QIPs_Suivi_2018-06-30.xlsx",
            "source_row": (i + 5).astype("int32"),
        }
    )
    n = 40
    breakdown = pd.DataFrame(
        {
            "as_of": pd.Series(pd.Timestamp("2018-06-30"), index=range(n)),
            "fund": ["QIP", "TF", "PBF", "QIP"] * 10,
            "dimension": ["region_group", "sector", "objective", "window"] * 10,
            "category": [f"{towns[k % len(towns)]} / Taoudénit" for k in range(n)],
            "budget_usd": rng.uniform(1e5, 5e7, n).round(2),
            "share_pct": rng.uniform(0, 100, n),
            "projects": rng.integers(0, 500, n).astype("int32"),
            "data_as_of": pd.Series(pd.Timestamp("2018-06-30"), index=range(n)),
        }
    )
    breakdown.loc[3, "share_pct"] = np.nan
    return {"projects": projects, "budget_breakdown": breakdown}


# --- what the export must look like ----------------------------------------------------------


def layout(df):
    """Per column: (name, kind, number format, width), by the export's own rules (kind: text,
    number, date). Widths as ``write_workbook`` computes them, from whole columns at once."""
    import pandas as pd

    from sr_pipeline.bulletin import export

    columns = []
    for column in df.columns:
        series = df[column]
        is_date = pd.api.types.is_datetime64_any_dtype(series)
        is_number = pd.api.types.is_numeric_dtype(series) and not is_date
        width = len(str(column)) + 2
        present = series.dropna()
        if len(present):
            if is_date:
                text = 10
            elif is_number:
                text = max(len(f"{v:,.0f}") for v in (present.max(), present.min())) + 2
            else:
                lengths = present.str.len()  # NaN where a value is not a str
                if lengths.isna().any():
                    lengths = present.astype(str).str.len()
                text = int(lengths.max())
            width = max(width, min(text + 2, export.MAX_WIDTH))
        if is_date:
            columns.append((str(column), "date", export.DATE_FORMAT, width))
        elif is_number:
            fmt = export.number_format(column, _type_name(series))
            columns.append((str(column), "number", fmt, width))
        else:
            columns.append((str(column), "text", None, width))
    return columns


def python_columns(df, cols):
    """Each column as a Python list, missing values (NaN, NaT, None) as None."""
    out = []
    for (_, kind, _, _), column in zip(cols, df.columns, strict=True):
        series = df[column]
        missing = series.isna().to_numpy()
        if kind == "date":  # numpy makes datetime objects, NaT -> None
            values = series.to_numpy().astype("datetime64[us]").astype(object).tolist()
        else:
            values = series.tolist()
        if missing.any():
            for k in missing.nonzero()[0].tolist():
                values[k] = None
        out.append(values)
    return out


# --- the candidates (run in the child) --------------------------------------------------------


def write_a(tables, path):
    """The export as it was written before issue #15: xlsxwriter, one write_* per cell."""
    import math
    from datetime import date, datetime

    import pandas as pd

    from sr_pipeline.bulletin import export

    book, header = _xlsxwriter_book(path)
    date_format = book.add_format({"num_format": export.DATE_FORMAT})
    formats = {}
    for sheet, df in tables.items():
        ws = book.add_worksheet(sheet)
        widths = [len(str(column)) + 2 for column in df.columns]
        for col, column in enumerate(df.columns):
            ws.write_string(0, col, str(column), header)
        for col, column in enumerate(df.columns):
            series = df[column]
            is_date = pd.api.types.is_datetime64_any_dtype(series)
            fmt = None if is_date else export.number_format(column, _type_name(series))
            if fmt and fmt not in formats:
                formats[fmt] = book.add_format({"num_format": fmt})
            for row, value in enumerate(series.tolist(), start=1):
                if (
                    value is None
                    or value is pd.NaT
                    or (isinstance(value, float) and math.isnan(value))
                ):
                    continue
                if isinstance(value, datetime | pd.Timestamp | date):
                    ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_format)
                    text = 10
                elif isinstance(value, int | float):
                    ws.write_number(row, col, value, formats.get(fmt))
                    text = len(f"{value:,.0f}") + 2
                else:
                    ws.write_string(row, col, str(value))
                    text = len(str(value))
                widths[col] = max(widths[col], min(text + 2, export.MAX_WIDTH))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    book.close()


def write_g(tables, path):
    """The export's own write_workbook (since issue #15), fed DuckDB relations."""
    import duckdb

    from sr_pipeline.bulletin.export import write_workbook

    con = duckdb.connect()
    write_workbook({s: duckdb_relation(con, df, layout(df)) for s, df in tables.items()}, path)


def _type_name(series) -> str:
    """The DuckDB type a pandas column stands for, as far as number formats go."""
    import pandas as pd

    if pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    return "DOUBLE" if pd.api.types.is_numeric_dtype(series) else "VARCHAR"


def _xlsxwriter_book(path, constant_memory=False):
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": constant_memory, "strings_to_formulas": False,
         "strings_to_urls": False, "strings_to_numbers": False},
    )  # fmt: skip
    header = book.add_format(
        {"bold": True, "font_color": HEADER_FONT, "bg_color": HEADER_FILL, "border": 1,
         "text_wrap": True, "valign": "top"}
    )  # fmt: skip
    return book, header


def write_b(tables, path):
    book, header = _xlsxwriter_book(path, constant_memory=True)
    made = {}
    for sheet, df in tables.items():
        cols = layout(df)
        ws = book.add_worksheet(sheet)
        for c, (name, _, _, width) in enumerate(cols):
            ws.set_column(c, c, width)
            ws.write_string(0, c, name, header)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), len(cols) - 1)
        writers, formats = [], []
        for _, kind, fmt, _ in cols:
            writers.append({"date": ws.write_datetime, "number": ws.write_number,
                            "text": ws.write_string}[kind])  # fmt: skip
            if fmt and fmt not in made:
                made[fmt] = book.add_format({"num_format": fmt})
            formats.append(made[fmt] if fmt else None)
        plan = list(zip(range(len(cols)), writers, formats, strict=True))
        for r, row in enumerate(zip(*python_columns(df, cols), strict=True), start=1):
            for (c, write, fmt), value in zip(plan, row, strict=True):
                if value is not None:
                    write(r, c, value, fmt)
    book.close()


def write_b2(tables, path):
    book, header = _xlsxwriter_book(path)
    made = {}
    for sheet, df in tables.items():
        cols = layout(df)
        ws = book.add_worksheet(sheet)
        for c, ((name, _, fmt, width), values) in enumerate(
            zip(cols, python_columns(df, cols), strict=True)
        ):
            if fmt and fmt not in made:
                made[fmt] = book.add_format({"num_format": fmt})
            ws.set_column(c, c, width)
            ws.write_string(0, c, name, header)
            # write() maps None to write_blank, which skips a blank cell without a format.
            ws.write_column(1, c, values, made[fmt] if fmt else None)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), len(cols) - 1)
    book.close()


def _write_pyexcelerate(tables, path, force_text):
    from pyexcelerate import Alignment, Color, Fill, Font, Format, Panes, Style, Workbook
    from pyexcelerate.Border import Border
    from pyexcelerate.Borders import Borders
    from pyexcelerate.DataTypes import DataTypes

    book = Workbook()
    text = DataTypes.INLINE_STRING if force_text else None
    edge = Border(style="thin")
    header = Style(
        font=Font(bold=True, color=Color(255, 255, 255)),
        fill=Fill(background=Color(0x0B, 0x4F, 0x8A)),
        alignment=Alignment(vertical="top", wrap_text=True),
        borders=Borders(left=edge, right=edge, top=edge, bottom=edge),
        data_type=text,
    )
    for sheet, df in tables.items():
        cols = layout(df)
        data = [[name for name, _, _, _ in cols]]
        data += [list(row) for row in zip(*python_columns(df, cols), strict=True)]
        ws = book.new_sheet(sheet, data=data)
        ws.set_row_style(1, header)
        for c, (_, kind, fmt, width) in enumerate(cols, start=1):
            ws.set_col_style(
                c,
                Style(size=width, format=Format(fmt) if fmt else None,
                      data_type=text if kind == "text" else None),
            )  # fmt: skip
        ws.panes = Panes(0, 1)
        ws.auto_filter = True
    book.save(str(path))


def write_c(tables, path):
    _write_pyexcelerate(tables, path, force_text=True)


def write_c0(tables, path):
    _write_pyexcelerate(tables, path, force_text=False)


def duckdb_relation(con, df, cols):
    """The frame as a DuckDB relation, dates as DATE as in the warehouse (the export reads
    DuckDB; a fast export would hand the query's relation over without pandas). DuckDB turns
    NaN and NaT into NULL, and nulls are written as no cell."""
    select = ", ".join(
        f'CAST("{name}" AS DATE) AS "{name}"' if kind == "date" else f'"{name}"'
        for name, kind, _, _ in cols
    )
    return con.from_df(df).project(select)


def write_d(tables, path):
    import duckdb
    import rustpy_xlsxwriter as rp

    header = (
        rp.Format().set_bold().set_font_color(HEADER_FONT).set_background_color(HEADER_FILL)
        .set_pattern("solid").set_border("thin").set_text_wrap().set_align("top")
    )  # fmt: skip
    # A pandas frame with NaT fails ("Year 1 outside Excel range"): give it Arrow instead.
    con = duckdb.connect()
    entries, formats, widths, headers, filters = [], {}, {}, {}, {}
    for sheet, df in tables.items():
        cols = layout(df)
        entries.append((sheet, duckdb_relation(con, df, cols)))
        formats[sheet] = [rp.Format().set_num_format(fmt) if fmt else rp.Format()
                          for _, _, fmt, _ in cols]  # fmt: skip
        widths[sheet] = [float(width) for _, _, _, width in cols]
        headers[sheet] = header
        filters[sheet] = True
    rp.write_worksheets(
        entries, str(path), freeze_panes={"general": {"row": 1, "col": 0}},
        datetime_format="yyyy-mm-dd", column_formats=formats, column_widths=widths,
        header_format=headers, autofilter=filters,
    )  # fmt: skip


def _rvgs_header(book):
    return (
        book.add_format().set_bold().set_font_color(HEADER_FONT)
        .set_background_color(HEADER_FILL).set_pattern("solid").set_border("thin")
        .set_text_wrap().set_vertical_align("top")
    )  # fmt: skip


def _write_rvgs_frames(tables, path, constant_memory):
    import duckdb
    import rvgsrust_xlsxwriter as rv

    con = duckdb.connect()
    book = rv.Workbook(str(path))
    header = _rvgs_header(book)
    made = {}
    for sheet, df in tables.items():
        cols = layout(df)
        ws = book.add_worksheet(sheet, constant_memory=constant_memory)
        formats = {}
        for c, (name, _, fmt, width) in enumerate(cols):
            ws.set_column_width(c, width)
            if fmt:
                if fmt not in made:
                    made[fmt] = book.add_format().set_num_format(fmt)
                formats[name] = made[fmt]
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), len(cols) - 1)
        # DATE columns get yyyy-mm-dd from write_dataframe itself (a column_formats entry
        # does not change a date column's number format).
        relation = duckdb_relation(con, df, cols)
        ws.write_dataframe(0, 0, relation, header_format=header, column_formats=formats)
    book.close()


def write_f1(tables, path):
    _write_rvgs_frames(tables, path, constant_memory=False)


def write_f2(tables, path):
    _write_rvgs_frames(tables, path, constant_memory=True)


def write_f3(tables, path):
    import rvgsrust_xlsxwriter as rv

    book = rv.Workbook(str(path))
    header = _rvgs_header(book)
    made = {}
    for sheet, df in tables.items():
        cols = layout(df)
        ws = book.add_worksheet(sheet, constant_memory=True)
        formats = []
        for c, (_, _, fmt, width) in enumerate(cols):
            ws.set_column_width(c, width)
            if fmt and fmt not in made:
                made[fmt] = book.add_format().set_num_format(fmt)
            formats.append(made[fmt] if fmt else None)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), len(cols) - 1)
        write = ws.write
        for c, (name, _, _, _) in enumerate(cols):
            write(0, c, name, header)
        for r, row in enumerate(zip(*python_columns(df, cols), strict=True), start=1):
            for c, value in enumerate(row):
                if value is not None:
                    write(r, c, value, formats[c])
    book.close()


def write_e(parquet_dir: Path, path: Path) -> float:
    """DuckDB's excel extension: one workbook per COPY, so only the projects sheet."""
    import duckdb
    import duckdb_extension_excel

    folder = Path(duckdb_extension_excel.__file__).parent
    extension = next(folder.rglob("excel.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    source = parquet_dir / "projects.parquet"
    con.execute(f"CREATE TABLE projects AS SELECT * FROM read_parquet('{source}')")  # noqa: S608
    start = time.perf_counter()
    con.execute(f"COPY projects TO '{path}' (FORMAT xlsx, HEADER true, SHEET 'projects')")
    return time.perf_counter() - start


# --- the child --------------------------------------------------------------------------------


def _vm(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024


def child(key: str, data: Path, out: Path) -> None:
    if key == "e":
        seconds = write_e(data, out)
        before = None
    else:
        import pickle

        sys.path.insert(0, str(ROOT))
        tables = pickle.loads((data / "tables.pkl").read_bytes())
        for module in ("sr_pipeline.bulletin.export", *IMPORTS.get(key, ())):
            __import__(module)  # imports before the clock
        before = _vm("VmRSS")
        write = globals()[f"write_{key}"]
        start = time.perf_counter()
        write(tables, out)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": _vm("VmHWM"), "rss_before_mb": before}))


# --- the check (parent) -----------------------------------------------------------------------


def verify(path: Path, tables) -> dict[str, dict]:
    """Read the output with openpyxl and compare every cell with the source table."""
    import math
    from datetime import datetime

    import openpyxl
    from openpyxl.utils import get_column_letter

    problems: dict[str, list[str]] = {check: [] for check in CHECKS}
    checked = {check: 0 for check in CHECKS}

    def bad(check: str, text: str) -> None:
        if len(problems[check]) < 3:
            problems[check].append(text)

    try:
        book = openpyxl.load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable file fails every check
        return {c: {"ok": False, "checked": 0, "examples": [f"unreadable: {exc}"[:300]]}
                for c in CHECKS}  # fmt: skip
    checked["sheets"] = len(tables)
    if book.sheetnames != list(tables):
        bad("sheets", f"sheets {book.sheetnames}, expected {list(tables)}")
    hostile = set(HOSTILE)
    hostile_cells = 0
    for sheet, df in tables.items():
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        cols = layout(df)
        values = python_columns(df, cols)
        last = get_column_letter(len(cols))
        widths = {}  # a <col> element may cover several columns (min..max)
        for dim in ws.column_dimensions.values():
            if dim.customWidth or dim.width:
                for k in range(dim.min or 0, (dim.max or 0) + 1):
                    widths[k] = dim.width
        # header, frozen row, filter, widths
        for c, (name, _, _, width) in enumerate(cols, start=1):
            cell = ws.cell(1, c)
            checked["header"] += 1
            fill = (cell.fill.fgColor.rgb or "") if cell.fill.fill_type == "solid" else ""
            font = cell.font.color.rgb if cell.font.color is not None else ""
            if not (cell.value == name and cell.font.b and str(fill).upper().endswith("0B4F8A")
                    and str(font).upper().endswith("FFFFFF")):  # fmt: skip
                bad("header", f"{sheet}!{cell.coordinate} {cell.value!r} bold={cell.font.b} "
                              f"fill={fill} font={font}")  # fmt: skip
            got = widths.get(c)
            checked["widths"] += 1
            if got is None or abs(got - width) > 1:
                bad("widths", f"{sheet}!{get_column_letter(c)} width {got}, expected ~{width}")
        for cell in next(ws.iter_rows(min_row=2, max_row=2, max_col=len(cols)), ()):
            checked["font"] += 1  # the body font every xlsxwriter file has
            if (cell.font.name, cell.font.sz) != ("Calibri", 11):
                bad("font", f"{sheet}!{cell.coordinate} {cell.font.name} {cell.font.sz}")
        checked["frozen"] += 1
        if ws.freeze_panes != "A2":
            bad("frozen", f"{sheet}: freeze_panes={ws.freeze_panes}")
        checked["autofilter"] += 1
        if ws.auto_filter.ref != f"A1:{last}{len(df) + 1}":
            bad("autofilter", f"{sheet}: autofilter {ws.auto_filter.ref}, "
                              f"expected A1:{last}{len(df) + 1}")  # fmt: skip
        # every cell
        for r, row in enumerate(ws.iter_rows(min_row=2, max_row=len(df) + 1,
                                             max_col=len(cols)), start=0):  # fmt: skip
            for c, cell in enumerate(row):
                expected = values[c][r]
                _, kind, fmt, _ = cols[c]
                checked["no_formula"] += 1
                if cell.data_type == "f":
                    bad("no_formula", f"{sheet}!{cell.coordinate} formula {cell.value!r}")
                if kind == "text":
                    checked["text"] += 1
                    hostile_cells += expected in hostile
                    if expected is None:
                        if cell.value not in (None, ""):
                            bad("text", f"{sheet}!{cell.coordinate} {cell.value!r} for None")
                    elif cell.data_type != "s" or cell.value != expected:
                        bad("text", f"{sheet}!{cell.coordinate} {cell.data_type} "
                                    f"{cell.value!r} for {expected!r}")  # fmt: skip
                elif kind == "date":
                    checked["dates"] += 1
                    if expected is None:
                        if cell.value is not None:
                            bad("dates", f"{sheet}!{cell.coordinate} {cell.value!r} for None")
                        continue
                    if not (cell.is_date and isinstance(cell.value, datetime)
                            and cell.value == expected):  # fmt: skip
                        bad("dates", f"{sheet}!{cell.coordinate} {cell.data_type} "
                                     f"{cell.value!r} for {expected}")  # fmt: skip
                    checked["date_format"] += 1
                    if cell.number_format != fmt:
                        bad("date_format", f"{sheet}!{cell.coordinate} "
                                           f"{cell.number_format!r}, expected {fmt!r}")  # fmt: skip
                else:
                    checked["numbers"] += 1
                    if expected is None:
                        if cell.value is not None:
                            bad("numbers", f"{sheet}!{cell.coordinate} {cell.value!r} for NaN")
                        continue
                    value = cell.value
                    if not (cell.data_type == "n" and isinstance(value, int | float)
                            and math.isclose(value, expected, rel_tol=1e-12)):  # fmt: skip
                        bad("numbers", f"{sheet}!{cell.coordinate} {cell.data_type} "
                                       f"{value!r} for {expected!r}")  # fmt: skip
                    checked["number_formats"] += 1
                    if cell.number_format != fmt:
                        bad("number_formats", f"{sheet}!{cell.coordinate} "
                            f"{cell.number_format!r}, expected {fmt!r}")  # fmt: skip
    result = {
        check: {"ok": not problems[check] and checked[check] > 0, "checked": checked[check],
                "examples": problems[check]}
        for check in CHECKS
    }  # fmt: skip
    result["text"]["hostile_cells"] = hostile_cells
    return result


# --- the parent -------------------------------------------------------------------------------


def versions(python: str, packages: list[str]) -> str:
    code = (
        "import sys\nfrom importlib.metadata import version\n"
        "print(' + '.join(f'{p} {version(p)}' for p in sys.argv[1:]))"
    )
    out = subprocess.run([python, "-c", code, *packages], capture_output=True, text=True)
    return out.stdout.strip() or f"not installed ({out.stderr.strip().splitlines()[-1]})"


def ensure_duckdb_venv(venv: Path) -> str:
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making {venv} (duckdb 1.5.5 + duckdb-extension-excel) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *DUCKDB_PINS],
                       check=True)  # fmt: skip
    return str(python)


def run_child(python: str, key: str, data: Path, out: Path) -> dict:
    done = subprocess.run(
        [python, __file__, "--child", key, "--data", str(data), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default=",".join(CANDIDATES),
                        help="comma-separated candidate keys (default: all)")  # fmt: skip
    parser.add_argument("--duckdb-venv", type=Path, default=DUCKDB_VENV)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.out)
        return

    import pickle

    import duckdb

    keys = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = set(keys) - set(CANDIDATES)
    if unknown:
        parser.error(f"unknown candidates {sorted(unknown)}; known: {', '.join(CANDIDATES)}")
    sys.path.insert(0, str(ROOT))
    tables = make_tables(args.rows)
    shape = tables["projects"].shape
    print(f"{shape[0]:,} x {shape[1]} projects sheet + {len(tables['budget_breakdown'])}-row "
          f"budget_breakdown; best of {args.repeat}; {os.cpu_count()} cores; "
          f"Python {platform.python_version()}\n", file=sys.stderr)  # fmt: skip
    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        data = Path(tmp)
        (data / "tables.pkl").write_bytes(pickle.dumps(tables))
        con = duckdb.connect()
        for sheet, df in tables.items():  # for (e): dates as DATE, as in the warehouse
            duckdb_relation(con, df, layout(df)).write_parquet(str(data / f"{sheet}.parquet"))
        for key in keys:
            python = sys.executable
            if key == "e":
                python = ensure_duckdb_venv(args.duckdb_venv)
            version = versions(python, VERSION_OF[key])
            out = data / f"{key}.xlsx"
            entry = {"writer": CANDIDATES[key], "version": version}
            try:
                runs = [run_child(python, key, data, out) for _ in range(args.repeat)]
            except RuntimeError as exc:
                entry["error"] = str(exc)
                results[key] = entry
                print(f"({key}) failed: {exc}", file=sys.stderr)
                continue
            entry.update(
                seconds=min(r["seconds"] for r in runs),
                median=sorted(r["seconds"] for r in runs)[len(runs) // 2],
                runs=[round(r["seconds"], 3) for r in runs],
                peak_mb=max(r["peak_mb"] for r in runs),
                rss_before_mb=runs[0]["rss_before_mb"],
                size_mb=out.stat().st_size / 2**20,
            )
            start = time.perf_counter()
            entry["checks"] = verify(out, tables)
            entry["verify_seconds"] = time.perf_counter() - start
            entry["identical"] = all(c["ok"] for c in entry["checks"].values())
            results[key] = entry
            print(f"({key}) {entry['seconds']:.2f} s, identical: {entry['identical']}",
                  file=sys.stderr)  # fmt: skip

    base = results.get("a", {}).get("seconds")
    lines = [
        "| writer | version | seconds | × faster than (a) | peak RSS (MB) | xlsx (MB) "
        "| median (s) | identical for a person? |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, entry in results.items():
        if "error" in entry:
            lines.append(f"| ({key}) {entry['writer']} | {entry['version']} | – | – | – | – "
                         f"| – | failed: {entry['error']} |")  # fmt: skip
            continue
        failed = [c for c, v in entry["checks"].items() if not v["ok"]]
        verdict = "yes (all checks pass)" if not failed else "no: " + ", ".join(failed)
        faster = f"{base / entry['seconds']:.1f}" if base else "–"
        lines.append(
            f"| ({key}) {entry['writer']} | {entry['version']} | {entry['seconds']:.2f} "
            f"| {faster} | {entry['peak_mb']:.0f} | {entry['size_mb']:.1f} "
            f"| {entry['median']:.2f} | {verdict} |"
        )
    load_after = os.getloadavg()
    print("\n".join(lines))
    print(f"\nload average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
          "seconds = the write alone, best of the runs; peak RSS includes the interpreter "
          "and the table in memory (rss_before_mb in the JSON)")  # fmt: skip
    for key, entry in results.items():
        for check, value in entry.get("checks", {}).items():
            if not value["ok"]:
                print(f"  ({key}) {check}: {'; '.join(value['examples']) or 'nothing checked'}")
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        "rows": args.rows, "columns": shape[1], "repeat": args.repeat,
        "cores": os.cpu_count(), "python": platform.python_version(),
        "load_average": {"before": load_before, "after": load_after}, "results": results,
    }  # fmt: skip
    (OUT / "xlsx_writers.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"\n{OUT / 'xlsx_writers.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
