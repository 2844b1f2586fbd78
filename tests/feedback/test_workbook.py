"""The feedback workbook a fund unit receives, opened as the unit would open it.

Guards against what makes data-quality feedback useless or dangerous to the clerks who keep
the trackers: a problem they cannot find (the comment and the highlight must sit on the exact
cell, at the same row and column as in their own file), a message in the wrong language (the
QIP and PBF units work in French, the Trust Fund unit in English), a suggestion that is wrong
(``Kayes-Nord`` must not become anything, ``31/06/2018`` has no reading) or applied behind
their back (the original tracker must stay byte for byte what they sent), and text from a
tracker that turns into a live formula when the feedback is opened (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``). Each test builds a deliberately broken tracker with
``tests/builders.py``, reads it with ``read_tracker``, writes its feedback into ``tmp_path``
and asserts exact cells.
"""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from sr_pipeline.feedback import feedback_counts, feedback_path, workbook, write_feedback
from sr_pipeline.feedback.workbook import FILL_FLAGGED, FILL_REJECTED, SUMMARY_HEADER_ROW
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.warehouse.raw import RecordedVersion, insert_version, load_version
from sr_pipeline.warehouse.schema import apply_schema
from tests.builders import (
    QIP_HEADERS,
    contribution_row,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_workbook,
    tf_row,
    tf_workbook,
    write_workbook,
)

RED, AMBER = "FF" + FILL_REJECTED[1:], "FF" + FILL_FLAGGED[1:]
HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"


def read(path: Path) -> RecordedVersion:
    """The version as the raw step records it and the feedback step reads it back: read once,
    stored in a warehouse, loaded from there (the feedback never parses the tracker)."""
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    result = read_tracker(tracker)
    with duckdb.connect() as con:
        apply_schema(con)
        insert_version(con, result)
        return load_version(con, result.sha256, tracker)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary_rows(book: openpyxl.Workbook) -> list[dict[str, Any]]:
    """The problem lines of the first sheet, keyed by the table's (translated) headers."""
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(min_row=SUMMARY_HEADER_ROW, values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row, strict=True)) for row in rows]


def fill(cell: Any) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def formulas_in(path: Path) -> list[str]:
    """Worksheet parts holding a formula element: there must be none."""
    with zipfile.ZipFile(path) as package:
        return [
            name
            for name in package.namelist()
            if name.startswith("xl/worksheets/sheet")
            and (b"<f>" in package.read(name) or b"<f " in package.read(name))
        ]


# --- a deliberately broken QIP tracker (French) ----------------------------------------------

# Row 5 is a region group header; data rows start at 6 (title rows 1-2, blank 3, header 4).
QIP_ROWS = [
    ["", "Gao"],
    qip_row(1, Région="Tombouctouu"),  # row 6: misspelt region -> Tombouctou
    qip_row(2, **{"Date d'approbation": "31/06/2018"}),  # row 7: no such day, no suggestion
    qip_row(3, Budget="41 97O"),  # row 8: the letter O typed for a zero
    qip_row(4),  # rows 9 and 10: the same code twice
    qip_row(4),
    qip_row(5, Budget=60_000, Observations=HYPERLINK),  # row 11: over the QIP ceiling (flag)
    qip_row(6, Observations=DDE, **{"Date de clôture": "06/25/2018"}),  # row 12: month first
    qip_row(7, Budget="USD 20,000", Devise="XOF"),  # row 13: two currencies for one amount
    qip_row(8, Région="Kayes-Nord"),  # row 14: no region is close: no suggestion
    qip_row(9, Région=HYPERLINK, Observations="@SUM(1+1)"),  # row 15: formula as a value
    qip_row(10, Observations="-2+3"),  # row 16: loads fine; its remark must stay text
]


@pytest.fixture
def qip(tmp_path: Path) -> tuple[Path, RecordedVersion, Path]:
    original = qip_workbook(tmp_path / "trackers", QIP_ROWS)
    result = read(original)
    return original, result, write_feedback(result, tmp_path / "warehouse" / "feedback")


def test_qip_feedback_is_named_after_the_original_and_lists_every_problem(qip) -> None:
    original, result, path = qip
    assert path.relative_to(path.parents[1]) == Path("QIP/QIPs_Suivi_2018-06-30_feedback.xlsx")
    assert path == feedback_path(result, path.parents[1])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["À corriger", "Suivi QIPs"]
    heading = book["À corriger"]
    assert heading["A1"].value == (
        "Contrôle du fichier « QIPs_Suivi_2018-06-30.xlsx » (situation au 30 juin 2018)"
    )
    assert heading["A2"].value == (
        "Lignes lues : 11. Chargées : 2. Rejetées (non chargées) : 9. "
        "Signalées (chargées, à vérifier) : 1."
    )
    assert "jamais appliquées automatiquement" in heading["A3"].value
    # The unit is pointed at its template, in its language.
    assert heading["A7"].value.startswith(
        "Pour éviter ces problèmes la prochaine fois, partez du modèle QIPs_Suivi_modele.xlsx"
    )
    rows = summary_rows(book)
    # Rejections first (by row), then flags; sheet, row, column letter, header, value found.
    assert [
        (r["Feuille"], r["Ligne"], r["Colonne"], r["En-tête"], r["Valeur trouvée"]) for r in rows
    ] == [
        ("Suivi QIPs", 6, "C", "Région", "Tombouctouu"),
        ("Suivi QIPs", 7, "J", "Date d'approbation", "31/06/2018"),
        ("Suivi QIPs", 8, "H", "Budget", "41 97O"),
        ("Suivi QIPs", 9, "A", "Code QIP", "QIP/GAO/2018/004"),
        ("Suivi QIPs", 10, "A", "Code QIP", "QIP/GAO/2018/004"),
        ("Suivi QIPs", 12, "M", "Date de clôture", "06/25/2018"),
        ("Suivi QIPs", 13, "H", "Budget", "USD 20,000"),
        ("Suivi QIPs", 14, "C", "Région", "Kayes-Nord"),
        ("Suivi QIPs", 15, "C", "Région", HYPERLINK),
        ("Suivi QIPs", 11, "H", "Budget", "60000"),  # the flag's value is read from the cell
    ]
    outcomes = [r["Conséquence"] for r in rows]
    assert outcomes == ["rejetée — ligne non chargée"] * 9 + ["signalée — ligne chargée"]
    assert [r["Code du projet"] for r in rows][:2] == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert [r["Aller à"] for r in rows][:3] == ["C6", "J7", "H8"]
    assert heading["K9"].hyperlink.location == "'Suivi QIPs'!C6"


def test_qip_messages_are_in_french_without_the_english_header_prefix(qip) -> None:
    rows = summary_rows(openpyxl.load_workbook(qip[2]))
    problems = [r["Problème"] for r in rows]
    assert problems[0].startswith("« Tombouctouu » n'est pas une valeur connue (région du ")
    assert "n'est pas une date réelle" in problems[1]
    assert "n'est pas un nombre : écrivez le montant en chiffres" in problems[2]
    assert "aussi utilisé à la/aux ligne(s) 10" in problems[3]
    assert "aussi utilisé à la/aux ligne(s) 9" in problems[4]
    assert problems[6] == (
        "le montant est écrit en USD mais la devise de la ligne est XOF ; mettez-les en accord"
    )
    nnbsp = "\u202f"  # French groups thousands with a narrow no-break space
    assert (
        problems[9]
        == f"le budget de 60{nnbsp}000 USD dépasse le plafond des QIP (50{nnbsp}000 USD)"
    )
    assert not any(p.startswith(("Région:", "Budget:", "Code QIP:")) for p in problems)
    accepted = [r["Ce qui est accepté"] for r in rows]
    assert accepted[0] == (
        "une région : Tombouctou, Taoudénit, Gao, Ménaka, Kidal, Mopti, Ségou, Bamako, National"
    )
    assert accepted[1] == "une date comme 30/06/2018, 30.06.2018 ou 2018-06-30 (le jour d'abord)"
    assert accepted[3] == "un code utilisé par une seule ligne du fichier"
    assert accepted[9].startswith("au plus 50\u202f000 USD (plafond des QIP)")


def test_qip_suggestions_where_a_correction_is_likely_and_none_elsewhere(qip) -> None:
    rows = summary_rows(openpyxl.load_workbook(qip[2]))
    suggestions = {(r["Ligne"], r["Colonne"]): r["Correction suggérée"] for r in rows}
    assert suggestions == {
        (6, "C"): "Tombouctou",  # nearest gazetteer entry
        (7, "J"): None,  # 31 June does not exist, and 30/06 or 01/07 would be a guess
        (8, "H"): "41970",  # the number in a text amount
        (9, "A"): None,  # duplicates: the message names the other row instead
        (10, "A"): None,
        (12, "M"): "25/06/2018",  # month first: no 25th month, so the day-first reading
        (13, "H"): "20000 si le montant est en XOF ; ou mettre Devise à USD",
        (14, "C"): None,  # Kayes-Nord is close to nothing in the gazetteer
        (15, "C"): None,
        (11, "H"): None,  # business-rule flags get no suggestion
    }


def test_problem_cells_are_highlighted_and_commented_at_their_exact_position(qip) -> None:
    data = openpyxl.load_workbook(qip[2])["Suivi QIPs"]
    region = data["C6"]
    assert region.value == "Tombouctouu" and fill(region) == RED
    assert region.comment.text.splitlines() == [
        "Rejetée — ligne non chargée",
        "« Tombouctouu » n'est pas une valeur connue (région du répertoire) ; utilisez l'une "
        "de : Tombouctou, Taoudénit, Gao, Ménaka, Kidal, Mopti, Ségou, Bamako, National",
        "Correction suggérée : Tombouctou",
    ]
    assert fill(data["H11"]) == AMBER and data["H11"].value == 60_000
    assert data["H11"].comment.text.startswith("Signalée — ligne chargée\nle budget de 60")
    assert fill(data["J7"]) == RED and "Correction" not in data["J7"].comment.text
    assert "Correction suggérée : 41970" in data["H8"].comment.text
    assert "Correction suggérée : 25/06/2018" in data["M12"].comment.text
    assert fill(data["A9"]) == RED and "ligne(s) 10" in data["A9"].comment.text
    # Everything else is as the unit wrote it, where the unit wrote it, and unmarked.
    assert data["A2"].value == "Projets à Impact Rapide (QIPs) – Situation au 30/06/2018"
    assert data["B5"].value == "Gao"  # the region group header
    assert data["A6"].value == "QIP/GAO/2018/001" and data["H6"].value == 25_000
    assert data["J6"].value == datetime(2018, 3, 1)
    for clean in ("B6", "D6", "H6", "J6", "A16", "O16"):
        assert fill(data[clean]) is None and data[clean].comment is None, clean
    # The header row is bold and frozen, as a table should be.
    assert data["C4"].value == "Région" and data["C4"].font.b
    assert data.freeze_panes == "A5"
    assert openpyxl.load_workbook(qip[2])["À corriger"].freeze_panes == "A9"


def test_formula_like_text_from_the_tracker_is_written_inert(qip) -> None:
    path = qip[2]
    book = openpyxl.load_workbook(path)
    data = book["Suivi QIPs"]
    for coordinate, text in (("O11", HYPERLINK), ("O12", DDE), ("C15", HYPERLINK),
                             ("O15", "@SUM(1+1)"), ("O16", "-2+3")):  # fmt: skip
        assert data[coordinate].value == text
        assert data[coordinate].data_type == "s", coordinate
    summary = book["À corriger"]
    found = [c for row in summary.iter_rows() for c in row if c.value == HYPERLINK]
    assert found and all(c.data_type == "s" for c in found)
    assert formulas_in(path) == []


def test_the_original_tracker_is_never_modified(tmp_path: Path) -> None:
    trackers = tmp_path / "trackers"
    original = qip_workbook(trackers, QIP_ROWS)
    before, listing = sha256(original), sorted(trackers.rglob("*"))
    result = read(original)
    first = write_feedback(result, tmp_path / "warehouse" / "feedback")
    again = write_feedback(result, tmp_path / "warehouse" / "feedback")  # a re-run replaces it
    assert first == again and first.exists()
    assert sha256(original) == before == result.sha256
    assert sorted(trackers.rglob("*")) == listing  # nothing written next to the original
    # no temporary left: the workbook, and the hidden record of what it was written from
    assert sorted(p.name for p in first.parent.iterdir()) == [f".{first.name}.inputs", first.name]


def test_a_tracker_changed_since_it_was_read_is_not_reproduced(tmp_path: Path) -> None:
    # The unit overwrote its file between the read and the feedback: highlighting the new
    # file's cells with the old file's problems would point at the wrong rows.
    original = qip_workbook(tmp_path, [qip_row(1, Région="Tombouctouu")])
    result = read(original)
    qip_workbook(tmp_path, [qip_row(1), qip_row(2, Région="Tombouctouu")])
    book = openpyxl.load_workbook(write_feedback(result, tmp_path / "out"))
    assert book.sheetnames == ["À corriger"]
    assert "a changé depuis son contrôle" in book["À corriger"]["A6"].value
    assert summary_rows(book)[0]["Correction suggérée"] == "Tombouctou"


def test_a_problem_without_a_column_is_commented_on_the_first_cell_of_its_row(
    tmp_path: Path,
) -> None:
    # The optional "Date de clôture" column is absent, and a completed project needs one.
    headers = [h for h in QIP_HEADERS if h != "Date de clôture"]
    result = read(qip_workbook(tmp_path, [qip_row(1)], headers=headers))
    assert result.rejected_rows["excel_column"].tolist() == [None]
    book = openpyxl.load_workbook(write_feedback(result, tmp_path / "out"))
    (row,) = summary_rows(book)
    assert (row["Ligne"], row["Colonne"], row["En-tête"]) == (5, None, "Date de clôture")
    assert row["Aller à"] == "A5"
    cell = book["Suivi QIPs"]["A5"]
    assert fill(cell) == RED
    assert "Date de clôture : le projet est indiqué comme achevé" in cell.comment.text


def test_a_table_that_does_not_start_at_a1_keeps_its_positions(tmp_path: Path) -> None:
    # The unit left row 1 and column A empty: the highlight must still land on the cell the
    # clerk sees, here the region in D5, not one column or row off.
    row = qip_row(1, Région="Tombouctouu")
    sheet = [[], ["", "Projets à Impact Rapide (QIPs) – Situation au 30/06/2018"], [],
             ["", *QIP_HEADERS], ["", *(row[h] for h in QIP_HEADERS)]]  # fmt: skip
    path = write_workbook(tmp_path / "QIPs_Suivi_2018-06-30.xlsx", {"Suivi QIPs": sheet})
    book = openpyxl.load_workbook(write_feedback(read(path), tmp_path / "out"))
    data = book["Suivi QIPs"]
    assert data["D5"].value == "Tombouctouu" and fill(data["D5"]) == RED
    assert "Tombouctou" in data["D5"].comment.text
    assert data["B5"].value == "QIP/GAO/2018/001" and data["A5"].value is None
    assert data["B4"].font.b and data.freeze_panes == "A5"
    assert summary_rows(book)[0]["Aller à"] == "D5"


# --- the Trust Fund unit works in English ----------------------------------------------------


def test_tf_feedback_is_in_english_and_covers_both_data_sheets(tmp_path: Path) -> None:
    path = tf_workbook(
        tmp_path,
        [
            tf_row(1, Objective="Obj. 7"),  # row 4: no such objective, and no guess
            tf_row(2, Objective="Capacity bulding of Malian Security Forces (MSF)"),  # row 5
            tf_row(3, **{"Expenditure to date": 200_000}),  # row 6: over budget (flag)
        ],
        contributions=[contribution_row(), contribution_row(**{"Date received": "15/12/16"})],
    )
    result = read(path)
    out = write_feedback(result, tmp_path / "out")
    assert out.relative_to(tmp_path / "out") == Path("TF/TF_Project_Tracker_Jun2018_feedback.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["To fix", "Projects", "Contributions"]
    assert book["To fix"]["A1"].value == (
        "Data check of 'TF_Project_Tracker_Jun2018.xlsx' (as of 30 June 2018)"
    )
    assert book["To fix"]["A7"].value.startswith(
        "To avoid these problems next time, start from the template "
        "TF_Project_Tracker_template.xlsx"
    )
    rows = summary_rows(book)
    assert [(r["Sheet"], r["Row"], r["Column"], r["Header"], r["Suggested correction"],
             r["Outcome"]) for r in rows] == [
        ("Projects", 4, "C", "Objective", None, "rejected — row not loaded"),
        # the objective as a clerk picks it: its number and its name
        ("Projects", 5, "C", "Objective", "2 - Capacity building of Malian Security Forces (MSF)",
         "rejected — row not loaded"),
        ("Contributions", 3, "B", "Date received", "15/12/2016", "rejected — row not loaded"),
        ("Projects", 6, "H", "Expenditure to date", None, "flagged — row loaded"),
    ]  # fmt: skip
    assert rows[0]["What is wrong"].startswith("'Obj. 7' is not a known Trust Fund objective")
    assert rows[0]["What is accepted"].startswith("an objective number 1 to 5")
    assert rows[3]["What is wrong"] == (
        "expenditure of 200,000 USD is above the approved budget of 181,320 USD"
    )
    assert rows[3]["What is accepted"].startswith("expenditure up to the approved budget")
    assert rows[3]["Value found"] == "200000"  # read from the flagged cell
    assert fill(book["Projects"]["C4"]) == RED
    assert book["Projects"]["C4"].comment.text.startswith("Rejected — row not loaded\n'Obj. 7'")
    assert fill(book["Projects"]["H6"]) == AMBER
    assert fill(book["Contributions"]["B3"]) == RED
    assert "Suggested correction: 15/12/2016" in book["Contributions"]["B3"].comment.text
    assert book["Contributions"]["A1"].value == "Donor" and book["Contributions"]["A1"].font.b


# --- PBF (French): lists of regions and MPTF numbers -------------------------------------------


def test_pbf_feedback_suggests_within_lists_and_pads_mptf_numbers(tmp_path: Path) -> None:
    path = pbf_workbook(
        tmp_path,
        [
            pbf_row(1, Régions="Mopti, Gaoo"),  # row 4: one misspelt region in a list
            pbf_row(2, **{"Numéro MPTF": "92458"}),  # row 5: zeros lost, typed as text
            pbf_row(3, Fenêtre="Phase 2"),  # row 6: Phase I or Phase II? a number is no typo
            pbf_row(4, Statut="En cour"),  # row 7
        ],
    )
    book = openpyxl.load_workbook(write_feedback(read(path), tmp_path / "out"))
    assert book.sheetnames == ["À corriger", "Portefeuille"]
    rows = summary_rows(book)
    assert [(r["Ligne"], r["Colonne"], r["Correction suggérée"]) for r in rows] == [
        (4, "E", "Mopti, Gao"),
        (5, "A", "00092458"),
        (6, "C", None),
        (7, "J", "En cours"),  # the French label, not the canonical "ongoing"
    ]
    assert rows[3]["Ce qui est accepté"] == (
        "un statut : Achevé, En cours, Non démarré, Suspendu, Annulé"
    )
    assert fill(book["Portefeuille"]["E4"]) == RED


# --- refused files and clean files -------------------------------------------------------------


def test_a_refused_file_gets_the_reason_in_the_units_language_and_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = [h for h in QIP_HEADERS if h != "Statut"]
    original = qip_workbook(tmp_path / "trackers", [qip_row(1)], headers=headers)
    result = read(original)
    assert result.refused is not None

    def no_opening(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a refused tracker must not be opened")

    monkeypatch.setattr(workbook.CalamineWorkbook, "from_filelike", no_opening)
    monkeypatch.setattr(Path, "read_bytes", no_opening)
    out = write_feedback(result, tmp_path / "out")
    monkeypatch.undo()
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["À corriger"]
    sheet = book["À corriger"]
    assert sheet["A3"].value.startswith("Le fichier entier a été refusé")
    (row,) = summary_rows(book)
    assert row["Problème"].startswith(
        "feuille « Suivi QIPs » : colonne obligatoire absente : 'Statut'"
    )
    assert row["Conséquence"] == "refusé — fichier non chargé"
    assert feedback_counts(result)["refused"] == 1


def test_a_refused_trust_fund_file_is_explained_in_english(tmp_path: Path) -> None:
    original = tmp_path / "TF_Project_Tracker_Jun2018.xlsx"
    original.write_text("Project ID;Project Title\nTF-2018-001;x\n")  # a CSV renamed .xlsx
    result = read(original)
    book = openpyxl.load_workbook(write_feedback(result, tmp_path / "out"))
    (row,) = summary_rows(book)
    assert row["What is wrong"] == "not an .xlsx workbook: it is a text file (CSV?) renamed .xlsx"
    assert row["Outcome"] == "refused — file not loaded"


def test_a_clean_file_gets_a_short_thank_you_and_its_counts(tmp_path: Path) -> None:
    path = qip_workbook(tmp_path, [qip_row(1), qip_row(2)], name="QIPs_Suivi_2018-06-30_v2.xlsx")
    result = read(path)
    out = write_feedback(result, tmp_path / "out")
    assert out.name == "QIPs_Suivi_2018-06-30_v2_feedback.xlsx"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["À corriger"]
    assert book["À corriger"]["A3"].value.startswith("Aucun problème trouvé")
    # No "to avoid these problems next time" above an empty table.
    assert book["À corriger"]["A7"].value.startswith("Continuez à partir du modèle")
    assert "problème" not in book["À corriger"]["A7"].value
    assert summary_rows(book) == []
    assert feedback_counts(result) == {
        "rows_read": 2, "rows_loaded": 2, "rows_rejected": 0, "rows_flagged": 0,
        "rejections": 0, "flags": 0, "refused": 0,
    }  # fmt: skip


def test_counts_count_rows_once_however_many_problems(qip) -> None:
    _, result, _ = qip
    assert feedback_counts(result) == {
        "rows_read": 11, "rows_loaded": 2, "rows_rejected": 9, "rows_flagged": 1,
        "rejections": 9, "flags": 1, "refused": 0,
    }  # fmt: skip
