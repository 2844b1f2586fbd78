"""The reader's parts one by one, on the edges the whole-workbook tests do not reach: column
letters past Z, a sheet whose used range starts right of column A, the header scan's limits,
list separators, merged cells and saved formula results (issue #23, the reader's mutants)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import Refused, column_letter, read_tracker
from tests.builders import QIP_HEADERS, pbf_row, pbf_workbook, qip_row, qip_sheet, write_workbook

QIP_NAME = "QIPs_Suivi_2018-06-30.xlsx"


@pytest.mark.parametrize(
    ("index", "letters"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"),
     (701, "ZZ"), (702, "AAA"), (16383, "XFD")],
)  # fmt: skip
def test_column_letters_as_excel_writes_them(index: int, letters: str) -> None:
    assert column_letter(index) == letters


# --- a sheet whose used range starts right of column A ----------------------------------------


def read(path: Path) -> ReadResult:
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    return read_tracker(tracker)


def test_a_sheet_starting_at_column_c_names_its_columns_as_excel_does(tmp_path: Path) -> None:
    # Budget is the 8th header: column J here (H in a sheet starting at A); Devise is K; an
    # unknown column after the table is R. The currency merged over rows 5-6 fills both.
    extra = [*QIP_HEADERS, "Remarques"]
    rows = [
        {**qip_row(1, Budget=15_000_000, Devise="XOF"), "Remarques": "vu"},
        qip_row(2, Budget=15_000_000),
        qip_row(3, Budget="beaucoup"),
    ]
    sheet_rows = qip_sheet(rows, headers=extra)
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["", ""] + row for row in sheet_rows]},
        merges={"Suivi QIPs": ["C1:R1", "C2:R2", "K5:K6"]},
    )
    result = read(path)
    projects = result.tables["projects"]
    assert projects["project_code"].tolist() == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert projects["currency"].tolist() == ["XOF", "XOF"]
    assert projects["extras"].tolist() == ['{"Remarques": "vu"}', None]
    rejected = result.rejected_rows
    assert rejected[["source_row", "field", "excel_column", "header"]].values.tolist() == [
        [7, "budget", "J", "Budget"]
    ]
    assert [
        (n.source_row, n.excel_column, n.header, n.note_code, json.loads(n.note_params))
        for n in result.notes.itertuples()
    ] == [
        (4, "R", "Remarques", "unknown_column",
         {"column": "R", "header": "Remarques", "missing": {"en": "none", "fr": "aucune"}}),
        (5, "K", "Devise", "merged_cells",
         {"cells": "K5:K6", "first": 5, "last": 6, "value": "XOF"}),
    ]  # fmt: skip


# --- refusals: the row, the columns and the sheets they name -------------------------------

TITLE = "Projets à Impact Rapide (QIPs) – Situation au 30/06/2018"


def refusal(path: Path) -> tuple[str, dict]:
    message = read(path).refused_message
    assert message is not None
    return message.code, dict(message.params)


def qip_rows_workbook(folder: Path, rows: list[list], name: str = QIP_NAME) -> Path:
    return write_workbook(folder / name, {"Suivi QIPs": rows})


def test_a_missing_column_is_reported_from_the_first_row_that_found_the_most(
    tmp_path: Path,
) -> None:
    # Row 2 names two required columns, rows 3 and 4 six of eight (Budget and Statut
    # missing): row 3 is reported, its texts cleaned, the number in it left out.
    partial = [h for h in QIP_HEADERS if h not in ("Budget", "Statut")]
    rows = [[TITLE], ["Code QIP", "Région"], [*partial[:-1], f"  {partial[-1]} ", 2018], partial]
    code, params = refusal(qip_rows_workbook(tmp_path, rows))
    assert code == "column_missing"
    assert params == {
        "sheet": "Suivi QIPs",
        "row": 3,
        "missing": "'Budget' (also accepted: 'Montant approuvé', 'Budget approuvé'); "
        "'Statut' (also accepted: no other name)",
        "found": "'Code QIP', 'Intitulé du projet', 'Région', 'Cercle/Commune', 'Secteur', "
        "\"Partenaire d'exécution\", 'Composante parrain', 'Devise', \"Date d'approbation\", "
        "'Date de démarrage', 'Durée (mois)', 'Date de clôture', 'Observations'",
    }


def test_one_required_column_in_row_50_is_a_missing_column_in_row_51_no_header(
    tmp_path: Path,
) -> None:
    notes = [[f"note {n}"] for n in range(2, 50)]
    code, params = refusal(qip_rows_workbook(tmp_path, [[TITLE], *notes, ["Statut"]]))
    assert (code, params["row"], params["found"]) == ("column_missing", 50, "'Statut'")
    code, params = refusal(qip_rows_workbook(tmp_path, [[TITLE], *notes, [], ["Statut"]]))
    assert code == "no_header"
    assert params == {
        "sheet": "Suivi QIPs",
        "rows": 50,
        "columns": "'Code QIP', 'Intitulé du projet', 'Région', 'Secteur', "
        "\"Partenaire d'exécution\", 'Budget', \"Date d'approbation\", 'Statut'",
    }


def test_two_columns_for_one_field_are_named_with_their_letters(tmp_path: Path) -> None:
    headers = [*QIP_HEADERS, "", " budget APPROUVÉ "]
    rows = [[TITLE], [], [], headers]
    code, params = refusal(qip_rows_workbook(tmp_path, rows))
    assert code == "column_twice"
    assert params == {
        "sheet": "Suivi QIPs",
        "row": 4,
        "header": "Budget",
        "found": "'Budget' (column H), 'budget APPROUVÉ' (column Q)",
    }


def test_the_title_date_and_the_file_name_are_both_quoted(tmp_path: Path) -> None:
    rows = [["Projets à Impact Rapide (QIPs) – situation au 31/05/2018"], QIP_HEADERS]
    code, params = refusal(qip_rows_workbook(tmp_path, rows))
    assert code == "title_date_mismatch"
    assert params == {
        "sheet": "Suivi QIPs",
        "title": "Projets à Impact Rapide (QIPs) – situation au 31/05/2018",
        "stated": "31/05/2018",
        "named": "30/06/2018",
    }


def test_a_missing_sheet_names_every_sheet_found(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / QIP_NAME, {"Feuil1": [["x"]], "Synthèse": [["y"]]})
    assert refusal(path) == (
        "sheet_missing",
        {"sheet": "Suivi QIPs", "found": "'Feuil1', 'Synthèse'"},
    )


# --- lists (PBF recipients and regions) ------------------------------------------------------


def test_list_separators_in_any_case_after_any_letter(tmp_path: Path) -> None:
    # "İ" lowers to two characters: cutting the text where the lowered text has " et " cut
    # "ONG İlk et UNICEF" into "ONG İlk " and "NICEF". " ET " separates as " et " does, a
    # separator right after another leaves no empty name, a region named twice counts once,
    # and a list of text keeps every name as written (no vocabulary to merge them).
    rows = [
        pbf_row(1, **{"Agences récipiendaires": "ONG İlk et UNICEF", "Régions": "Gao ET Mopti"}),
        pbf_row(2, **{"Agences récipiendaires": "UNDP, et UN Women ;PAM", "Régions": "gao/Gao"}),
        pbf_row(3, **{"Agences récipiendaires": "UNDP et UNICEF et UNDP", "Régions": "Kidal"}),
    ]
    projects = read(pbf_workbook(tmp_path, rows)).tables["projects"]
    assert projects["recipients"].tolist() == [
        "ONG İlk; UNICEF", "UNDP; UN Women; PAM", "UNDP; UNICEF; UNDP"
    ]  # fmt: skip
    assert projects["regions"].tolist() == ["Gao; Mopti", "Gao", "Kidal"]


def test_a_refusal_reads_as_its_message_in_a_traceback() -> None:
    message = Message.of("title_date_missing", sheet="Suivi QIPs")
    refused = Refused(message)
    assert refused.message == message
    assert str(refused) == (
        "sheet 'Suivi QIPs': no report date found in the title rows above the header "
        "(expected e.g. 'Situation au 30/06/2018' or 'as of 30 June 2018')"
    )
