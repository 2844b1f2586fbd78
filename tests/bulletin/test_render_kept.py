"""A month whose inputs did not change is not rendered again, and any change renders it again:
each case is a real run (``dg.materialize`` of every asset) on the same warehouse, and a
month's folder after it is compared with a fresh rendering of the published marts into an
empty folder (what the folder must hold, whichever way it got there).

The mess it guards against: a rebuild that keeps last month's charts after a tracker was
corrected, a highlight written after the first run that never reaches the PDF, a deleted or
hand-edited file that stays deleted or edited, and a month redrawn on every run although
nothing changed (most of a warm run's time).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sr_pipeline.bulletin import render as render_module
from sr_pipeline.bulletin import render_month
from sr_pipeline.bulletin.render import RECORD_NAME
from sr_pipeline.warehouse.digests import output_digests
from tests.pipeline_helpers import QUIET_MAIL, build, write_qip_june_v2, write_small_trackers

pytestmark = pytest.mark.slow

JUNE = date(2018, 6, 30)


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of the month's folder (the record too): its inode and modification time."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def contents(folder: Path) -> dict[str, str]:
    """Every file of a month's folder but the dot files, as the digests compare them (a
    workbook as a person sees it: its bytes hold the time it was written)."""
    return output_digests(folder)


class Month:
    """June 2018 of the small trackers, built on one warehouse as often as a test asks."""

    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base = base
        self.trackers = write_small_trackers(base / "trackers")
        self.editorial = base / "editorial"
        self.editorial.mkdir()
        self.warehouse = base / "warehouse" / "sr.duckdb"
        self.folder = self.warehouse.parent / "bulletins" / "2018-06"
        monkeypatch.setenv("SR_EDITORIAL_DIR", str(self.editorial))
        for variable in QUIET_MAIL:
            monkeypatch.delenv(variable, raising=False)
        self.fresh_count = 0

    def build(self) -> dg.ExecuteInProcessResult:
        result = build(self.trackers, self.warehouse, "2018-06-01")
        assert result.success
        return result

    def fresh(self) -> dict[str, str]:
        """The files a rendering of the published marts into an empty folder writes."""
        self.fresh_count += 1
        out = self.base / f"fresh-{self.fresh_count}"
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            rendered = render_month(con, JUNE, out, editorial=self.editorial)
        finally:
            con.close()
        return contents(rendered.folder)


@pytest.fixture
def month(tmp_path, monkeypatch) -> Month:
    return Month(tmp_path, monkeypatch)


def bulletin_metadata(result: dg.ExecuteInProcessResult) -> dict:
    (event,) = [
        m for m in result.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "bulletin/monthly"
    ]  # fmt: skip
    return event.materialization.metadata


def test_an_unchanged_month_is_not_rendered_again(month):
    first = bulletin_metadata(month.build())
    before = stamps(month.folder)
    assert RECORD_NAME in before and "bulletin-2018-06-en.pdf" in before
    second = bulletin_metadata(month.build())
    assert stamps(month.folder) == before  # not one file written again, the record neither
    assert contents(month.folder) == month.fresh()
    # The run's metadata still shows the month: its charts, pages and figures.
    for name in ("charts", "pdf_pages", "drafts", "main_figures", "charts_preview"):
        assert second[name] == first[name], name
    pngs = len(list(month.folder.glob("*.png")))
    assert second["charts_preview"].value.count("](data:image/png;base64,") == pngs > 0


def _rendered_again(month: Month, before: dict[str, tuple[int, int]]) -> None:
    """Every file of the month was written again (none kept from the last run but a PDF
    printed from the same HTML, which is copied), and the folder is a fresh rendering's."""
    after = stamps(month.folder)
    assert after[RECORD_NAME] != before[RECORD_NAME]
    assert after["index.html"][0] != before["index.html"][0]
    assert contents(month.folder) == month.fresh()


def test_each_change_of_what_the_month_reads_renders_it_again(month, monkeypatch):
    month.build()
    first = contents(month.folder)
    record = json.loads((month.folder / RECORD_NAME).read_text(encoding="utf-8"))

    # A highlight written after the first run.
    before = stamps(month.folder)
    (month.editorial / "2018-06-en.md").write_text("- On 29 June, in Gao.\n", encoding="utf-8")
    month.build()
    _rendered_again(month, before)
    assert "On 29 June, in Gao." in (month.folder / "bulletin-2018-06-en.html").read_text("utf-8")
    assert json.loads((month.folder / "edition.json").read_text("utf-8"))["drafts"] == ["fr"]

    # A highlight changed (same size, another word).
    before = stamps(month.folder)
    (month.editorial / "2018-06-en.md").write_text("- On 28 June, in Gao.\n", encoding="utf-8")
    month.build()
    _rendered_again(month, before)
    assert "On 28 June, in Gao." in (month.folder / "bulletin-2018-06-en.html").read_text("utf-8")

    # A corrected tracker: June's figures change.
    before = stamps(month.folder)
    page = (month.folder / "index.html").read_text("utf-8")
    write_qip_june_v2(month.trackers)
    month.build()
    _rendered_again(month, before)
    assert (month.folder / "index.html").read_text("utf-8") != page
    assert "QIPs_Suivi_2018-06-30_v2.xlsx" in (month.folder / "index.html").read_text("utf-8")

    # Another version of the code that draws the month.
    before = stamps(month.folder)
    monkeypatch.setattr(render_module, "code_digest", lambda: "another version of the code")
    month.build()
    _rendered_again(month, before)
    now = json.loads((month.folder / RECORD_NAME).read_text(encoding="utf-8"))
    assert now["inputs"] != record["inputs"]
    assert contents(month.folder) != first


@pytest.mark.parametrize(
    "damage",
    ["delete a PDF", "edit the page", "delete the record", "add a file", "edit the record"],
)
def test_a_damaged_folder_is_rendered_again(month, damage):
    month.build()
    expected = contents(month.folder)
    if damage == "delete a PDF":
        (month.folder / "bulletin-2018-06-fr.pdf").unlink()
    elif damage == "edit the page":
        page = month.folder / "index.html"
        page.write_text(page.read_text("utf-8").replace("QIP", "QPI"), encoding="utf-8")
    elif damage == "delete the record":
        (month.folder / RECORD_NAME).unlink()
    elif damage == "add a file":
        (month.folder / "notes.txt").write_text("a person's note\n", encoding="utf-8")
    else:
        record = month.folder / RECORD_NAME
        record.write_text(record.read_text("utf-8").replace('"inputs": "', '"inputs": "0'))
    before = stamps(month.folder)
    month.build()
    after = stamps(month.folder)
    assert after["index.html"][0] != before["index.html"][0]  # written again
    assert contents(month.folder) == expected == month.fresh()
