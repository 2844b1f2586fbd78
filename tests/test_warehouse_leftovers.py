"""What a killed run leaves beside the published file, removed by the next run's first step.

Guards against: a publishing copy (``sr.duckdb.tmp``), a half-written feedback workbook or
template, or a half-rendered bulletin month left forever (or read as real); and the cleanup
removing something real: the published file, the work database, a finished bulletin month,
a feedback workbook or a template.
"""

from __future__ import annotations

from pathlib import Path

from sr_pipeline.warehouse.publishing import Warehouse


def test_a_killed_runs_leftovers_are_removed_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "warehouse"
    leftovers = [
        "sr.duckdb.tmp",
        "feedback/QIP/.QIPs_Suivi_2018-06-30_feedback.xlsx.tmp",
        "templates/.QIPs_Suivi_modele.xlsx.tmp",
        "bulletins/.2018-06-rendering/index.html",
    ]
    kept = [
        "sr.duckdb",
        "sr.work.duckdb",
        "feedback/QIP/QIPs_Suivi_2018-06-30_feedback.xlsx",
        "templates/QIPs_Suivi_modele.xlsx",
        "bulletins/2018-06/index.html",
    ]
    for name in leftovers + kept:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    removed = Warehouse(published=folder / "sr.duckdb").remove_leftovers()
    assert sorted(str(p.relative_to(folder)) for p in removed) == sorted(
        ["sr.duckdb.tmp", "feedback/QIP/.QIPs_Suivi_2018-06-30_feedback.xlsx.tmp",
         "templates/.QIPs_Suivi_modele.xlsx.tmp", "bulletins/.2018-06-rendering"]
    )  # fmt: skip
    remaining = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert remaining == sorted(kept)


def test_a_dangling_link_among_the_leftovers_does_not_stop_the_cleanup(tmp_path: Path) -> None:
    """A leftover name that is a link to nothing (its target gone) is skipped, and the
    leftovers after it are removed all the same."""
    folder = tmp_path / "warehouse"
    (folder / "feedback" / "QIP").mkdir(parents=True)
    (folder / "old.duckdb.tmp").symlink_to(tmp_path / "gone")  # listed first
    half_written = folder / "feedback" / "QIP" / ".QIPs_Suivi_2018-06-30_feedback.xlsx.tmp"
    half_written.write_text("x")
    removed = Warehouse(published=folder / "sr.duckdb").remove_leftovers()
    assert removed == [half_written]
    assert not half_written.exists()
