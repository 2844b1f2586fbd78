"""Rules at their edges, written so that each test fails when its rule is taken away.

Guards against: a header sitting lower than usual (a long title block, notes above the table)
found or refused on the wrong side of the 50-row limit; a formula's saved result silently
replaced by what the formula "should" give (the clerk's Excel computed it; the tracker is
what the unit published); a rules table in docs/rules.md pointing at files or functions that
no longer exist, so a reader looking for where a rule lives finds nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests import ROOT
from tests.builders import (
    PBF_HEADERS,
    Formula,
    pbf_row,
    qip_row,
    qip_workbook,
    table,
    write_workbook,
)

PBF_NAME = "PBF_Portefeuille_20180228.xlsx"


def read(path: Path) -> ReadResult:
    return read_tracker(recognise(path))


def pbf_with_header_at(folder: Path, excel_row: int) -> Path:
    """A PBF tracker whose title is in row 1 and whose header is in ``excel_row`` (1-based),
    the rows between them blank but for a note in column A (so no row is dropped as empty)."""
    notes = [[f"note {n}"] for n in range(2, excel_row)]
    rows = [
        ["Portefeuille PBF Mali – situation au 28/02/2018"],
        *notes,
        *table(PBF_HEADERS, [pbf_row(1), pbf_row(2)]),
    ]
    return write_workbook(folder / PBF_NAME, {"Portefeuille": rows})


def test_a_header_in_row_50_is_found(tmp_path: Path) -> None:
    result = read(pbf_with_header_at(tmp_path, 50))
    assert result.refused is None, result.refused
    assert result.tables["projects"]["source_row"].tolist() == [51, 52]


def test_a_header_in_row_51_is_refused_saying_where_it_was_looked_for(tmp_path: Path) -> None:
    result = read(pbf_with_header_at(tmp_path, 51))
    assert result.refused == (
        f"{PBF_NAME}: sheet 'Portefeuille': no header row found (none of the required columns "
        "'Numéro MPTF', 'Titre du projet', 'Fenêtre', 'Agences récipiendaires', 'Régions', "
        "'Budget total (USD)', 'Date de démarrage', 'Statut' appears in the first 50 rows)"
    )


def test_a_saved_result_wins_over_what_the_formula_would_compute(tmp_path: Path) -> None:
    """Excel saved 30000 for =1000+1000 (the formula was edited after a manual recalculation
    was switched off, or the result was pasted over): the saved 30000 is the figure."""
    rows = [
        qip_row(1, Budget=Formula("=1000+1000", 30_000)),
        qip_row(2, Budget=Formula("=SUM(H5:H5)", 12_345.5)),  # would compute 30000
    ]
    result = read(qip_workbook(tmp_path, rows))
    assert result.rejected_rows.empty
    assert result.tables["projects"]["budget"].tolist() == [30_000.0, 12_345.5]


# --- docs/rules.md: where each rule is implemented ------------------------------------------

RULES = ROOT / "docs" / "rules.md"
_TICKED = re.compile(r"`([^`]+)`")
_PATHLIKE = re.compile(r"^[\w./-]+(\.(py|sql|csv)|/)$")


def implemented_in() -> list[tuple[str, list[str]]]:
    """(path, names said to be in it) for each entry of the tables' "implemented in" column,
    e.g. ``reader.py`` (``find_header``, ``HEADER_SCAN_ROWS``)."""
    entries: list[tuple[str, list[str]]] = []
    for line in RULES.read_text(encoding="utf-8").splitlines():
        cells = line.split(" | ")
        if not line.startswith("| ") or len(cells) < 3 or cells[1] == "implemented in":
            continue
        for part in re.split(r",\s*(?![^()]*\))", cells[1]):  # commas outside parentheses
            ticked = _TICKED.findall(part)
            paths = [t for t in ticked if _PATHLIKE.match(t)]
            if not paths:
                continue
            names = [t for t in ticked[1:] if not _PATHLIKE.match(t)]
            entries.extend((path, names if i == 0 else []) for i, path in enumerate(paths))
    return entries


def _implemented_at(path: str) -> Path | None:
    """Where a path of the "implemented in" column is: under ``sr_pipeline/`` (the portal's
    rows under ``sr_pipeline/portal/``), ``demo/`` at the root."""
    for root in (ROOT / "sr_pipeline", ROOT, ROOT / "sr_pipeline" / "portal"):
        if (root / path).exists():
            return root / path
    return None


def test_every_implemented_in_path_of_docs_rules_exists_with_its_names() -> None:
    entries = implemented_in()
    assert len(entries) > 60  # the tables were read, not skipped
    missing = []
    for path, names in entries:
        target = _implemented_at(path)
        if target is None:
            missing.append(path)
            continue
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        text = "\n".join(f.read_text(encoding="utf-8") for f in files)
        for name in names:
            if not re.search(rf"\b{re.escape(name.rsplit('.', 1)[-1])}\b", text):
                missing.append(f"{path}: {name}")
    assert missing == []
