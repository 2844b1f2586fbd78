"""The monthly bulletin as files, rendered through Dagster from the marts: the page, the
charts, the Excel export and marts.monthly_changes.

The mess it guards against: figures typed into a page by hand instead of read from the
warehouse (every number asserted here is read back from the published marts), PBF figures
four months older than the bulletin labelled with the bulletin's date, pie percentages that
round to 99 or 101, accents lost on the way to HTML (Ménaka, Taoudénit, Ségou), a tracker
title such as ``=HYPERLINK(...)`` turning into a live formula in the partners' Excel, and
changes computed against whatever month happened to be built before.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from html import escape
from pathlib import Path

import duckdb
import openpyxl
import pytest
from PIL import Image

from sr_pipeline.bulletin.charts import pie_slices
from sr_pipeline.bulletin.content import (
    DIMENSION_TITLES,
    load_month,
    whole_percentages,
)
from tests import ROOT as PROJECT_ROOT
from tests.builders import qip_row, qip_workbook
from tests.pipeline_helpers import build, rows, write_small_trackers

pytestmark = pytest.mark.slow

DEMO_TRACKERS = PROJECT_ROOT / "sources" / "trackers"
JUNE = date(2018, 6, 30)
FORMULA_LIKE = {
    7: '=HYPERLINK("http://example.org","cliquez")',
    8: "+223 puits à Ségou",
    9: "-Réhabilitation à Ménaka",
    10: "@Taoudénit formation",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """June 2018 from the shipped demo trackers."""
    base = tmp_path_factory.mktemp("bulletin")
    trackers = Path(shutil.copytree(DEMO_TRACKERS, base / "trackers"))
    warehouse = base / "warehouse" / "sr.duckdb"
    result = build(trackers, warehouse, "2018-06-01")
    assert result.success
    folder = warehouse.parent / "bulletins" / "2018-06"
    return warehouse, folder, result


def read_month(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return load_month(con, JUNE)
    finally:
        con.close()


def test_month_folder_holds_page_charts_and_export(demo):
    _, folder, _ = demo
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert (folder / ".rendered.json").is_file()  # what it was rendered from: not published
    assert names == [
        "bulletin-2018-06-en.html", "bulletin-2018-06-en.pdf", "bulletin-2018-06-fr.html",
        "bulletin-2018-06-fr.pdf", "edition.json", "index.html", "pbf_window.png",
        "projects_by_region.png", "qip_region_group.png", "qip_sector.png",
        "sr-tables-2018-06.xlsx", "tf_objective.png",
    ]  # fmt: skip
    for png in folder.glob("*.png"):
        with Image.open(png) as image:
            image.verify()
        with Image.open(png) as image:
            assert image.format == "PNG"
            assert 600 <= image.width <= 1200 and 350 <= image.height <= 900, png.name


def test_page_shows_the_headline_figures_each_fund_with_its_date(demo):
    # The demo trackers reproduce bulletin #41 (but for the TF's inconsistent 66 ongoing), so
    # the Main Figures read as the bulletin prints them, each fund headed by its own date.
    _, folder, _ = demo
    page = (folder / "index.html").read_text(encoding="utf-8")
    box = re.sub(r"<[^>]+>", "", page.split('id="main-figures"')[1].split("</section>")[0])
    assert (
        "Quick Impact Projects (QIPs) as of 30 June 2018: 298 projects completed and 139 under "
        "implementation of a budget of 15.9 million USD (441 projects in total since 2013)"
    ) in box
    assert (
        "Peacebuilding Fund (PBF) as of 28 February 2018: 14 projects (4 completed, 10 under "
        "implementation) for a total budget of 26.0 million USD"
    ) in box
    assert (
        "Trust Fund (TF) as of 30 June 2018: 79 projects completed and 53 projects under "
        "implementation out of 132 projects approved for a cost of 52.6 million USD over a "
        "budget of 62.5 million USD (contributions from Australia, Austria, Canada, Denmark, "
        "Germany, Ireland, Italy, Luxembourg, Netherlands, Norway, Sweden, Switzerland, Turkey, "
        "UN DOCO and United Kingdom)"
    ) in box
    assert ") (" not in box  # no doubled parentheses
    for heading, day in (("Quick Impact", "30 June 2018"), ("Trust Fund", "30 June 2018"),
                         ("Peacebuilding", "28 February 2018")):  # fmt: skip
        assert re.search(rf"<h2>{heading}[^<]*<span class='as-of'>as of {day}</span>", page)


def test_page_is_self_contained_utf8_with_accents(demo):
    warehouse, folder, _ = demo
    raw = (folder / "index.html").read_bytes()
    page = raw.decode("utf-8")
    assert '<meta charset="utf-8">' in page
    assert not re.search(r"""(src|href)=["'](https?:|//)""", page)
    assert "<script" not in page and "<link" not in page
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 5 and all(s.startswith("data:image/png;base64,") for s in sources)
    for accented in ("Gao / Ménaka", "Timbuktu / Taoudénit", "Ségou"):
        assert accented in page, accented
    for (title,) in rows(
        warehouse,
        "SELECT title FROM marts.monthly_changes WHERE as_of = ? AND title IS NOT NULL",
        [JUNE],
    ):
        assert escape(title) in page


def test_chart_shares_are_whole_percentages_summing_to_100(demo):
    warehouse, folder, _ = demo
    month = read_month(warehouse)
    page = (folder / "index.html").read_text(encoding="utf-8")
    for fund, dimension in DIMENSION_TITLES:
        slices = pie_slices(month, fund, dimension)
        assert slices and sum(s.percent for s in slices) == 100, (fund, dimension)
        exact = month.slices(fund, dimension).set_index("category")["share_pct"]
        for s in slices:
            assert abs(s.percent - exact[s.category]) < 1
            assert f"<td>{escape(s.label)}</td><td class='num'>{s.percent}%</td>" in page
    # The QIP regions as bulletin #41 printed them.
    qip = {s.category: s.percent for s in pie_slices(month, "QIP", "region_group")}
    assert qip == {"Timbuktu / Taoudénit": 25, "Gao / Ménaka": 22, "Mopti": 21, "Kidal": 16,
                   "Bamako / Countrywide": 16}  # fmt: skip


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([100 / 3] * 3, [34, 33, 33]),  # 33+33+33 would print 99
        ([16.6] * 5 + [17.0], [17, 17, 17, 16, 16, 17]),  # 6 x 17 = 102; ties: first
        ([99.6, 0.4], [100, 0]),
        ([0.0, 0.0], [0, 0]),  # an empty fund: nothing to share
    ],
)
def test_whole_percentages_use_largest_remainders(shares, expected):
    assert whole_percentages(shares) == expected


def test_metadata_shows_the_page_and_the_charts_in_the_ui(demo):
    _, folder, result = demo
    (materialization,) = [
        m for m in result.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "bulletin/monthly"
    ]  # fmt: skip
    metadata = materialization.materialization.metadata
    assert metadata["html"].value == str(folder / "index.html")
    assert metadata["xlsx"].value == str(folder / "sr-tables-2018-06.xlsx")
    assert metadata["main_figures"].value.count("as of") == 3
    assert metadata["charts_preview"].value.count("](data:image/png;base64,") == 5


def test_xlsx_is_formatted_for_people(demo):
    warehouse, folder, _ = demo
    workbook = openpyxl.load_workbook(folder / "sr-tables-2018-06.xlsx")
    assert workbook.sheetnames == [
        "projects", "bulletin_figures", "budget_breakdown", "monthly_changes", "donors",
        "reconciliation", "rejected_rows", "rejected_files", "rule_flags", "about",
    ]  # fmt: skip
    # The last sheet says which warehouse version and tracker versions the workbook shows.
    about = {row[0].value: row[1].value for row in workbook["about"].iter_rows(min_row=2)}
    assert about["month"] == "2018-06-30"
    assert about["warehouse version"].startswith("the published DuckDB file")
    assert about["tracker for 2018-06 (QIP)"].startswith("QIPs_Suivi_2018-06-30.xlsx (sha256 ")
    assert about["tracker for 2018-05 (QIP)"].startswith("QIPs_Suivi_2018-05-31_v2.xlsx")
    projects = workbook["projects"]
    assert projects.freeze_panes == "A2"
    assert projects.auto_filter.ref
    header = [cell.value for cell in projects[1]]
    assert header[:6] == ["as_of", "fund", "project_code", "title", "status", "budget_usd"]
    assert all(cell.font.bold for cell in projects[1])
    budget = projects.cell(row=2, column=header.index("budget_usd") + 1)
    assert isinstance(budget.value, float) and budget.number_format == "#,##0"
    assert projects.cell(row=2, column=1).number_format == "yyyy-mm-dd"
    assert projects.column_dimensions["D"].width > 20  # titles are wide
    (count,) = rows(warehouse, "SELECT count(*) FROM snapshots.projects WHERE as_of = ?", [JUNE])[0]
    assert projects.max_row == count + 1
    breakdown = workbook["budget_breakdown"]
    share = [c.value for c in breakdown[1]].index("share_pct") + 1
    assert breakdown.cell(row=2, column=share).number_format == "0.0"


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    """QIP trackers for May and June 2018, built as June only (May is never built)."""
    base = tmp_path_factory.mktemp("changes")
    trackers = base / "trackers"
    ongoing = {"Statut": "En cours", "Date de clôture": ""}
    qip_workbook(
        trackers,
        [
            qip_row(1),
            qip_row(2, **ongoing),
            qip_row(3, **ongoing, **{"Région": "Ségou"}),
            qip_row(5, **ongoing),
        ],
        name="QIPs_Suivi_2018-05-31.xlsx",
        title_date="31/05/2018",
    )
    june_new = {"Date d'approbation": date(2018, 6, 10), "Date de démarrage": date(2018, 6, 20),
                **ongoing}  # fmt: skip
    qip_workbook(
        trackers,
        [
            qip_row(1),
            qip_row(2),  # completed in June
            qip_row(3, **{"Statut": "Annulé", "Région": "Ségou"}),  # cancelled in June
            # 5 is gone from the June file
            *[
                qip_row(n, **june_new, **{"Intitulé du projet": title, "Budget": 10_000 * n})
                for n, title in FORMULA_LIKE.items()
            ],
        ],
    )
    warehouse = base / "warehouse" / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    return warehouse


def test_monthly_changes_compare_june_with_what_may_would_be(two_months):
    warehouse = two_months
    assert rows(warehouse, "SELECT DISTINCT as_of FROM snapshots.projects") == [(JUNE,)]
    changes = rows(
        warehouse,
        "SELECT change, project_code, value, data_as_of, previous_data_as_of "
        "FROM marts.monthly_changes WHERE as_of = ? ORDER BY ALL",
        [JUNE],
    )
    may, june = date(2018, 5, 31), date(2018, 6, 30)
    assert changes == sorted([
        *[("approved", f"QIP/GAO/2018/{n:03d}", 10_000.0 * n, june, may) for n in FORMULA_LIKE],
        ("budget_delta", None, (25_000 * 2 + 340_000) - 25_000 * 4, june, may),
        ("cancelled", "QIP/GAO/2018/003", 25_000.0, june, may),
        ("completed", "QIP/GAO/2018/002", 25_000.0, june, may),
        ("removed", "QIP/GAO/2018/005", 25_000.0, june, may),
    ], key=repr)  # fmt: skip


def test_page_lists_the_changes_with_their_titles(two_months):
    page = (two_months.parent / "bulletins" / "2018-06" / "index.html").read_text("utf-8")
    assert (
        "Compared with the tracker as of 31 May 2018: 4 newly approved, 1 newly completed, "
        "1 cancelled, 1 no longer in the tracker; budget +290,000 USD." in page
    )
    for title in FORMULA_LIKE.values():
        assert f"<td>{escape(title)}</td>" in page


def test_formula_like_titles_stay_text_in_the_export(two_months):
    workbook = openpyxl.load_workbook(
        two_months.parent / "bulletins" / "2018-06" / "sr-tables-2018-06.xlsx"
    )
    for sheet in ("projects", "monthly_changes"):
        ws = workbook[sheet]
        column = [c.value for c in ws[1]].index("title") + 1
        cells = {ws.cell(row=r, column=column).value: ws.cell(row=r, column=column)
                 for r in range(2, ws.max_row + 1)}  # fmt: skip
        for title in FORMULA_LIKE.values():
            assert cells[title].data_type == "s", (sheet, title)  # 'f' would be a formula


def test_backfill_renders_only_months_with_figures(tmp_path):
    trackers = tmp_path / "trackers"
    qip_workbook(trackers, [qip_row(1)], name="QIPs_Suivi_2018-05-31.xlsx",
                 title_date="31/05/2018")  # fmt: skip
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    result = build(trackers, warehouse, "2018-03-01", "2018-06-01")
    assert result.success
    folders = sorted(p.name for p in (warehouse.parent / "bulletins").iterdir())
    assert folders == ["2018-05", "2018-06"]  # March and April have no tracker yet
    events = [
        m for m in result.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "bulletin/monthly"
    ]  # fmt: skip
    assert len(events) == 4  # one range run: every month of it is materialized
    metadata = events[-1].materialization.metadata
    assert metadata["months_rendered"].value == 2
    assert metadata["months_skipped_no_figures"].value == 2


def test_one_project_is_a_project_and_a_budget_line_is_none(tmp_path):
    """The small trackers: one PBF project in Phase I and the Secrétariat budget line; one TF
    project completed and one ongoing. The page says "1 project", and nothing about projects
    for the Secrétariat line (it is a budget line, not "0 projects")."""
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    page = (warehouse.parent / "bulletins" / "2018-06" / "index.html").read_text("utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "1 project completed and 1 project under implementation out of 3 projects" in text
    assert "Phase I: 3.00 million USD (1 project)" in text
    assert "Phase II: 1.20 million USD (1 project)" in text
    assert "<li>Secrétariat: 0.30 million USD</li>" in page
    assert "(0 projects)" not in text
    assert "1 projects" not in text


def test_the_export_has_a_sheet_for_every_monthly_public_table():
    from sr_pipeline.bulletin.export import SHEETS
    from sr_pipeline.warehouse.layers import MONTHLY_PUBLIC_TABLES

    assert sorted(SHEETS.values()) == sorted(MONTHLY_PUBLIC_TABLES)
