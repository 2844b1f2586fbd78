"""The demo month built by the documented command (``dg launch``) from the demo trackers
edited as clerks and shared drives edit them; the figures are checked against the demo's own
ground truth (``demo.truth``) and the reference exchange rates, never against
what the pipeline computed.

Guards against green runs that publish wrong June figures: a "Total" row above the end of the
data (right under the headers, or a subtotal replacing a group header) dropping every row
after it; a currency merged over two projects read for the first one only; a renamed currency
column (``Monnaie``) ignored without a word; an approval after the report date or a budget
typed ``1e15`` counted; hidden and filtered rows left out; the June file beside a ``_v1`` of
itself, a copy in ``archives/``, or a ``_v2`` beside an identical ``_corrigé`` refused as a
conflict so that the month publishes an older tracker; a year typed ``2081`` never refused,
just never used; TF months written in French (``Mai2018``, ``Jui2018``) taken or refused as
"not a real date"; a ``_corrigé`` behind a ``_v3`` never read and nobody told.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from demo import truth
from tests import DEMO_TRACKERS, ROOT
from tests.pipeline_helpers import dg_launch, figures, rows

pytestmark = pytest.mark.slow

QIP_JUNE = Path("qips/2018/juin/QIPs_Suivi_2018-06-30.xlsx")
PBF_FEB = Path("pbf/PBF_Portefeuille_20180228.xlsx")
FX_RATES = ROOT / "sr_pipeline" / "reference" / "fx_rates.csv"
MERGED_TOP, MERGED_BELOW = 72, 73  # J72 (XOF) merged over J73, whose amount is in XOF too
MERGED_AMOUNT = 15_000_000
LATE_APPROVAL = "15/07/2018"  # in the 30 June tracker


def launch(trackers: Path, base: Path) -> Path:
    """``dg launch --assets '*' --partition 2018-06-01`` in a child process, as a user runs
    it; returns the published warehouse."""
    warehouse = base / "warehouse" / "sr.duckdb"
    done = dg_launch(trackers, warehouse, base / "dagster_home", "--partition", "2018-06-01")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "RUN_SUCCESS" in done.stderr + done.stdout
    return warehouse


def xof_per_usd(month: str) -> float:
    with FX_RATES.open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            if line["month"] == month and line["currency"] == "XOF":
                return float(line["units_per_usd"])
    raise KeyError(month)


def june_truth() -> tuple[list[dict], list[int]]:
    """The QIP June tracker as the demo generator wrote it: its projects and their rows."""
    known = truth.tracker_truth("QIP", date(2018, 6, 30))
    return known["tables"]["projects"], known["source_rows"]["projects"]


def qip_figures(projects: list[dict]) -> dict[str, float]:
    """The QIP bulletin figures of a list of projects, by docs/figures.md's definitions."""
    counted = [p for p in projects if p["status"] != "cancelled"]
    out: dict[str, float] = {"projects_total": len(projects)}
    for status in ("completed", "ongoing", "not_started", "suspended", "cancelled"):
        out[f"projects_{status}"] = sum(p["status"] == status for p in projects)
    out["budget_usd"] = round(sum(p["budget_usd"] for p in counted), 2)
    return out


def chosen_rows(projects: list[dict], excel_rows: list[int]) -> tuple[int, int]:
    """Two ongoing projects (away from the other edits) for the impossible values."""
    taken = {10, 11, MERGED_TOP, MERGED_BELOW}
    ongoing = [r for p, r in zip(projects, excel_rows, strict=True)
               if p["status"] == "ongoing" and r not in taken]  # fmt: skip
    return ongoing[0], ongoing[1]


def edit_june(path: Path, late_row: int, huge_row: int) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Suivi QIPs"]
    assert sheet["B5"].value == "TOMBOUCTOU" and sheet["B117"].value == "GAO"
    # "Total" in the row under the headers, and a subtotal where the GAO group header was.
    sheet["B5"], sheet["A5"], sheet["I5"] = None, "Total", "=SUM(I6:I6)"
    sheet["B117"], sheet["I117"] = "Total", "=SUM(I6:I116)"
    # The currency of row 72 merged over row 73, whose amount is typed in XOF.
    assert str(sheet[f"J{MERGED_TOP}"].value).upper() == "XOF"
    sheet[f"I{MERGED_BELOW}"], sheet[f"J{MERGED_BELOW}"] = MERGED_AMOUNT, None
    sheet.merge_cells(f"J{MERGED_TOP}:J{MERGED_BELOW}")
    # An approval after the report date; a budget typed 1e15.
    sheet[f"K{late_row}"] = LATE_APPROVAL
    sheet[f"L{late_row}"] = None  # (no start date to contradict it)
    sheet[f"I{huge_row}"], sheet[f"J{huge_row}"] = 1e15, None
    # A row hidden by hand, another by a filter.
    sheet.row_dimensions[10].hidden = True
    sheet.auto_filter.ref = "A4:P457"
    sheet.row_dimensions[11].hidden = True
    book.save(path)


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> dict:
    """One folder holding every edit that does not touch another's figures, built once."""
    base = tmp_path_factory.mktemp("clerk")
    trackers = Path(shutil.copytree(DEMO_TRACKERS, base / "trackers"))
    projects, excel_rows = june_truth()
    late_row, huge_row = chosen_rows(projects, excel_rows)
    edit_june(trackers / QIP_JUNE, late_row, huge_row)
    june = trackers / QIP_JUNE
    # Look-alikes of the June file: a copy in archives/, a _v1 beside it, the year mistyped.
    (trackers / "qips/2018/archives").mkdir()
    shutil.copy(june, trackers / "qips/2018/archives" / june.name)
    shutil.copy(june, june.with_name("QIPs_Suivi_2018-06-30_v1.xlsx"))
    shutil.copy(june, trackers / "qips/2018/QIPs_Suivi_2081-06-30.xlsx")
    # TF months in French beside the real ones.
    tf = trackers / "trust_fund"
    shutil.copy(tf / "TF_Project_Tracker_May2018.xlsx", tf / "TF_Project_Tracker_Mai2018.xlsx")
    shutil.copy(tf / "TF_Project_Tracker_Jun2018.xlsx", tf / "TF_Project_Tracker_Jui2018.xlsx")
    # May corrected and sent twice, as _v2 and as _corrigé, the same bytes: one version.
    openpyxl.load_workbook(tf / "TF_Project_Tracker_May2018.xlsx").save(
        tf / "TF_Project_Tracker_May2018_v2.xlsx"
    )
    shutil.copy(
        tf / "TF_Project_Tracker_May2018_v2.xlsx", tf / "TF_Project_Tracker_May2018_corrigé.xlsx"
    )
    # A _v3 of the PBF's February tracker (same content), and a _corrigé that came after it.
    feb = trackers / PBF_FEB
    shutil.copy(feb, feb.with_name("PBF_Portefeuille_20180228_v3.xlsx"))
    corrected = openpyxl.load_workbook(feb)
    corrected["Portefeuille"]["A1"] = corrected["Portefeuille"]["A1"].value + " "
    corrected.save(feb.with_name("PBF_Portefeuille_20180228_corrigé.xlsx"))
    warehouse = launch(trackers, base)
    return {"warehouse": warehouse, "projects": projects, "excel_rows": excel_rows,
            "late_row": late_row, "huge_row": huge_row}  # fmt: skip


def test_june_figures_are_the_trackers_as_the_clerk_meant_them(edited) -> None:
    projects, excel_rows = edited["projects"], edited["excel_rows"]
    by_row = dict(zip(excel_rows, projects, strict=True))
    expected = []
    for row, project in by_row.items():
        if row in (edited["late_row"], edited["huge_row"]):
            continue  # row errors: counted in no figure
        if row == MERGED_BELOW:  # the merged XOF applies: converted at its approval month
            month = f"{project['approval_date']:%Y-%m}"
            project = {**project, "budget_usd": round(MERGED_AMOUNT / xof_per_usd(month), 2)}
        expected.append(project)
    found = figures(edited["warehouse"], "2018-06-30")
    for figure, value in qip_figures(expected).items():
        assert found[("QIP", figure)] == pytest.approx(value, abs=0.005), figure
    # Every project after the subtotal and the total under the headers is there.
    assert found[("QIP", "projects_total")] == len(projects) - 2
    # The other funds: their trackers as generated (the PBF's _v3 is the February content).
    for fund, day in (("TF", date(2018, 6, 30)), ("PBF", date(2018, 2, 28))):
        for name, value in truth.bulletin_figures(truth.tracker_truth(fund, day)).items():
            if ":" not in name:
                assert found[(fund, name)] == pytest.approx(value, rel=1e-9), (fund, name)


def test_the_impossible_values_are_row_errors_naming_the_cell(edited) -> None:
    found = rows(
        edited["warehouse"],
        "SELECT source_row, field, value, problem FROM dq.rejected_rows "
        "WHERE as_of = '2018-06-30' AND fund = 'QIP' AND source_row IN (?, ?) ORDER BY source_row",
        [edited["late_row"], edited["huge_row"]],
    )
    assert [(r, f) for r, f, _, _ in found] == sorted(
        [(edited["late_row"], "approval_date"), (edited["huge_row"], "budget")]
    )
    problems = {field: problem for _, field, _, problem in found}
    assert (
        "the approval date 15/07/2018 is after the tracker's report date 30/06/2018"
        in (problems["approval_date"])
    )
    assert "more than ten times the QIP ceiling of 50,000 USD" in problems["budget"]


def test_data_quality_names_copies_refusals_unknown_columns_and_superseded_versions(edited):
    quality = {
        (fund, name, status): (superseded_by, unknown, refused)
        for fund, name, status, superseded_by, unknown, refused in rows(
            edited["warehouse"],
            "SELECT fund, source_file, status, superseded_by, unknown_columns, refused "
            "FROM marts.data_quality",
        )
    }
    june = "QIPs_Suivi_2018-06-30.xlsx"
    assert quality[("QIP", june, "loaded")][:2] == (None, "Suivi QIPs H: Point focal")
    # The archived copy and the _v1: one version with the June file, read once.
    assert quality[("QIP", june, "copy")][0] == june
    assert quality[("QIP", "QIPs_Suivi_2018-06-30_v1.xlsx", "copy")][0] == june
    assert (
        "later than the day the file was read"
        in (quality[("QIP", "QIPs_Suivi_2081-06-30.xlsx", "refused")][2])
    )
    assert (
        "name the file TF_Project_Tracker_May2018.xlsx"
        in (quality[("TF", "TF_Project_Tracker_Mai2018.xlsx", "refused")][2])
    )
    assert (
        "TF_Project_Tracker_Jun2018.xlsx or TF_Project_Tracker_Jul2018.xlsx"
        in (quality[("TF", "TF_Project_Tracker_Jui2018.xlsx", "refused")][2])
    )
    may = "TF_Project_Tracker_May2018_v2.xlsx"
    assert quality[("TF", "TF_Project_Tracker_May2018_corrigé.xlsx", "copy")][0] == may
    assert quality[("TF", "TF_Project_Tracker_May2018.xlsx", "superseded")][0] == may
    assert ("TF", may, "loaded") in quality
    v3 = "PBF_Portefeuille_20180228_v3.xlsx"
    assert quality[("PBF", "PBF_Portefeuille_20180228_corrigé.xlsx", "superseded")][0] == v3
    assert quality[("PBF", v3, "loaded")][0] is None
    # The undated refusals show in the month's dq.rejected_files too.
    refused = {name for (name,) in rows(
        edited["warehouse"],
        "SELECT source_file FROM dq.rejected_files WHERE as_of = '2018-06-30'")}  # fmt: skip
    assert refused == {
        "QIPs_Suivi_2081-06-30.xlsx", "TF_Project_Tracker_Mai2018.xlsx",
        "TF_Project_Tracker_Jui2018.xlsx",
    }  # fmt: skip


def test_the_june_feedback_says_what_was_read_as_written_in_french(edited) -> None:
    folder = edited["warehouse"].parent / "feedback" / "QIP"
    book = openpyxl.load_workbook(folder / "QIPs_Suivi_2018-06-30_feedback.xlsx", read_only=True)
    lines = [
        (row[1], row[3], row[6], row[9])
        for row in book.worksheets[0].iter_rows(min_row=9, values_only=True)
    ]
    noted = [(r, c, text) for r, c, text, outcome in lines if outcome == "remarque — lignes lues"]
    assert [(r, c) for r, c, _ in noted] == [
        (4, "H"),
        (5, None),
        (117, None),
        (MERGED_TOP, "J"),
        (None, None),
    ]
    texts = [text for _, _, text in noted]
    assert "« Point focal » (colonne H) n'est pas une colonne du suivi" in texts[0]
    assert "la ligne 5 indique « Total », un total" in texts[1]
    assert "la ligne 117 indique « Total »" in texts[2]
    assert f"J{MERGED_TOP}:J{MERGED_BELOW} sont fusionnées" in texts[3]
    # The version is one of the three identical files (folder names mean nothing); the note
    # names the other two.
    assert "QIPs_Suivi_2018-06-30_v1.xlsx" in texts[4] and texts[4].count(".xlsx") == 2


def test_the_bulletin_page_lists_the_tracker_files_it_did_not_use(edited) -> None:
    page = edited["warehouse"].parent / "bulletins" / "2018-06" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "id='unused-trackers'" in html
    assert ("PBF_Portefeuille_20180228_corrigé.xlsx: superseded by "
            "PBF_Portefeuille_20180228_v3.xlsx") in html  # fmt: skip
    assert ("QIPs_Suivi_2018-06-30_v1.xlsx: the same content as "
            "QIPs_Suivi_2018-06-30.xlsx") in html  # fmt: skip
    assert "QIPs_Suivi_2018-06-30.xlsx: a copy of the same file in another folder" in html
    assert "refused: TF_Project_Tracker_Jui2018.xlsx: &#x27;Jui&#x27; is not a month" in html


def test_a_renamed_currency_column_is_named_and_its_amounts_never_pass_as_usd(tmp_path):
    # Monnaie for Devise in the June QIP tracker (alone in its folder): every amount is read
    # as USD. The XOF amounts, far above any QIP, are row errors; the rest count as written;
    # the unknown column is named in marts.data_quality.
    trackers = tmp_path / "trackers"
    (trackers / QIP_JUNE.parent).mkdir(parents=True)
    shutil.copy(DEMO_TRACKERS / QIP_JUNE, trackers / QIP_JUNE)
    book = openpyxl.load_workbook(trackers / QIP_JUNE)
    assert book["Suivi QIPs"]["J4"].value == "Devise"
    book["Suivi QIPs"]["J4"] = "Monnaie"
    book.save(trackers / QIP_JUNE)
    warehouse = launch(trackers, tmp_path)
    projects, _ = june_truth()
    as_written = [{**p, "budget_usd": p["budget"]} for p in projects]
    expected = [p for p in as_written if p["budget_usd"] <= 500_000]
    assert len(expected) < len(projects)  # the demo has XOF budgets above the limit
    found = figures(warehouse, "2018-06-30")
    for figure, value in qip_figures(expected).items():
        assert found[("QIP", figure)] == pytest.approx(value, abs=0.005), figure
    assert rows(
        warehouse,
        "SELECT unknown_columns FROM marts.data_quality WHERE source_file = ?",
        [QIP_JUNE.name],
    ) == [("Suivi QIPs H: Point focal; Suivi QIPs J: Monnaie",)]
    over = rows(
        warehouse,
        "SELECT count(*) FROM dq.rejected_rows WHERE problem LIKE '%ten times the QIP ceiling%'",
    )
    assert over == [(len(projects) - len(expected),)]
