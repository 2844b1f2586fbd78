"""The feedback workbook on paper, as a clerk prints it (the portal hands it out).

Guards against what made the QIP unit's feedback unusable printed from LibreOffice: 85 pages,
the summary table cut across pages (its last columns, the suggestion and the link, on pages
of their own), and long problem sentences drawn over the rows below them because a row
written by a program does not grow for its wrapped text. The demo's June QIP tracker is
checked, its feedback printed to PDF by LibreOffice, and the first pages kept as PNGs in
``test-artifacts/feedback-print/`` to be looked at.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pytest

from sr_pipeline.feedback import write_feedback
from sr_pipeline.feedback.workbook import SUMMARY_HEADER_ROW
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.warehouse.raw import insert_version, load_version
from sr_pipeline.warehouse.schema import apply_schema
from tests import DEMO_TRACKERS, ROOT

pytestmark = pytest.mark.slow

SOFFICE, PDFTOPPM = shutil.which("soffice"), shutil.which("pdftoppm")
ARTIFACTS = ROOT / "test-artifacts" / "feedback-print"
LINE_POINTS = 15


@pytest.fixture(scope="module")
def feedback(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tracker = recognise(DEMO_TRACKERS / "qips" / "2018" / "juin" / "QIPs_Suivi_2018-06-30.xlsx")
    result = read_tracker(tracker)
    with duckdb.connect() as con:
        apply_schema(con)
        insert_version(con, result)
        record = load_version(con, result.sha256, tracker)
    return write_feedback(record, tmp_path_factory.mktemp("feedback"))


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_repeated(
    feedback: Path,
) -> None:
    book = openpyxl.load_workbook(feedback)
    summary, data = book.worksheets
    for sheet in (summary, data):
        assert sheet.page_setup.orientation == "landscape"
        # xlsxwriter leaves out fitToWidth="1": it is the default
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert summary.print_title_rows == f"${SUMMARY_HEADER_ROW}:${SUMMARY_HEADER_ROW}"
    header = next(r for r in range(1, 60) if data.cell(r, 1).value == "Code projet")
    assert data.print_title_rows == f"${header}:${header}"


def test_a_wrapped_sentence_gets_the_height_of_its_lines(feedback: Path) -> None:
    summary = openpyxl.load_workbook(feedback).worksheets[0]
    widths = {c: summary.column_dimensions[c].width for c in "ABCDEFGHIJK"}
    for row in range(SUMMARY_HEADER_ROW + 1, summary.max_row + 1):
        lines = max(
            math.ceil(len(str(cell.value)) / (widths[cell.column_letter] - 1))
            for cell in summary[row]
            if isinstance(cell.value, str) and cell.column_letter in widths
        )
        assert summary.row_dimensions[row].height >= lines * LINE_POINTS, row


@pytest.mark.skipif(SOFFICE is None or PDFTOPPM is None, reason="make debian-packages")
def test_libreoffice_prints_the_summary_whole_on_its_first_page(
    feedback: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(feedback)]  # fmt: skip
    subprocess.run(command, capture_output=True, timeout=180, check=True)
    pdf = tmp_path / f"{feedback.stem}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    pages = int(fields["Pages"])
    width, height = (float(v) for v in fields["Page size"].split("pts")[0].split(" x "))
    assert width > height  # landscape
    # 443 data rows, one page wide: a handful of pages, not 85.
    assert pages <= 8, pages
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    for header in ("Feuille", "Problème", "Correction suggérée", "Conséquence", "Aller à"):
        assert header in first  # every column of the summary on page 1
    assert "K200" in first and "C383" in first  # its lines too
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([PDFTOPPM, "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf),
                    str(ARTIFACTS / "qip-june")], check=True)  # fmt: skip
