"""The reader's parts one by one, on the edges the whole-workbook tests do not reach: column
letters past Z, a sheet whose used range starts right of column A, the header scan's limits,
list separators, merged cells and saved formula results (issue #23, the reader's mutants)."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import NOTE_COLUMNS, REJECTED_ROW_COLUMNS, RULE_FLAG_COLUMNS, ReadResult
from sr_pipeline.reference import load_reference
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import (
    Refused,
    collect_rows,
    column_letter,
    read_tracker,
    report_date_in,
)
from sr_pipeline.trackers.reader.structure import _blank
from sr_pipeline.trackers.safety import UnsafeWorkbook
from tests.builders import (
    QIP_HEADERS,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_sheet,
    qip_workbook,
    replace_in_part,
    tf_row,
    tf_workbook,
    write_workbook,
)

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


def test_in_a_sheet_starting_at_column_c_columns_are_named_by_their_own_letters(
    tmp_path: Path,
) -> None:
    # The used range starts at column C: an unnamed column with a value is column R (P in a
    # sheet starting at A), and two columns for one field are J and S (H and Q).
    rows = [[TITLE], [], [], [*QIP_HEADERS, ""], [*qip_row(1).values(), "vu"]]
    result = read(qip_rows_workbook(tmp_path, [["", ""] + row for row in rows]))
    assert result.refused is None, result.refused
    assert result.tables["projects"]["extras"].tolist() == ['{"column R": "vu"}']
    assert [(n.excel_column, n.note_code) for n in result.notes.itertuples()] == [
        ("R", "unnamed_column")
    ]
    twice = [[TITLE], [], [], [*QIP_HEADERS, "", " budget APPROUVÉ "]]
    path = qip_rows_workbook(tmp_path, [["", ""] + row for row in twice])
    code, params = refusal(path)
    assert (code, params["found"]) == (
        "column_twice", "'Budget' (column J), 'budget APPROUVÉ' (column S)"
    )  # fmt: skip
    # The portal's first look at an upload names them as the pipeline does.
    with pytest.raises(Refused) as upload:
        report_date_in(path, "QIP")
    assert dict(upload.value.message.params)["found"] == (
        "'Budget' (column J), 'budget APPROUVÉ' (column S)"
    )


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


# --- data rows: columns, chunks, records after a total ---------------------------------------


def test_rows_are_kept_exactly_across_chunks() -> None:
    # More rows than one chunk holds (8,192), values repeating within and across chunks, a
    # TRUE cell beside the number 1 (pandas would take them for one value), short rows.
    rows = [
        [f"QIP/GAO/2018/{n:05d}", ["Gao", "Mopti", "Kidal"][n % 3], float(n % 7),
         True if n % 5 == 0 else 1]
        for n in range(20_000)
    ]  # fmt: skip
    rows[9_000] = ["QIP/GAO/2018/09000"]  # written short: padded with empty cells
    columns, excel_rows, skipped, subtotals = collect_rows(iter(rows), 5, 4, load_reference())
    assert excel_rows == list(range(5, 20_005))
    assert skipped == {"blank": 0, "group_header": 0, "total": 0, "after_total": 0}
    assert subtotals == []
    for position in (0, 1, 8_191, 8_192, 8_193, 9_000, 16_384, 19_999):
        row = [columns[col].raw(position) for col in range(4)]
        expected = rows[position] + [""] * (4 - len(rows[position]))
        assert row == expected and [type(v) for v in row] == [type(v) for v in expected]
    # Each value parsed once per chunk: three regions in each of three chunks, and the short
    # row's empty cell.
    assert len(columns[1].uniques) == 3 * 3 + 1


def test_an_empty_cell_in_a_later_chunk_reads_as_empty() -> None:
    # A cell without value (None) in the second chunk of 8,192 rows is empty, not the value
    # the first chunk's codes end with.
    rows = [[f"QIP/GAO/2018/{n:05d}", "Gao"] for n in range(8_200)]
    rows[8_195] = ["QIP/GAO/2018/08195", None]
    columns, *_ = collect_rows(iter(rows), 5, 2, load_reference())
    assert [columns[1].raw(p) for p in (8_191, 8_192, 8_195, 8_199)] == ["Gao", "Gao", "", "Gao"]


def test_a_total_is_a_subtotal_only_if_a_record_follows() -> None:
    reference = load_reference()

    def collect(after_total: list[list], keyed: bool = True) -> tuple:
        rows = [["A-1", "x", "y"], ["Total", "", 5], *after_total]
        records = (0,) if keyed else (0, 1, 2)  # the key, or every required column
        found = collect_rows(iter(rows), 10, 3, reference, records, keyed)
        _, excel_rows, skipped, subtotals = found
        return excel_rows, skipped["after_total"], subtotals

    # A number or one word with a digit in the key column is a record; a sentence, a word
    # without a digit, TRUE or a blank are not.
    for record in (92458, 4.0, "B-2", " QIP/GAO/2018/7 "):
        assert collect([[record, "", ""]]) == ([10, 12], 0, [(11, "Total")])
    for other in (True, "Notes : voir 2018", "Signature", "", "   "):
        assert collect([[other, "z", ""]]) == ([10], 1, [])  # a row after the last total
    # Without a key: a row with every required cell but one filled is a record, one with
    # two blank is not.
    assert collect([["", "z", 1]], keyed=False) == ([10, 12], 0, [(11, "Total")])
    assert collect([["", "z", ""]], keyed=False) == ([10], 1, [])
    # Two totals, then a record: both were subtotals. A sheet is keyed unless told otherwise.
    rows = [["A-1", "x", "y"], ["Total", "", 5], ["Sous-total", "", 5], ["B-2", "", ""]]
    _, excel_rows, _, subtotals = collect_rows(iter(rows), 10, 3, reference, (0,))
    assert (excel_rows, subtotals) == ([10, 13], [(11, "Total"), (12, "Sous-total")])
    rows = [["A-1", "x", "y"], ["Total", "", 5], ["Signature", "z", ""]]
    assert collect_rows(iter(rows), 10, 3, reference, (0,))[1] == [10]
    # Without record columns, every data row is a record.
    rows = [["A-1", "x", "y"], ["Total", "", 5], ["", "", "z"]]
    _, excel_rows, skipped, subtotals = collect_rows(iter(rows), 10, 3, reference)
    assert (excel_rows, skipped["after_total"], subtotals) == ([10, 12], 0, [(11, "Total")])


def test_without_an_as_of_title_the_first_date_above_the_header_is_the_report_date(
    tmp_path: Path,
) -> None:
    # No "situation au" / "as of": the first date stated above the header is taken, and a
    # date below the header is no title.
    rows = [["Imprimé le 05/07/2018"], ["Rapport du 30/06/2018"], QIP_HEADERS,
            ["Situation au 30/06/2018"]]  # fmt: skip
    code, params = refusal(qip_rows_workbook(tmp_path, rows))
    assert (code, params["title"], params["stated"]) == (
        "title_date_mismatch", "Imprimé le 05/07/2018", "05/07/2018"
    )  # fmt: skip
    rows = [["Rapport mensuel"], QIP_HEADERS, ["Situation au 30/06/2018"]]
    assert refusal(qip_rows_workbook(tmp_path, rows)) == (
        "title_date_missing", {"sheet": "Suivi QIPs"}
    )  # fmt: skip


# --- the file: a portal upload's report date, a refusal's empty tables -----------------------


def test_the_report_date_of_an_upload_is_read_from_its_title(tmp_path: Path) -> None:
    # Any file name (an upload has no contract name yet); the header may sit low.
    qip = qip_rows_workbook(
        tmp_path, [["Suivi – situation au 31/05/2018"], *[[f"note {n}"] for n in range(47)],
                   QIP_HEADERS, list(qip_row(1).values())], name="upload.xlsx"
    )  # fmt: skip
    assert report_date_in(qip, "QIP") == date(2018, 5, 31)
    tf = tf_workbook(tmp_path, [tf_row(1)], name="tf upload.xlsx", title="as of 31 March 2018")
    assert report_date_in(tf, "TF") == date(2018, 3, 31)
    # The sheet the fund's contract names must be there.
    with pytest.raises(Refused) as refused:
        report_date_in(qip, "PBF")
    assert refused.value.message.code == "sheet_missing"


def test_an_upload_that_is_no_workbook_is_refused_as_the_pipeline_would(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml")
    with pytest.raises(Refused) as refused:
        report_date_in(broken, "QIP")
    assert refused.value.message.code == "file_unreadable"
    assert refused.value.message.params == (
        ("detail", "CalamineError: File not found '_rels/.rels'"),
    )
    text = tmp_path / "text.xlsx"
    text.write_text("Code QIP;Budget\n", encoding="utf-8")
    with pytest.raises(UnsafeWorkbook) as unsafe:
        report_date_in(text, "QIP")
    assert unsafe.value.message.code == "file_text"


def test_a_refused_tracker_has_empty_tables_with_their_columns(tmp_path: Path) -> None:
    broken = tmp_path / QIP_NAME
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml")
    result = read(broken)
    message = result.refused_message
    assert (message.code, dict(message.params)) == (
        "file_unreadable", {"detail": "CalamineError: Cannot detect file format"}
    )  # fmt: skip
    assert result.refused == f"{QIP_NAME}: {message}"
    assert result.tables == {} and result.rows_read == 0 and result.rows_skipped == {}
    assert list(result.rejected_rows.columns) == list(REJECTED_ROW_COLUMNS)
    assert list(result.rule_flags.columns) == list(RULE_FLAG_COLUMNS)
    assert list(result.notes.columns) == list(NOTE_COLUMNS)
    assert result.rejected_rows.empty and result.rule_flags.empty and result.notes.empty


def test_a_date_and_time_after_the_as_of_label_states_its_day(tmp_path: Path) -> None:
    # "Situation au" | 30/06/2018 08:30 (typed with its time): the report date is the 30th.
    rows = [["Situation au", datetime(2018, 6, 30, 8, 30)], QIP_HEADERS,
            list(qip_row(1).values())]  # fmt: skip
    result = read(qip_rows_workbook(tmp_path, rows))
    assert result.refused is None, result.refused
    assert result.rows_read == 1 and len(result.tables["projects"]) == 1


@pytest.mark.parametrize("typed", [date(2018, 6, 30), "30/06/2018"])
def test_an_as_of_label_takes_the_date_after_it_not_one_before(tmp_path: Path, typed) -> None:
    # One title row: the update date, then "Situation au" and the report date in cells of
    # their own. The update date before the label is not the label's.
    rows = [["Mis à jour le 05/07/2018", "Situation au", typed], QIP_HEADERS,
            list(qip_row(1).values())]  # fmt: skip
    result = read(qip_rows_workbook(tmp_path, rows))
    assert result.refused is None, result.refused
    code, params = refusal(qip_rows_workbook(tmp_path, rows, name="QIPs_Suivi_2018-05-31.xlsx"))
    assert (code, params["title"], params["stated"]) == (
        "title_date_mismatch", "Situation au 30/06/2018", "30/06/2018"
    )  # fmt: skip


def test_a_sheet_calamine_cannot_read_is_refused_naming_it(tmp_path: Path) -> None:
    # A cell pointing past the shared strings table: the workbook opens, the sheet does not.
    path = qip_workbook(tmp_path, [qip_row(1)])
    replace_in_part(
        path, "xl/worksheets/sheet2.xml",
        b'<c r="A2" t="s"><v>3</v></c>', b'<c r="A2" t="s"><v>9999</v></c>',
    )  # fmt: skip
    detail = (
        "sheet 'Suivi QIPs': CalamineError: Cell string index not found in shared strings table"
    )
    expected = ("file_unreadable", {"detail": detail})
    assert refusal(path) == expected
    with pytest.raises(Refused) as refused:
        report_date_in(path, "QIP")
    assert (refused.value.message.code, dict(refused.value.message.params)) == expected


def test_an_upload_s_refusals_name_its_sheet_and_look_above_the_header_only(
    tmp_path: Path,
) -> None:
    notes = [[f"note {n}"] for n in range(49)]
    low = qip_rows_workbook(tmp_path, [[TITLE], *notes, QIP_HEADERS], name="low.xlsx")
    with pytest.raises(Refused) as refused:
        report_date_in(low, "QIP")
    assert refused.value.message.code == "no_header"
    assert dict(refused.value.message.params)["sheet"] == "Suivi QIPs"
    # The report date below the header is no title.
    below = qip_rows_workbook(tmp_path, [QIP_HEADERS, [TITLE]], name="below.xlsx")
    with pytest.raises(Refused) as refused:
        report_date_in(below, "QIP")
    assert refused.value.message == Message.of("title_date_missing", sheet="Suivi QIPs")
    # An empty data sheet has no header either (not "unreadable": calamine gives it no start).
    empty = qip_rows_workbook(tmp_path, [], name="empty.xlsx")
    with pytest.raises(Refused) as refused:
        report_date_in(empty, "QIP")
    assert refused.value.message.code == "no_header"


def test_a_problem_on_a_field_whose_optional_column_is_absent(tmp_path: Path) -> None:
    # No "Date de clôture" column: a completed project has no end date, a row error on a
    # column the sheet does not have (no letter, no value; the header is the contract's name
    # for the column to add, not the field's inner name).
    headers = [h for h in QIP_HEADERS if h != "Date de clôture"]
    rows = [qip_row(1), qip_row(2, Statut="En cours")]
    result = read(qip_workbook(tmp_path, rows, headers=headers))
    rejected = result.rejected_rows
    assert rejected[["source_row", "field", "value", "excel_column", "header", "problem_code"]
                    ].values.tolist() == [
        [5, "end_date", None, None, "Date de clôture", "end_date_when_completed"]
    ]  # fmt: skip
    assert result.tables["projects"]["project_code"].tolist() == ["QIP/GAO/2018/002"]


@pytest.mark.parametrize(
    ("cell", "blank"),
    [(None, True), ("", True), (" \u00a0\t", True), ("x", False), (0, False), (0.0, False),
     (False, False)],
)  # fmt: skip
def test_what_a_blank_cell_is(cell, blank: bool) -> None:
    # None is no value as "" is (calamine gives "" for an empty cell), whitespace is none.
    assert _blank(cell) is blank


def test_a_cell_without_value_reads_as_empty_and_no_rows_give_empty_columns(
    tmp_path: Path,
) -> None:
    # None (no value) beside text: read back as "", the text where it was.
    rows = [["A-1", None, "x"], ["A-2", "y", None]]
    columns, *_ = collect_rows(iter(rows), 5, 3, load_reference())
    assert [[c.raw(p) for c in columns] for p in range(2)] == [["A-1", "", "x"], ["A-2", "y", ""]]
    # A sheet whose header has no row under it: columns of no rows, whose codes index.
    columns, excel_rows, skipped, subtotals = collect_rows(iter([]), 5, 3, load_reference())
    assert excel_rows == [] and subtotals == [] and sum(skipped.values()) == 0
    assert [(len(c.codes), c.codes.dtype, c.uniques) for c in columns] == [
        (0, np.int32, []), (0, np.int32, []), (0, np.int32, [])
    ]  # fmt: skip
    result = read(qip_workbook(tmp_path, []))
    assert result.refused is None and result.rows_read == 0
    assert result.tables["projects"].empty and result.rejected_rows.empty


def test_a_clean_trackers_problem_tables_are_empty_with_their_columns_and_row_types(
    tmp_path: Path,
) -> None:
    # Nothing rejected, flagged or noted: the three tables are still there, with the columns
    # docs/figures.md gives dq.* (written out here) and Excel rows as integers, so the raw step
    # stores an empty version exactly as a full one (no column of another type, none added).
    result = read(qip_workbook(tmp_path, [qip_row(1)]))
    assert result.refused is None and len(result.tables["projects"]) == 1
    rejected, flags, notes = result.rejected_rows, result.rule_flags, result.notes
    assert rejected.empty and flags.empty and notes.empty
    assert list(rejected.columns) == [
        "fund", "source_file", "sheet", "source_row", "project_code", "field", "value",
        "problem", "problem_code", "problem_params", "excel_column", "header", "suggestion",
    ]  # fmt: skip
    assert list(flags.columns) == [
        "fund", "source_file", "sheet", "source_row", "project_code", "rule", "detail",
        "field", "detail_code", "detail_params", "excel_column", "header",
    ]  # fmt: skip
    assert list(notes.columns) == [
        "fund", "source_file", "sheet", "source_row", "excel_column", "header", "note_code",
        "note_params", "note",
    ]  # fmt: skip
    assert str(rejected["source_row"].dtype) == "int64"
    assert str(flags["source_row"].dtype) == "int64"
    assert str(notes["source_row"].dtype) == "Int64"  # NULL where a note is about no row


def test_rows_that_start_with_a_region_name_are_data_when_the_region_column_comes_first(
    tmp_path: Path,
) -> None:
    # Columns in another order: Région first, so every data row starts with a region name.
    # Only a row holding nothing but that name (a group header) is skipped.
    headers = ["Région", *(h for h in QIP_HEADERS if h != "Région")]
    rows: list[Any] = [["Gao"], qip_row(1), qip_row(2), ["Gao", "", " ", "Gao"]]
    result = read(qip_workbook(tmp_path, rows, headers=headers))
    assert codes_of(result) == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert result.rows_skipped["group_header"] == 2 and result.rejected_rows.empty


@pytest.mark.parametrize("label", ["TOTAL:", "Total :", "Sous-total :", "GRAND TOTAL"])
@pytest.mark.parametrize("beside", ["", "2 projets"])  # column B empty, or a count in it
def test_a_total_label_with_a_colon_or_in_capitals_ends_the_table(
    tmp_path: Path, label: str, beside: str
) -> None:
    path = qip_workbook(tmp_path, [qip_row(1), [label, beside, "", "", "", "", "", 1000]])
    result = read(path)
    assert codes_of(result) == ["QIP/GAO/2018/001"]
    assert result.rows_skipped["total"] == 1 and result.rejected_rows.empty


def codes_of(result: ReadResult) -> list[str]:
    return result.tables["projects"]["project_code"].tolist()
