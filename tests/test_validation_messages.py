"""The reader's rejections and their wording: which rows are refused, for which field, with
which message and suggestion (``trackers/reader/validation.py``: ``_rejections``,
``_column_message``, ``_extras``, ``_extra_text``, ``_codes_written``, ``_unique``).

Every expected value is written out by hand: the Excel row and column a clerk goes to, the
value as Excel shows it, the sentence in English and French, the correction suggested."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.contracts import CONTRACTS
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.trackers.rules import AMOUNT_FIELD, ROW_RULES
from tests.builders import (
    QIP_HEADERS,
    Formula,
    contribution_row,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_sheet,
    tf_row,
    tf_workbook,
    write_workbook,
)

QIP_FILE = "QIPs_Suivi_2018-06-30.xlsx"
GAZETTEER = "Tombouctou, Taoudénit, Gao, Ménaka, Kidal, Mopti, Ségou, Bamako, National"
AMOUNT_FORMS = "e.g. 41970, 41 970, 41 970,50 or 41,970.50"
ALL_COLUMNS = [
    "fund", "source_file", "sheet", "source_row", "project_code", "field", "value", "problem",
    "problem_code", "problem_params", "excel_column", "header", "suggestion",
]  # fmt: skip


def read(path: Path) -> ReadResult:
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    result = read_tracker(tracker)
    assert result.refused is None, result.refused
    return result


def qip_book(folder: Path, rows: list[Any], headers: list[str] | None = None,
             sheet: str = "Suivi QIPs") -> Path:  # fmt: skip
    """A QIP tracker whose rows are lists in the order of ``headers`` (default: the builders'
    15 columns A-O); header in row 4, data from row 5."""
    return write_workbook(folder / QIP_FILE, {sheet: qip_sheet(rows, headers=headers)})


def cells(number: int = 1, **changes: Any) -> list[Any]:
    """A valid QIP row as a list in the builders' column order, with some cells changed."""
    return list(qip_row(number, **changes).values())


def lines(result: ReadResult, *columns: str) -> list[tuple]:
    frame = result.rejected_rows
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


def params(line: dict[str, Any]) -> dict[str, Any]:
    return json.loads(line["problem_params"])


# --- _rejections: one line per problem, every column ------------------------------------------


def test_each_problem_is_one_line_naming_the_row_the_column_and_the_value(tmp_path: Path) -> None:
    # The sheet's name as the workbook writes it (found whatever its case), a row with two
    # problems (two lines, in the contract's field order), a code refused for its form.
    rows = [
        cells(1),
        cells(2, Région="Tombouctouu", Budget="beaucoup"),
        cells(3, **{"Code QIP": "qip-gao-2018-12"}),
    ]
    result = read(qip_book(tmp_path, rows, sheet="SUIVI qips"))
    assert list(result.rejected_rows.columns) == ALL_COLUMNS
    records = result.rejected_rows.to_dict("records")
    assert [{k: v for k, v in r.items() if k != "problem_params"} for r in records] == [
        {
            "fund": "QIP", "source_file": QIP_FILE, "sheet": "SUIVI qips", "source_row": 6,
            "project_code": "QIP/GAO/2018/002", "field": "region", "value": "Tombouctouu",
            "problem": "Région: 'Tombouctouu' is not a known region (gazetteer); use one of: "
            + GAZETTEER,
            "problem_code": "unknown_value", "excel_column": "C", "header": "Région",
            "suggestion": "Tombouctou",
        },
        {
            "fund": "QIP", "source_file": QIP_FILE, "sheet": "SUIVI qips", "source_row": 6,
            "project_code": "QIP/GAO/2018/002", "field": "budget", "value": "beaucoup",
            "problem": f"Budget: 'beaucoup' is not a number: write the amount as digits "
            f"({AMOUNT_FORMS})",
            "problem_code": "amount_not_number", "excel_column": "H", "header": "Budget",
            "suggestion": None,
        },
        {
            "fund": "QIP", "source_file": QIP_FILE, "sheet": "SUIVI qips", "source_row": 7,
            "project_code": "qip-gao-2018-12", "field": "project_code",
            "value": "qip-gao-2018-12",
            "problem": "Code QIP: 'qip-gao-2018-12' is not a code of the form QIP/GAO/2018/012",
            "problem_code": "bad_pattern", "excel_column": "A", "header": "Code QIP",
            "suggestion": "QIP/GAO/2018/012",
        },
    ]  # fmt: skip
    assert params(records[1]) == {"value": "beaucoup"}
    assert params(records[2]) == {"example": "QIP/GAO/2018/012", "value": "qip-gao-2018-12"}
    french = Message.from_stored("bad_pattern", records[2]["problem_params"]).render("fr")
    assert french == "« qip-gao-2018-12 » n'est pas un code de la forme QIP/GAO/2018/012"
    assert result.tables["projects"]["source_row"].tolist() == [5]


def test_the_code_of_a_row_whose_code_cell_is_wrong_is_the_cell_as_excel_shows_it(
    tmp_path: Path,
) -> None:
    # A logical cell in the code column (TRUE twice: not a duplicate, no code was read), a
    # blank code, a code as long as a cell can hold, and a code too long for a message.
    long_code = "QIP/GAO/2018/" + "x" * 300
    rows = [
        cells(1),
        cells(2, **{"Code QIP": True}),
        cells(3, **{"Code QIP": True}),
        cells(4, **{"Code QIP": ""}),
        cells(5, **{"Code QIP": "Q" * 32_767}),
        cells(6, **{"Code QIP": long_code}),
    ]
    result = read(qip_book(tmp_path, rows))
    shown = "QIP/GAO/2018/" + "x" * 186 + "…"  # 200 characters
    assert lines(result, "source_row", "project_code", "field", "value", "problem_code") == [
        (6, "TRUE", "project_code", "TRUE", "not_text"),
        (7, "TRUE", "project_code", "TRUE", "not_text"),
        (8, None, "project_code", None, "blank_required"),
        (9, "Q" * 199 + "…", "project_code", "Q" * 199 + "…", "text_too_long"),
        (10, long_code, "project_code", shown, "bad_pattern"),
    ]
    problems = result.rejected_rows["problem"].tolist()
    assert problems[:3] == [
        "Code QIP: 'TRUE' is a true/false value, not text",
        "Code QIP: 'TRUE' is a true/false value, not text",
        "Code QIP: this cell is blank but the column is required",
    ]
    assert problems[3] == (
        "Code QIP: the text fills the 32,767 characters an Excel cell can hold and may have "
        "been cut; shorten it"
    )
    # In the sentence the value is shortened further (80 characters).
    assert problems[4] == (
        "Code QIP: 'QIP/GAO/2018/" + "x" * 66 + "…' is not a code of the form QIP/GAO/2018/012"
    )
    assert result.rejected_rows["problem_params"].tolist()[:4] == [
        '{"value": "TRUE"}', '{"value": "TRUE"}', "{}", '{"limit": "32,767"}',
    ]  # fmt: skip
    assert result.rejected_rows["suggestion"].tolist() == [None] * 5


def test_a_column_the_sheet_lacks_is_named_as_the_contract_names_it(tmp_path: Path) -> None:
    # No "Date de clôture" column: a completed project is refused for its end date, and the
    # clerk is told the column to add, not the field's inner name (end_date).
    headers = [h for h in QIP_HEADERS if h != "Date de clôture"]
    row = [v for h, v in qip_row(1).items() if h != "Date de clôture"]
    result = read(qip_book(tmp_path, [row], headers=headers))
    assert result.rejected_rows.to_dict("records") == [
        {
            "fund": "QIP", "source_file": QIP_FILE, "sheet": "Suivi QIPs", "source_row": 5,
            "project_code": "QIP/GAO/2018/001", "field": "end_date", "value": None,
            "problem": "Date de clôture: the project is marked completed but has no end date; "
            "enter the date it was completed",
            "problem_code": "end_date_when_completed", "problem_params": "{}",
            "excel_column": None, "header": "Date de clôture", "suggestion": None,
        }
    ]  # fmt: skip


def test_headers_are_quoted_as_the_sheet_writes_them(tmp_path: Path) -> None:
    # "Titre du projet" and "N° QIP" are other names of the title and code columns; a blank
    # required cell is named by the header the clerk sees.
    headers = ["N° QIP", "Titre du projet", *QIP_HEADERS[2:]]
    rows = [cells(1, **{"Intitulé du projet": ""}), cells(2, **{"Code QIP": "QIP/GAO/18/2"})]
    result = read(qip_book(tmp_path, rows, headers=headers))
    assert lines(result, "source_row", "field", "excel_column", "header", "problem") == [
        (5, "title", "B", "Titre du projet",
         "Titre du projet: this cell is blank but the column is required"),
        (6, "project_code", "A", "N° QIP",
         "N° QIP: 'QIP/GAO/18/2' is not a code of the form QIP/GAO/2018/012"),
    ]  # fmt: skip
    french = [
        Message.from_stored(code, stored).render("fr")
        for code, stored in lines(result, "problem_code", "problem_params")
    ]
    assert french == [
        "cette cellule est vide alors que la colonne est obligatoire",
        "« QIP/GAO/18/2 » n'est pas un code de la forme QIP/GAO/2018/012",
    ]


# Beyond its cells' own problems (every field of the sheet), the fields a sheet's problems are
# recorded under: the rules' fields (the amount rule's on the converted amount), the key, the
# currency with no exchange rate (or the budget when the sheet has no currency column).
NAMED_BY_RULES = {
    ("QIP", "projects"):
        {"project_code", "start_date", "end_date", "budget", "approval_date", "currency"},
    ("TF", "projects"): {"project_code", "start_date", "end_date", "budget", "approval_date"},
    ("TF", "contributions"): {"amount", "currency"},
    ("PBF", "projects"): {"project_code", "end_date", "budget"},
}  # fmt: skip


def test_every_field_a_problem_is_recorded_under_is_a_column_of_its_sheet() -> None:
    # The rejections name each problem's column by its field (trackers/reader/validation.py,
    # ``_rejections``): a rule on a field the sheet lacks would have no column to name.
    for contract in CONTRACTS.values():
        for sheet in contract.sheets:
            named = {ROW_RULES[rule].field for rule in sheet.row_rules}
            if AMOUNT_FIELD in named:
                named = (named - {AMOUNT_FIELD}) | {sheet.conversion.amount}
            fields = {f.name for f in sheet.fields}
            named |= {sheet.key} if sheet.key else set()
            named |= {"currency" if "currency" in fields else "budget"}
            assert named == NAMED_BY_RULES[(contract.fund, sheet.table)]
            assert named <= fields


# --- suggested codes: never one another row uses (_codes_written) -----------------------------


def test_a_code_is_suggested_only_if_no_row_uses_it(tmp_path: Path) -> None:
    # QIP/GAO/2018/1 would be QIP/GAO/2018/001, which row 5 uses: no suggestion. The same for
    # a code written with spaces around it (row 7, read as QIP/GAO/2018/003).
    rows = [
        cells(1),
        cells(2, **{"Code QIP": "QIP/GAO/2018/1"}),
        cells(3, **{"Code QIP": " QIP/GAO/2018/003 "}),
        cells(4, **{"Code QIP": "qip/gao/2018/3"}),
        cells(5, **{"Code QIP": "qip gao 2018 4"}),
    ]
    result = read(qip_book(tmp_path, rows))
    assert lines(result, "source_row", "value", "suggestion") == [
        (6, "QIP/GAO/2018/1", None),
        (8, "qip/gao/2018/3", None),
        (9, "qip gao 2018 4", "QIP/GAO/2018/004"),
    ]


def test_an_mptf_number_typed_as_a_number_counts_with_its_zeros(tmp_path: Path) -> None:
    # Row 4 holds the number 92451 (read 00092451); row 5 the text 92451, whose padded form
    # is row 4's code: no suggestion; row 6 the text 92453: padded, 00092453.
    rows = [
        pbf_row(1, **{"Numéro MPTF": 92451}),
        pbf_row(2, **{"Numéro MPTF": "92451"}),
        pbf_row(3, **{"Numéro MPTF": "92453"}),
    ]
    result = read(pbf_workbook(tmp_path, rows))
    assert result.tables["projects"]["project_code"].tolist() == ["00092451"]
    assert lines(result, "source_row", "project_code", "problem", "suggestion") == [
        (5, "92451", "Numéro MPTF: '92451' is not a code of the form 00092458", None),
        (6, "92453", "Numéro MPTF: '92453' is not a code of the form 00092458", "00092453"),
    ]


# --- duplicated codes (_unique) ----------------------------------------------------------------


def test_each_row_of_a_repeated_code_names_the_other_rows(tmp_path: Path) -> None:
    a, b = "QIP/GAO/2018/010", "QIP/GAO/2018/011"
    rows = [
        cells(1, **{"Code QIP": a}),
        cells(2, **{"Code QIP": b}),
        cells(3, **{"Code QIP": f" {a}"}),  # the same code once read
        cells(4, **{"Code QIP": "QIP/GAO/2018/012"}),
        cells(5, **{"Code QIP": b}),
        cells(6, **{"Code QIP": a}),
        cells(7, **{"Code QIP": ""}),  # blank codes are not repeated codes
        cells(8, **{"Code QIP": ""}),
    ]
    result = read(qip_book(tmp_path, rows))
    assert lines(result, "source_row", "project_code", "problem_code", "problem_params") == [
        (5, a, "duplicate_code", '{"code": "QIP/GAO/2018/010", "rows": "7, 10"}'),
        (6, b, "duplicate_code", '{"code": "QIP/GAO/2018/011", "rows": "9"}'),
        (7, a, "duplicate_code", '{"code": "QIP/GAO/2018/010", "rows": "5, 10"}'),
        (9, b, "duplicate_code", '{"code": "QIP/GAO/2018/011", "rows": "6"}'),
        (10, a, "duplicate_code", '{"code": "QIP/GAO/2018/010", "rows": "5, 7"}'),
        (11, None, "blank_required", "{}"),
        (12, None, "blank_required", "{}"),
    ]
    first = result.rejected_rows.iloc[0]
    assert first["problem"] == (
        "Code QIP: the code QIP/GAO/2018/010 is also used in row(s) 7, 10; a code must be "
        "unique in the file, and the pipeline cannot know which row is right"
    )
    assert (first["field"], first["excel_column"], first["value"]) == ("project_code", "A", a)
    assert Message.from_stored("duplicate_code", first["problem_params"]).render("fr") == (
        "le code QIP/GAO/2018/010 est aussi utilisé à la/aux ligne(s) 7, 10 ; un code doit "
        "être unique dans le fichier, et le pipeline ne peut pas savoir quelle ligne est la "
        "bonne"
    )
    assert result.tables["projects"]["project_code"].tolist() == ["QIP/GAO/2018/012"]


def test_a_sheet_without_a_key_has_no_repeated_codes(tmp_path: Path) -> None:
    # Two identical contributions are two payments (the Contributions sheet has no code).
    path = tf_workbook(tmp_path, [tf_row(1)], [contribution_row(), contribution_row()])
    result = read(path)
    assert result.rejected_rows.empty
    assert result.tables["contributions"]["source_row"].tolist() == [2, 3]


# --- columns the contract does not know, kept with each accepted row (_extras) -----------------


def test_unknown_columns_are_kept_per_accepted_row_by_header_name(tmp_path: Path) -> None:
    # Three unknown columns P, Q, R, kept in the order of their names (Point focal, Remarques,
    # Référent: é after e), names and text unescaped (JSON as UTF-8), text as read (spaces
    # collapsed), numbers and dates as Excel shows them, a
    # logical value as Excel writes it; a row with every unknown cell empty keeps nothing; a
    # refused row (row 6) keeps nothing and the rows after it keep their own values.
    headers = [*QIP_HEADERS, "Remarques", "Référent", "Point focal"]
    rows = [
        cells(1) + ["  vu   par\u00a0le\nchef ", 41970.0, date(2018, 6, 30)],
        cells(2, Budget="beaucoup") + ["refusé", "A", "B"],
        cells(3),
        cells(4) + ['Élodie "chef"', True, 0.5],
        cells(5) + ["", "", datetime(2018, 6, 30, 14, 5)],
    ]
    result = read(qip_book(tmp_path, rows, headers=headers))
    projects = result.tables["projects"]
    assert projects["source_row"].tolist() == [5, 7, 8, 9]
    assert projects["extras"].tolist() == [
        '{"Point focal": "30/06/2018", "Remarques": "vu par le chef", "Référent": "41970"}',
        None,
        '{"Point focal": "0.5", "Remarques": "Élodie \\"chef\\"", "Référent": "TRUE"}',
        '{"Point focal": "30/06/2018 14:05"}',
    ]
    assert json.loads(projects["extras"][2]) == {
        "Point focal": "0.5", "Remarques": 'Élodie "chef"', "Référent": "TRUE"
    }  # fmt: skip


def test_an_unnamed_column_is_kept_under_its_letter_and_an_empty_one_not_at_all(
    tmp_path: Path,
) -> None:
    # Column P has no header but values; column Q is headed but empty in every row.
    headers = [*QIP_HEADERS, "", "Vide"]
    rows = [cells(1) + ["x", ""], cells(2) + ["", ""], cells(3) + [12, ""]]
    result = read(qip_book(tmp_path, rows, headers=headers))
    assert result.tables["projects"]["extras"].tolist() == [
        '{"column P": "x"}', None, '{"column P": "12"}'
    ]  # fmt: skip


def test_a_sheet_without_unknown_columns_keeps_no_extras(tmp_path: Path) -> None:
    result = read(qip_book(tmp_path, [cells(1), cells(2)]))
    assert result.tables["projects"]["extras"].tolist() == [None, None]


def test_an_unknown_column_s_formula_saved_without_result_is_kept_as_written(
    tmp_path: Path,
) -> None:
    # Saved by a script (openpyxl drops every saved result): a formula computed here keeps its
    # value; one that cannot be computed (another sheet, text) keeps its formula, whole up to
    # 10,000 characters (a message would cut it at 80), shortened past that.
    sum_of_nine = "=" + "+".join(f"Listes!A{n}" for n in range(1, 10))  # 90 characters
    long_text = '="' + "a" * 9998 + '"'  # 10,001 characters
    headers = [*QIP_HEADERS, "Calcul"]
    rows = [
        cells(1) + [Formula(sum_of_nine, 0)],
        cells(2) + [Formula(long_text, "x")],
        cells(3) + [Formula("=2*21", 42)],
    ]
    path = qip_book(tmp_path, rows, headers=headers)
    book = openpyxl.load_workbook(path)
    book.save(path)
    extras = read(path).tables["projects"]["extras"].tolist()
    assert extras[0] == '{"Calcul": "' + sum_of_nine + '"}'
    assert extras[1] == '{"Calcul": "=\\"' + "a" * 9997 + '…"}'
    assert extras[2] == '{"Calcul": "42"}'
