"""The printed bulletin: both PDF editions of a month, read back with poppler (pdftotext,
pdfinfo, pdffonts) and compared with the published marts.

The mess it guards against: a French edition that is English with a few words changed
(``15.9 million`` where the reader expects ``15,9 millions USD``, ``1,234`` for ``1 234``),
accents lost or drawn from a font that is not embedded (Ménaka, Taoudénit, Relèvement turn
into boxes on the printer), a map whose numbers were typed by hand and no longer match the
marts, a trend that draws a month never built as a drop to zero, a page layout that spills
onto a fifth page, a month without its highlights printed as if final, highlights whose raw
HTML or image address is obeyed, and figures that match only the demo data (the same checks
run on held-out trackers).
Page images are kept under ``test-artifacts/bulletin/`` for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sr_pipeline.bulletin import render_month
from sr_pipeline.bulletin.editorial import to_html
from tests import ROOT

pytestmark = pytest.mark.slow

ARTIFACTS = ROOT / "test-artifacts" / "bulletin"
JUNE = date(2018, 6, 30)
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
}  # fmt: skip
FUND_NAMES = {
    "en": {"QIP": "Quick Impact Projects (QIPs)", "PBF": "Peacebuilding Fund (PBF)",
           "TF": "Trust Fund (TF)"},
    "fr": {"QIP": "Projets à impact rapide (QIP)",
           "PBF": "Fonds pour la consolidation de la paix (PBF)",
           "TF": "Fonds d'affectation spéciale (TF)"},
}  # fmt: skip
GROUP_NAMES = {
    "Timbuktu / Taoudénit": {"en": "Timbuktu / Taoudénit", "fr": "Tombouctou / Taoudénit"},
    "Gao / Ménaka": {"en": "Gao / Ménaka", "fr": "Gao / Ménaka"},
    "Kidal": {"en": "Kidal", "fr": "Kidal"},
    "Mopti": {"en": "Mopti", "fr": "Mopti"},
    "Bamako / Countrywide": {"en": "Bamako / Countrywide", "fr": "Bamako / National"},
}
# What each fund's Main Figures sentence states, in its order.
SENTENCE_FIGURES = {
    "QIP": ("projects_completed", "projects_ongoing", "budget_usd", "projects_total"),
    "PBF": ("projects_total", "projects_completed", "projects_ongoing", "budget_usd"),
    "TF": ("projects_completed", "projects_ongoing", "projects_total", "cost_usd", "budget_usd"),
}
MONEY = {"budget_usd", "cost_usd"}


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def plain(text: str) -> str:
    """No-break spaces read as spaces, lines joined (a sentence may wrap anywhere)."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def pdf(warehouse: Path, language: str) -> Path:
    return warehouse.parent / "bulletins" / "2018-06" / f"bulletin-2018-06-{language}.pdf"


def marts(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, [JUNE]).fetchall()
    finally:
        con.close()


def written(figure: str, value: float, language: str) -> str:
    """A figure as the edition must print it (formatted here, not by the product)."""
    if figure in MONEY:
        amount = f"{value / 1e6:.1f}"
        if language == "en":
            return f"{amount} million USD"
        noun = "millions" if round(value / 1e6, 1) >= 2 else "million"
        return f"{amount.replace('.', ',')} {noun} USD"
    count = int(round(value))
    return f"{count:,}".replace(",", " ") if language == "fr" else str(count)


def day_text(day: date, language: str) -> str:
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{number} {MONTHS[language][day.month - 1]} {day.year}"


def find_in_order(paragraph: str, expected: list[str]) -> None:
    position = 0
    for item in expected:
        match = re.compile(rf"(?<![\d,.]){re.escape(item)}(?![\d]|[,.]\d)").search(
            paragraph, position
        )
        assert match, f"{item!r} not found (in order) in: {paragraph[position:]}"
        position = match.end()


def main_figures_box(text: str, language: str) -> str:
    start, end = {"en": ("Main Figures", "Global overview"),
                  "fr": ("Chiffres clés", "Vue d'ensemble")}[language]  # fmt: skip
    return plain(text.split(start, 1)[1].split(end, 1)[0])


def main_figures_paragraphs(box: str, language: str, funds) -> dict[str, str]:
    """Each fund's sentence: from its name to the next fund's."""
    starts = sorted((box.index(FUND_NAMES[language][fund]), fund) for fund in funds)
    return {
        fund: box[at : (starts[i + 1][0] if i + 1 < len(starts) else len(box))]
        for i, (at, fund) in enumerate(starts)
    }


@pytest.mark.parametrize("built", ["demo_month", "small_months", "large_month"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_main_figures_print_the_marts_in_each_language(built, language, request):
    warehouse = request.getfixturevalue(built)
    values: dict[str, dict[str, float]] = {}
    dates = {}
    for fund, figure, value, data_as_of in marts(
        warehouse,
        "SELECT fund, figure, value, data_as_of FROM marts.bulletin_figures WHERE as_of = ?",
    ):
        values.setdefault(fund, {})[figure] = value
        dates[fund] = data_as_of
    box = main_figures_box(poppler("pdftotext", str(pdf(warehouse, language)), "-"), language)
    for fund, name in FUND_NAMES[language].items():
        assert (name in box) == (fund in values), f"{fund}: a sentence only with figures"
    paragraphs = main_figures_paragraphs(box, language, values)
    for fund, paragraph in paragraphs.items():
        expected = [day_text(dates[fund], language)] + [
            written(figure, values[fund].get(figure, 0.0), language)
            for figure in SENTENCE_FIGURES[fund]
        ]
        find_in_order(paragraph, expected)


@pytest.mark.parametrize("built", ["demo_month", "small_months", "large_month"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_map_numbers_equal_the_marts(built, language, request):
    warehouse = request.getfixturevalue(built)
    projects = {
        (group, fund): count
        for fund, group, count in marts(
            warehouse,
            "SELECT fund, category, projects FROM marts.budget_breakdown "
            "WHERE as_of = ? AND dimension = 'region_group'",
        )
    }
    sql = "SELECT DISTINCT fund, 1 FROM marts.bulletin_figures WHERE as_of = ?"
    funds = {fund for fund, _ in marts(warehouse, sql)}
    lines = poppler("pdftotext", "-raw", "-l", "1", str(pdf(warehouse, language)), "-").splitlines()
    for group, names in GROUP_NAMES.items():
        at = lines.index(names[language])
        printed = dict(line.split(" ", 1) for line in lines[at + 1 : at + 1 + len(funds)])
        assert {fund: int(plain(n).replace(" ", "")) for fund, n in printed.items()} == {
            fund: projects.get((group, fund), 0) for fund in funds
        }, group


def test_editions_are_a4_with_accents_in_embedded_fonts_and_kept_as_images(demo_month):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for language in ("en", "fr"):
        path = pdf(demo_month, language)
        info = poppler("pdfinfo", str(path))
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert 3 <= pages <= 4, "two figure pages and the highlights, at most four"
        assert "595.276 x 841.89 pts (A4)" in info
        fonts = poppler("pdffonts", str(path)).splitlines()[2:]
        assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts
        text = poppler("pdftotext", str(path), "-")
        for word in (
            "Ménaka",
            "Taoudénit",
            {"en": "Highlights", "fr": "Faits marquants"}[language],
        ):
            assert word in text
        assert "DRAFT" not in text and "PROJET" not in text
        stem = ARTIFACTS / f"demo-{language}"
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(stem)], check=True,
                       timeout=120)  # fmt: skip
        assert len(list(ARTIFACTS.glob(f"demo-{language}-*.png"))) == pages
    french = plain(poppler("pdftotext", str(pdf(demo_month, "fr")), "-"))
    for word in (
        "Section Stabilisation et Relèvement", "Au 30 juin 2018", "Répartition des budgets",
        "Merci à tous les partenaires", "Budget des QIP par secteur",
    ):  # fmt: skip
        assert word in french
    assert "million USD" not in french.replace("millions USD", "")


def test_trend_says_how_many_months_are_built(demo_month, small_months):
    expected = (2018 - 2013) * 12 + (6 - 7) + 1  # July 2013 to June 2018
    for warehouse in (demo_month, small_months):
        (built,) = marts(warehouse, "SELECT count(DISTINCT as_of) FROM marts.bulletin_figures "
                         "WHERE as_of <= ?")[0]  # fmt: skip
        assert built < expected  # these builds have gaps: the sentence must say so
        english = plain(poppler("pdftotext", str(pdf(warehouse, "en")), "-"))
        french = plain(poppler("pdftotext", str(pdf(warehouse, "fr")), "-"))
        assert f"Months built: {built} of {expected} since July 2013" in english
        assert f"Mois construits : {built} sur {expected} depuis juillet 2013" in french


@pytest.mark.parametrize("built", ["small_months", "large_month"])
def test_a_month_without_highlights_is_a_two_page_draft(built, request):
    warehouse = request.getfixturevalue(built)
    for language in ("en", "fr"):
        path = pdf(warehouse, language)
        info = poppler("pdfinfo", str(path))
        assert re.search(r"Pages:\s+2\n", info)
        pages = poppler("pdftotext", str(path), "-").split("\f")
        marker = {"en": "DRAFT", "fr": "PROJET"}[language]
        assert all(marker in page for page in pages if page.strip())
        stem = ARTIFACTS / f"held-out-{built}-{language}"
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(stem)], check=True,
                       timeout=120)  # fmt: skip


def test_highlights_are_untrusted_text(demo_month, tmp_path):
    editorial = tmp_path / "editorial"
    editorial.mkdir()
    (editorial / "2018-06-en.md").write_text(
        "Visit **Gao**.\n\n<script>alert(1)</script>\n\n![tracking](http://192.0.2.1/pixel.png)\n",
        encoding="utf-8",
    )
    html = to_html((editorial / "2018-06-en.md").read_text(encoding="utf-8"))
    assert "<strong>Gao</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    con = duckdb.connect(str(demo_month), read_only=True)
    try:
        rendered = render_month(con, JUNE, tmp_path / "out", editorial=editorial)
    finally:
        con.close()
    assert rendered.drafts == ("fr",) and rendered.pages == {"en": 3, "fr": 2}
    text = poppler("pdftotext", str(rendered.pdfs["en"]), "-")
    assert "Visit Gao." in text and "alert(1)" in text


def test_a_rebuild_printing_the_same_html_keeps_the_pdf_and_a_change_reprints(demo_month, tmp_path):
    editorial = tmp_path / "editorial"
    editorial.mkdir()
    con = duckdb.connect(str(demo_month), read_only=True)
    try:
        first = render_month(con, JUNE, tmp_path / "out", editorial=editorial)
        stamps = {lang: path.stat().st_mtime_ns for lang, path in first.pdfs.items()}
        (editorial / "2018-06-fr.md").write_text("- Le 29 juin, à Gao.\n", encoding="utf-8")
        second = render_month(con, JUNE, tmp_path / "out", editorial=editorial)
    finally:
        con.close()
    assert second.pdfs["en"].stat().st_mtime_ns == stamps["en"]  # the same HTML: kept
    assert second.pdfs["fr"].stat().st_mtime_ns != stamps["fr"]  # highlights written: printed
    assert second.drafts == ("en",) and second.pages == {"en": 2, "fr": 3}
    assert second.key != first.key
    assert "Le 29 juin, à Gao." in poppler("pdftotext", str(second.pdfs["fr"]), "-")
