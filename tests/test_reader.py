"""The reader against the untidiness docs/trackers.md promises, and against bad input.

Each test builds a real .xlsx the way a fund unit's clerk might have left it, reads it with
``read_tracker`` and asserts the exact outcome: rows accepted with their canonical values,
or rejected/flagged with the Excel row, field and the key words of the clerk's message, or
the whole file refused with a one-line reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sr_pipeline.model import CANONICAL_COLUMNS, LINEAGE_COLUMNS, ReadResult
from sr_pipeline.trackers.contracts import CONTRACTS
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests.builders import (
    PBF_HEADERS,
    QIP_HEADERS,
    TF_CONTRIBUTION_HEADERS,
    TF_HEADERS,
    Formula,
    big_qip_workbook,
    contribution_row,
    pbf_row,
    pbf_sheet,
    pbf_workbook,
    qip_row,
    qip_sheet,
    qip_workbook,
    replace_in_part,
    table,
    tf_row,
    tf_sheet,
    tf_workbook,
    write_workbook,
)

NBSP, NNBSP = "\u00a0", "\u202f"


def read(path: Path) -> ReadResult:
    tracker = recognise(path)
    assert tracker is not None and not hasattr(tracker, "problem"), tracker
    return read_tracker(tracker)


def problems(result: ReadResult) -> list[tuple[int, str, str]]:
    rows = result.rejected_rows
    return list(zip(rows["source_row"], rows["field"], rows["problem"], strict=True))


def only_problem(result: ReadResult) -> tuple[int, str, str]:
    found = problems(result)
    assert len(found) == 1, found
    return found[0]


# --- layout: where the data is -------------------------------------------------------------


def test_qip_layout_title_rows_group_headers_total_and_lineage(tmp_path: Path) -> None:
    # Rows 1-2 merged titles, row 3 blank, row 4 headers; a region group header (row 5),
    # a blank row inside the data, a TOTAL row with a formula, then notes nobody should read.
    path = qip_workbook(
        tmp_path,
        [
            ["", "Gao"],
            qip_row(1),
            [],
            qip_row(2, Budget=Formula("=20000+21970", 41970)),
            ["TOTAL", "", "", "", "", "", "", Formula("=SUM(H6:H8)", 66970)],
            ["Source : unité QIPs, à titre indicatif"],
        ],
    )
    result = read(path)
    assert result.refused is None
    projects = result.tables["projects"]
    assert list(projects.columns) == [*CANONICAL_COLUMNS[("QIP", "projects")], *LINEAGE_COLUMNS]
    assert projects["project_code"].tolist() == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    assert projects["source_row"].tolist() == [6, 8]
    assert projects["budget"].tolist() == [25000.0, 41970.0]  # the formula's cached value
    assert set(projects["sheet"]) == {"Suivi QIPs"}
    assert set(projects["source_file"]) == {"QIPs_Suivi_2018-06-30.xlsx"}
    assert projects["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert result.rows_read == 2 and result.rejected_rows.empty
    assert result.rows_skipped == {"blank": 1, "group_header": 1, "total": 1, "after_total": 1}


def test_headers_match_folded_reordered_and_extras_are_kept(tmp_path: Path) -> None:
    # Headers in capitals, without accents, with NBSP and line breaks, in another order,
    # with an alias, and an extra column the unit added ("Point focal").
    headers = {
        "Code QIP": "N° QIP",
        "Intitulé du projet": f"TITRE DU{NBSP}PROJET ",
        "Région": "region",
        "Date d'approbation": "Date\nd’approbation",
        "Budget": "Montant  approuvé",
    }
    written = [headers.get(h, h) for h in reversed(QIP_HEADERS)] + ["Point focal"]
    row = qip_row(1)
    values = [row[h] for h in reversed(QIP_HEADERS)] + ["M. Maïga"]
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["Projets à Impact Rapide (QIPs) – Situation au 30/06/2018"], written,
                        values]},
    )  # fmt: skip
    result = read(path)
    projects = result.tables["projects"]
    assert projects.loc[0, "project_code"] == "QIP/GAO/2018/001"
    assert projects.loc[0, "approval_date"] == pd.Timestamp(2018, 3, 1)
    assert projects.loc[0, "extras"] == '{"Point focal": "M. Maïga"}'


def test_tf_two_header_rows_and_contributions(tmp_path: Path) -> None:
    path = tf_workbook(
        tmp_path,
        [tf_row(1), tf_row(2, Objective="Obj. 5", Region="National", Status="Completed",
                            **{"End Date": "30.05.2018"})],
        contributions=[
            contribution_row(),
            contribution_row(Donor="Italy", Amount="1 000 000", Currency="USD",
                             **{"Earmarked for": ""}),
            contribution_row(Donor="Norway", Currency="NOK", Amount=10_000_000,
                             **{"USD equivalent": 1_234_567.5}),
            ["TOTAL", "", Formula("=SUM(C2:C4)", 14_500_000)],
        ],
    )  # fmt: skip
    result = read(path)
    assert result.refused is None, result.refused
    projects = result.tables["projects"]
    assert projects["objective"].tolist() == ["3", "5"]
    assert projects["region"].tolist() == ["Gao", "National"]
    assert projects["status"].tolist() == ["ongoing", "completed"]
    assert projects["source_row"].tolist() == [4, 5]  # title, group row, header row first
    contributions = result.tables["contributions"]
    assert contributions["donor"].tolist() == ["Germany", "Italy", "Norway"]
    assert contributions["earmarked_for"].tolist() == ["5", None, "5"]
    # USD equivalent wins when given; otherwise the reference rate of the month received applies.
    assert contributions.loc[2, "amount_usd"] == 1_234_567.5
    assert contributions.loc[1, "amount_usd"] == 1_000_000
    # December 2016: 0.9488 EUR per USD in the rates file; 3,500,000 / 0.9488, to the cent.
    assert contributions.loc[0, "amount_usd"] == 3_688_870.15
    assert result.rows_read == 5


def test_pbf_mptf_numbers_lists_and_secretariat(tmp_path: Path) -> None:
    path = pbf_workbook(
        tmp_path,
        [
            pbf_row(1, **{"Numéro MPTF": 92458}),  # Excel turned 00092458 into a number
            pbf_row(2, **{"Agences récipiendaires": "UNDP et UNICEF / IOM", "Régions": "TBT"}),
            pbf_row(3, Fenêtre="IPYG", Régions="Taoudeni; Ménaka"),
            pbf_row(4, Fenêtre="Secrétariat", Régions="Bamako"),
        ],
    )
    projects = read(path).tables["projects"]
    assert projects["project_code"].tolist() == ["00092458", "00092452", "00092453", "00092454"]
    assert projects["recipients"].tolist()[:2] == ["UN Women; UNFPA; MINUSMA", "UNDP; UNICEF; IOM"]
    assert projects["regions"].tolist() == ["Mopti; Gao; Ménaka", "Tombouctou",
                                            "Taoudénit; Ménaka", "Bamako"]  # fmt: skip
    assert projects["window"].tolist() == ["Phase I", "Phase I", "GYPI", "Secrétariat"]


# --- values: every form docs/trackers.md lists --------------------------------------------------

AMOUNTS = [
    ("41 970", 41970.0),  # French thousands with a space
    (f"41{NBSP}970,50", 41970.5),  # no-break space, decimal comma
    (f"41{NNBSP}970", 41970.0),  # narrow no-break space
    ("41,970.50", 41970.5),  # English
    ("USD 41,970", 41970.0),  # currency written in, agreeing with the (blank = USD) column
    ("41 970 $", 41970.0),
    ("41,970", 41970.0),  # comma + exactly three digits = thousands
    ("12,5", 12.5),  # any other single comma is a decimal comma
    (41970, 41970.0),
    ("41970.5", 41970.5),
    ("1.234.567", 1234567.0),  # dots grouping thousands
    (Formula("=20000+21970", 41970), 41970.0),
]


@pytest.mark.parametrize(("written", "expected"), AMOUNTS)
def test_amount_forms(tmp_path: Path, written: object, expected: float) -> None:
    # Read as a Trust Fund budget (USD, no ceiling): the QIP limit of 500,000 USD would reject
    # the millions, and the form of the amount is what is tested here.
    path = tf_workbook(tmp_path, [tf_row(1, **{"Approved Budget": written})])
    projects = read(path).tables["projects"]
    assert projects.loc[0, "budget"] == expected
    assert projects.loc[0, "budget_usd"] == expected


DATES = [
    (date(2018, 6, 29), date(2018, 6, 29)),  # a real Excel date
    ("29/06/2018", date(2018, 6, 29)),
    ("29.06.2018", date(2018, 6, 29)),
    ("2018-06-29", date(2018, 6, 29)),
    (43280, date(2018, 6, 29)),  # a bare serial number
    ("43280", date(2018, 6, 29)),
    ("05/06/2018", date(2018, 6, 5)),  # always day first
]


@pytest.mark.parametrize(("written", "expected"), DATES)
def test_date_forms(tmp_path: Path, written: object, expected: date) -> None:
    row = qip_row(1, **{"Date de clôture": written, "Date de démarrage": date(2018, 3, 1)})
    projects = read(qip_workbook(tmp_path, [row])).tables["projects"]
    assert projects.loc[0, "end_date"] == pd.Timestamp(expected)


def test_vocabularies_fold_case_accents_and_spaces(tmp_path: Path) -> None:
    rows = [
        qip_row(1, Région=f" tombouktou{NBSP}", Secteur="SANTE", Statut="EN COURS"),
        qip_row(2, Région="District de\nBamako", Secteur="Droits de l’homme",
                Statut="en cours d'exécution"),
        qip_row(3, Région="MNK", Secteur="Public Infrastructures", Statut="Approuvé - non démarré"),
    ]  # fmt: skip
    projects = read(qip_workbook(tmp_path, rows)).tables["projects"]
    assert projects["region"].tolist() == ["Tombouctou", "Bamako", "Ménaka"]
    assert projects["sector"].tolist() == ["Health", "Human Rights", "Public Infrastructures"]
    assert projects["status"].tolist() == ["ongoing", "ongoing", "not_started"]


def test_currency_conversion_uses_the_approval_month(tmp_path: Path) -> None:
    rows = [
        qip_row(1, Budget="10 000 000", Devise="XOF"),
        qip_row(2, Budget=15_000, Devise="eur"),
        qip_row(3, Budget=15_000, Devise="FCFA"),  # the usual name in Mali
    ]
    projects = read(qip_workbook(tmp_path, rows)).tables["projects"]
    assert projects["currency"].tolist() == ["XOF", "EUR", "XOF"]
    # March 2018 (the approval month): 0.8110 EUR per USD in the rates file, and XOF fixed
    # at 655.957 per EUR. Money is kept to the cent.
    assert projects["budget_usd"].tolist() == [
        18_797.66,  # 10,000,000 / (0.8110 * 655.957) = 18,797.659...
        18_495.68,  # 15,000 / 0.8110 = 18,495.684...
        28.20,  # 15,000 / (0.8110 * 655.957) = 28.196...
    ]


def test_text_is_cleaned_and_formula_like_text_stays_inert(tmp_path: Path) -> None:
    injection = '=HYPERLINK("http://evil.example","clic")'
    rows = [
        qip_row(1, **{"Intitulé du projet": f"  Forage\n à{NBSP}Ansongo  ",
                      "Observations": injection}),
        qip_row(2, **{"Observations": "=cmd|' /C calc'!A0"}),
    ]  # fmt: skip
    projects = read(qip_workbook(tmp_path, rows)).tables["projects"]
    assert projects.loc[0, "title"] == "Forage à Ansongo"
    assert projects["remarks"].tolist() == [injection, "=cmd|' /C calc'!A0"]


# --- rows that must be rejected, each with the row, field and what to do -----------------


REJECTIONS = [
    # (changes to a valid row, field, key words of the message)
    ({"Budget": -500}, "budget", "negative"),
    ({"Budget": "vingt mille"}, "budget", "not a number"),
    ({"Budget": "41.970"}, "budget", "ambiguous"),  # French thousands dot, or 41.97?
    ({"Budget": "USD 20,000", "Devise": "XOF"}, "budget", "written in USD"),
    ({"Date d'approbation": "31/06/2018"}, "approval_date", "not a real date"),
    ({"Date de clôture": "31/06/2018"}, "end_date", "not a real date"),  # optional, still an error
    ({"Région": "Kayes-Nord"}, "region", "not a known region"),
    ({"Statut": "Presque fini"}, "status", "not a known status"),
    ({"Secteur": "Tourisme"}, "sector", "not a known QIP sector"),
    ({"Devise": "FCFAX"}, "currency", "not a known currency"),
    ({"Code QIP": "QIP-GAO-2018-1"}, "project_code", "QIP/GAO/2018/012"),
    ({"Partenaire d'exécution": ""}, "partner", "blank"),
    ({"Date de démarrage": date(2018, 2, 1)}, "start_date", "before the approval date"),
    ({"Date de clôture": date(2018, 3, 2)}, "end_date", "before the start date"),
    ({"Date de clôture": ""}, "end_date", "completed but has no end date"),
    ({"Durée (mois)": "4,5"}, "duration_months", "whole number"),
    ({"Date d'approbation": date(2012, 5, 2), "Date de démarrage": "", "Devise": "EUR"},
     "currency", "no reference exchange rate is on file for EUR in 2012-05"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "words"), REJECTIONS)
def test_row_rejections(tmp_path: Path, changes: dict, field: str, words: str) -> None:
    result = read(qip_workbook(tmp_path, [qip_row(1), qip_row(2, **changes), qip_row(3)]))
    row, found_field, problem = only_problem(result)
    assert (row, found_field) == (6, field)
    assert words in problem
    # The other rows still load, and nothing is lost.
    assert result.tables["projects"]["source_row"].tolist() == [5, 7]
    assert result.rule_flags.empty


def test_two_problems_in_one_row_give_two_lines(tmp_path: Path) -> None:
    result = read(qip_workbook(tmp_path, [qip_row(1, Région="Kayes", Budget=-1)]))
    assert [(r, f) for r, f, _ in problems(result)] == [(5, "region"), (5, "budget")]
    assert result.rejected_rows["excel_column"].tolist() == ["C", "H"]  # where the clerk must look
    assert result.rejected_rows["header"].tolist() == ["Région", "Budget"]
    assert result.tables["projects"].empty


def test_duplicate_codes_reject_every_copy_naming_the_others(tmp_path: Path) -> None:
    rows = [qip_row(1), qip_row(7), qip_row(2), qip_row(7), qip_row(7)]
    result = read(qip_workbook(tmp_path, rows))
    lines = problems(result)
    assert [(r, f) for r, f, _ in lines] == [(6, "project_code"), (8, "project_code"),
                                             (9, "project_code")]  # fmt: skip
    assert "row(s) 8, 9" in lines[0][2] and "row(s) 6, 9" in lines[1][2]
    assert result.tables["projects"]["project_code"].tolist() == [
        "QIP/GAO/2018/001",
        "QIP/GAO/2018/002",
    ]


def test_huge_text_cell_is_rejected_not_loaded(tmp_path: Path) -> None:
    # 1 MB in one cell, more than Excel can hold: written into the XML directly, since
    # xlsxwriter and openpyxl both refuse to; the xlsx reader cuts it to 32,767 characters.
    path = qip_workbook(tmp_path, [qip_row(1, **{"Intitulé du projet": "HUGE"}), qip_row(2)])
    replace_in_part(path, "xl/sharedStrings.xml", b">HUGE<", b">" + b"x" * 1_000_000 + b"<")
    result = read(path)
    row, field, problem = only_problem(result)
    assert (row, field) == (5, "title") and "may have been cut" in problem
    assert len(result.rejected_rows.loc[0, "value"]) <= 200
    assert len(result.tables["projects"]) == 1


# --- business rules: flagged, still loaded and counted -----------------------------------


def test_business_rule_flags(tmp_path: Path) -> None:
    rows = [
        qip_row(1, Budget=50_000),  # exactly the ceiling: fine
        qip_row(2, Budget=50_001),
        qip_row(3, **{"Durée (mois)": 8}),
        qip_row(4, **{"Durée (mois)": "", "Date de démarrage": date(2018, 3, 15),
                      "Date de clôture": date(2018, 9, 16)}),
        qip_row(5, Budget=40_000_000, Devise="XOF"),  # ~ 70,000 USD after conversion
    ]  # fmt: skip
    result = read(qip_workbook(tmp_path, rows))
    flags = result.rule_flags
    assert list(zip(flags["source_row"], flags["rule"], strict=True)) == [
        (6, "budget_over_cap"),
        (9, "budget_over_cap"),
        (7, "duration_over_6_months"),
        (8, "duration_over_6_months"),
    ]
    assert "50,001 USD" in flags.loc[0, "detail"]
    assert len(result.tables["projects"]) == 5


def test_tf_expenditure_over_budget_is_flagged(tmp_path: Path) -> None:
    result = read(tf_workbook(tmp_path, [tf_row(1, **{"Expenditure to date": 200_000})]))
    assert result.rule_flags["rule"].tolist() == ["expenditure_over_budget"]
    assert len(result.tables["projects"]) == 1


# --- files refused as a whole --------------------------------------------------------------


def test_required_column_missing_lists_headers_found(tmp_path: Path) -> None:
    headers = [h for h in QIP_HEADERS if h != "Statut"]
    path = qip_workbook(tmp_path, [qip_row(1)], headers=headers)
    result = read(path)
    assert result.refused is not None
    assert "required column missing: 'Statut'" in result.refused
    assert "'Code QIP'" in result.refused and "'Observations'" in result.refused
    assert result.tables == {} and result.rows_read == 0


def test_title_date_must_match_the_file_name(tmp_path: Path) -> None:
    result = read(qip_workbook(tmp_path, [qip_row(1)], title_date="31/05/2018"))
    assert result.refused is not None
    assert "31/05/2018" in result.refused and "30/06/2018" in result.refused


def test_the_as_of_date_wins_over_other_dates_in_the_title(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["Mis à jour le 05/07/2018 par M. Touré"],
                        ["Projets à Impact Rapide (QIPs) – Situation au 30/06/2018"],
                        *table(QIP_HEADERS, [qip_row(1)])]},
    )  # fmt: skip
    assert read(path).refused is None


def test_tf_objective_by_number_and_name(tmp_path: Path) -> None:
    rows = [
        tf_row(1, Objective="3 - Return of State Authority, Rule of Law and DDR-SSR"),
        tf_row(2, Objective="Obj. 5: Equipment and Logistical Support to Malian Defence and "
                            "Security Forces (MDSF)"),
        tf_row(3, Objective="Capacity building of Malian Security Forces (MSF)"),
    ]  # fmt: skip
    projects = read(tf_workbook(tmp_path, rows)).tables["projects"]
    assert projects["objective"].tolist() == ["3", "5", "2"]


def test_title_without_a_date_is_refused(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["Projets à Impact Rapide"], *table(QIP_HEADERS, [qip_row(1)])]},
    )
    assert "no report date" in read(path).refused


@pytest.mark.parametrize(
    "typed",
    [
        date(2018, 6, 30),  # typed into a date cell: Excel stores a date
        "30/06/2018",  # typed where Excel kept it as text
    ],
)
def test_the_report_date_in_a_cell_of_its_own_after_the_title(tmp_path: Path, typed) -> None:
    # The tracker templates put the date to fill in beside "Situation au", not inside it.
    def workbook(name: str) -> Path:
        return write_workbook(
            tmp_path / name,
            {"Suivi QIPs": [["Projets à Impact Rapide (QIPs) – Situation au", "", typed],
                            ["Mis à jour le 05/07/2018"],
                            *table(QIP_HEADERS, [qip_row(1)])]},
        )  # fmt: skip

    assert read(workbook("QIPs_Suivi_2018-06-30.xlsx")).refused is None
    refused = read(workbook("QIPs_Suivi_2018-05-31.xlsx")).refused
    assert "'Projets à Impact Rapide (QIPs) – Situation au 30/06/2018'" in refused


def test_a_date_cell_without_an_as_of_title_is_not_the_report_date(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["Imprimé le", date(2018, 7, 5)], *table(QIP_HEADERS, [qip_row(1)])]},
    )
    assert "no report date" in read(path).refused


def test_data_sheet_missing_names_the_sheets_found(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "QIPs_Suivi_2018-06-30.xlsx", {"Feuil1": [["x"]]})
    refused = read(path).refused
    assert "'Suivi QIPs' is missing" in refused and "'Feuil1'" in refused


def test_tf_without_contributions_sheet_is_refused(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "TF_Project_Tracker_Jun2018.xlsx",
        {"Projects": [["Trust Fund project tracker – as of 30 June 2018"],
                      *table(["Project ID"], [])]},
    )  # fmt: skip
    assert "missing" in read(path).refused


def test_empty_workbook_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "QIPs_Suivi_2018-06-30.xlsx", {"Suivi QIPs": []})
    assert "no header row found" in read(path).refused


def test_two_columns_for_one_field_is_refused(tmp_path: Path) -> None:
    headers = [*QIP_HEADERS, "Budget approuvé"]
    result = read(qip_workbook(tmp_path, [qip_row(1)], headers=headers))
    assert "several columns could be 'Budget'" in result.refused


def test_a_100000_row_sheet_loads_every_row(tmp_path: Path) -> None:
    # A unit that pastes its whole history (and more) into one sheet: nothing may be lost.
    path = big_qip_workbook(tmp_path / "QIPs_Suivi_2018-06-30.xlsx", 100_000)
    result = read(path)
    assert result.refused is None
    assert result.rows_read == 100_000
    assert len(result.tables["projects"]) == 100_000 and result.rejected_rows.empty
    assert result.tables["projects"]["project_code"].is_unique
    assert result.tables["projects"]["extras"].notna().all()  # the "Point focal" column


# --- every rule of the contract, at its edges ----------------------------------------------
# One test per rule that had none (docs/rules.md maps each rule to its tests).


@pytest.mark.parametrize(
    "marker",
    [
        ["TOTAL"],
        ["", "Grand total"],  # the first non-empty cell, here in column B
        ["Total général"],
        [f"  TOTAL GÉNÉRAL{NBSP}"],  # compared as headers are: case, accents, spaces
        ["", "", "grand TOTAL"],
    ],
)
def test_a_total_row_ends_the_data(tmp_path: Path, marker: list[str]) -> None:
    # Below the last total: a blank row, a note and a signature, none with a project code.
    # None of them is data.
    total = [*marker, *[""] * (7 - len(marker)), Formula("=SUM(H5:H6)", 50_000)]
    rows = [qip_row(1), qip_row(2), total, [], ["Notes : voir la Synthèse"], ["", "A. Maïga"]]
    result = read(qip_workbook(tmp_path, rows))
    assert result.tables["projects"]["source_row"].tolist() == [5, 6]
    assert result.rows_read == 2 and result.rejected_rows.empty
    assert result.rows_skipped == {"blank": 1, "group_header": 0, "total": 1, "after_total": 2}
    assert result.notes.empty  # a closing total is no subtotal


def test_total_and_blank_rows_hold_for_every_data_sheet(tmp_path: Path) -> None:
    # The Trust Fund's two sheets and the PBF portfolio, each with a blank row inside the
    # data and a total row with a row below it that must not be read.
    tf = read(
        tf_workbook(
            tmp_path,
            [tf_row(1), [], tf_row(2), ["Grand total", "", "", "", "", "", 362_640],
             ["Prepared by the TF unit"]],
            contributions=[contribution_row(), [], contribution_row(Donor="Italy"),
                           ["", "Total général", 7_000_000], ["", "", "", "in USD"]],
        )
    )  # fmt: skip
    assert tf.tables["projects"]["source_row"].tolist() == [4, 6]
    assert tf.tables["contributions"]["source_row"].tolist() == [2, 4]
    assert tf.rows_skipped == {"blank": 2, "group_header": 0, "total": 2, "after_total": 2}
    assert tf.rows_read == 4 and tf.rejected_rows.empty
    pbf = read(
        pbf_workbook(
            tmp_path, [pbf_row(1), [], pbf_row(2), ["TOTAL", "", "", "", "", 6_000_000], ["Note"]]
        )
    )
    assert pbf.tables["projects"]["source_row"].tolist() == [4, 6]
    assert pbf.rows_skipped == {"blank": 1, "group_header": 0, "total": 1, "after_total": 1}


def test_a_rejected_row_carries_no_rule_flag(tmp_path: Path) -> None:
    rows = [
        # Over the cap and over six months, but its region is unknown: rejected, not flagged.
        qip_row(1, Budget=60_000, Région="Atlantis", **{"Durée (mois)": 9}),
        qip_row(2, Budget=60_000),  # only over the cap: loaded and flagged
    ]
    result = read(qip_workbook(tmp_path, rows))
    assert [(row, field) for row, field, _ in problems(result)] == [(5, "region")]
    flags = result.rule_flags
    assert list(zip(flags["source_row"], flags["rule"], strict=True)) == [(6, "budget_over_cap")]
    # The same for the Trust Fund's expenditure rule.
    tf = read(tf_workbook(tmp_path, [tf_row(1, **{"Expenditure to date": 200_000,
                                                  "Implementing Entity": ""})]))  # fmt: skip
    assert [(row, field) for row, field, _ in problems(tf)] == [(4, "partner")]
    assert tf.rule_flags.empty


def test_qip_budgets_are_in_usd_xof_or_eur_only(tmp_path: Path) -> None:
    rows = [
        qip_row(1, Devise="GBP"),  # a Trust Fund contribution currency, not a QIP one
        qip_row(2, Devise="NOK"),
        qip_row(3, Devise=""),  # blank means USD
        qip_row(4, Devise=" usd "),
        qip_row(5, Devise="EUR"),
        qip_row(6, Devise="XOF", Budget=20_000_000),
    ]
    result = read(qip_workbook(tmp_path, rows))
    assert problems(result) == [
        (5, "currency", "Devise: 'GBP' is not a known currency; use one of: USD, XOF, EUR"),
        (6, "currency", "Devise: 'NOK' is not a known currency; use one of: USD, XOF, EUR"),
    ]
    assert result.tables["projects"]["currency"].tolist() == ["USD", "USD", "EUR", "XOF"]


def test_trust_fund_contributions_take_eleven_currencies(tmp_path: Path) -> None:
    eleven = ["USD", "EUR", "XOF", "NOK", "SEK", "DKK", "GBP", "CAD", "AUD", "CHF", "TRY"]
    contributions = [
        contribution_row(Currency=code, Amount=1_000, **{"Date received": date(2017, 3, 1)})
        for code in eleven
    ]
    contributions.append(contribution_row(Currency="JPY"))  # not one of them
    result = read(tf_workbook(tmp_path, [tf_row(1)], contributions=contributions))
    found = result.tables["contributions"]
    assert found["currency"].tolist() == eleven
    assert found.loc[0, "amount_usd"] == 1_000  # USD
    assert found.loc[6, "amount_usd"] == 1_233.96  # GBP: 1,000 / 0.8104 (March 2017)
    assert problems(result) == [
        (13, "currency", "Currency: 'JPY' is not a known currency; use one of: USD, EUR, XOF, "
                         "NOK, SEK, DKK, GBP, CAD, AUD, CHF, TRY"),
    ]  # fmt: skip


CODE_SHAPES = [
    # (fund, code as written, the code loaded or None when the row is rejected)
    ("TF", "TF-2018-001", "TF-2018-001"),
    ("TF", "TF-2018-0123", "TF-2018-0123"),  # three digits or more
    ("TF", "TF-18-1", None),  # a two-digit year, a one-digit number
    ("TF", "tf-2018-001", None),  # case counts (docs/decisions.md)
    ("TF", "TF-2018-01", None),
    ("TF", "TF/2018/001", None),
    ("QIP", "QIP/GAO/2018/012", "QIP/GAO/2018/012"),
    ("QIP", "QIP/TBT/2017/1234", "QIP/TBT/2017/1234"),
    ("QIP", "QIP/GAO/18/012", None),
    ("QIP", "QIP/GA/2018/012", None),  # three letters
    ("QIP", "qip/gao/2018/012", None),
    ("QIP", "QIP/GAO/2018/12", None),
    ("PBF", 92458, "00092458"),  # Excel made 00092458 a number: the zeros come back
    ("PBF", "00092458", "00092458"),
    ("PBF", "0092458", None),  # typed as text with seven digits
    ("PBF", "MPTF 00092458", None),
]


@pytest.mark.parametrize(("fund", "written", "loaded"), CODE_SHAPES)
def test_project_code_shapes(tmp_path: Path, fund: str, written: object, loaded: str | None):
    header, example, first_row = {
        "QIP": ("Code QIP", "QIP/GAO/2018/012", 5),
        "TF": ("Project ID", "TF-2018-045", 4),
        "PBF": ("Numéro MPTF", "00092458", 4),
    }[fund]
    if fund == "QIP":
        path = qip_workbook(tmp_path, [qip_row(1, **{header: written})])
    elif fund == "TF":
        path = tf_workbook(tmp_path, [tf_row(1, **{header: written})])
    else:
        path = pbf_workbook(tmp_path, [pbf_row(1, **{header: written})])
    result = read(path)
    if loaded is None:
        message = f"{header}: '{written}' is not a code of the form {example}"
        assert problems(result) == [(first_row, "project_code", message)]
        assert result.tables["projects"].empty
    else:
        assert problems(result) == []
        assert result.tables["projects"]["project_code"].tolist() == [loaded]


def test_data_sheets_are_found_by_name_compared_as_headers(tmp_path: Path) -> None:
    # Sheet names as a clerk renames them: spaces around and inside, another case.
    qip = qip_workbook(tmp_path, [qip_row(1)])
    replace_in_part(qip, "xl/workbook.xml", b'name="Suivi QIPs"', b'name=" suivi  QIPS "')
    tf = tf_workbook(tmp_path, [tf_row(1)])
    replace_in_part(tf, "xl/workbook.xml", b'name="Projects"', b'name="PROJECTS"')
    replace_in_part(tf, "xl/workbook.xml", b'name="Contributions"', b'name="contributions "')
    pbf = pbf_workbook(tmp_path, [pbf_row(1)])
    replace_in_part(pbf, "xl/workbook.xml", b'name="Portefeuille"', b'name="PORTEFEUILLE"')
    found = {
        path.name: {table: df["sheet"].tolist() for table, df in read(path).tables.items()}
        for path in (qip, tf, pbf)
    }
    assert found == {
        "QIPs_Suivi_2018-06-30.xlsx": {"projects": [" suivi  QIPS "]},
        "TF_Project_Tracker_Jun2018.xlsx": {"projects": ["PROJECTS"],
                                            "contributions": ["contributions "]},
        "PBF_Portefeuille_20180228.xlsx": {"projects": ["PORTEFEUILLE"]},
    }  # fmt: skip


def test_a_contribution_without_a_rate_is_a_row_error_never_converted_at_one(
    tmp_path: Path,
) -> None:
    contributions = [
        # Before the first month of the rates file, and after its last.
        contribution_row(Currency="NOK", Amount=10_000_000,
                         **{"Date received": date(2012, 11, 20)}),
        contribution_row(Currency="GBP", Amount=500_000, **{"Date received": date(2019, 1, 10)}),
        # The Fund's own USD figure wins: no rate needed.
        contribution_row(Currency="NOK", Amount=10_000_000,
                         **{"Date received": date(2012, 11, 20), "USD equivalent": 1_700_000}),
        # USD is 1 by definition, in any month.
        contribution_row(Currency="USD", Amount=400_000, **{"Date received": date(2019, 1, 10)}),
    ]  # fmt: skip
    result = read(tf_workbook(tmp_path, [tf_row(1)], contributions=contributions))
    rates = "the data team must add it to the reference exchange rates (fx_rates.csv)"
    assert problems(result) == [
        (2, "currency", "Currency: no reference exchange rate is on file for NOK in 2012-11 "
                        f"(the month of the date received); {rates}"),
        (3, "currency", "Currency: no reference exchange rate is on file for GBP in 2019-01 "
                        f"(the month of the date received); {rates}"),
    ]  # fmt: skip
    assert result.tables["contributions"]["amount_usd"].tolist() == [1_700_000, 400_000]


REQUIRED = {
    # sheet: (first data row, [(header the builder writes, field)]) for every column the
    # contract marks required
    "Suivi QIPs": (5, [("Code QIP", "project_code"), ("Intitulé du projet", "title"),
                       ("Région", "region"), ("Secteur", "sector"),
                       ("Partenaire d'exécution", "partner"), ("Budget", "budget"),
                       ("Date d'approbation", "approval_date"), ("Statut", "status")]),
    "Projects": (4, [("Project ID", "project_code"), ("Project Title", "title"),
                     ("Objective", "objective"), ("Region", "region"),
                     ("Implementing Entity", "partner"), ("Approved Budget", "budget"),
                     ("Approval Date", "approval_date"), ("Status", "status")]),
    "Contributions": (2, [("Donor", "donor"), ("Date received", "date_received"),
                          ("Amount", "amount"), ("Currency", "currency")]),
    "Portefeuille": (4, [("Numéro MPTF", "project_code"), ("Titre du projet", "title"),
                         ("Fenêtre", "window"), ("Agences récipiendaires", "recipients"),
                         ("Régions", "regions"), ("Budget total (USD)", "budget"),
                         ("Date de démarrage", "start_date"), ("Statut", "status")]),
}  # fmt: skip


@pytest.mark.parametrize("sheet", list(REQUIRED))
def test_a_blank_required_cell_is_a_row_error(tmp_path: Path, sheet: str) -> None:
    # One row per required column, that cell left empty or holding only spaces, a no-break
    # space and a line break (blank to the eye, and to the reader).
    first, required = REQUIRED[sheet]
    blanks = [{header: "" if n % 2 else f" {NBSP}\n"} for n, (header, _) in enumerate(required)]
    if sheet == "Suivi QIPs":
        path = qip_workbook(tmp_path, [qip_row(n, **b) for n, b in enumerate(blanks, start=1)])
    elif sheet == "Projects":
        path = tf_workbook(tmp_path, [tf_row(n, **b) for n, b in enumerate(blanks, start=1)])
    elif sheet == "Contributions":
        path = tf_workbook(tmp_path, [tf_row(1)], [contribution_row(**b) for b in blanks])
    else:
        path = pbf_workbook(tmp_path, [pbf_row(n, **b) for n, b in enumerate(blanks, start=1)])
    result = read(path)
    assert problems(result) == [
        (first + n, field, f"{header}: this cell is blank but the column is required")
        for n, (header, field) in enumerate(required)
    ]
    assert result.rule_flags.empty


def _with_headers(headers: list[str], rows: list[dict], fund: str, table_name: str, pick: int):
    """The table written with each field's alternative header (``pick``: the second one the
    contract lists, or -1 for the last)."""
    fields = CONTRACTS[fund].sheet(table_name).fields
    alias = {f.headers[0]: f.headers[min(pick, len(f.headers) - 1)] for f in fields}
    return table([alias[h] for h in headers], [{alias[k]: v for k, v in r.items()} for r in rows])


def _plain(row: pd.Series, columns: tuple[str, ...]) -> dict:
    return {
        c: None if pd.isna(row[c]) else row[c].date() if isinstance(row[c], pd.Timestamp)
        else row[c]
        for c in columns
    }  # fmt: skip


@pytest.mark.parametrize("pick", [1, -1], ids=["second header", "last header"])
def test_every_header_the_contract_lists_is_read(tmp_path: Path, pick: int) -> None:
    qip = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Suivi QIPs": [["Projets à Impact Rapide (QIPs) – Situation au 30/06/2018"], [],
                        *_with_headers(QIP_HEADERS, [qip_row(1)], "QIP", "projects", pick)]},
    )  # fmt: skip
    tf = write_workbook(
        tmp_path / "TF_Project_Tracker_Jun2018.xlsx",
        {
            "Projects": [["Trust Fund project tracker – as of 30 June 2018"],
                         *_with_headers(TF_HEADERS, [tf_row(1)], "TF", "projects", pick)],
            "Contributions": _with_headers(TF_CONTRIBUTION_HEADERS, [contribution_row()], "TF",
                                           "contributions", pick),
        },
    )  # fmt: skip
    pbf = write_workbook(
        tmp_path / "PBF_Portefeuille_20180228.xlsx",
        {"Portefeuille": [["Portefeuille PBF Mali – situation au 28/02/2018"],
                          *_with_headers(PBF_HEADERS, [pbf_row(1)], "PBF", "projects", pick)]},
    )  # fmt: skip
    loaded = {}
    for path in (qip, tf, pbf):
        result = read(path)
        assert result.refused is None and result.rejected_rows.empty, result.refused
        for name, df in result.tables.items():
            columns = CANONICAL_COLUMNS[(result.file.fund, name)]
            loaded[(result.file.fund, name)] = _plain(df.iloc[0], columns)
    assert loaded == {
        ("QIP", "projects"): {
            "project_code": "QIP/GAO/2018/001", "title": "Réhabilitation du puits n° 1",
            "region": "Gao", "locality": "Gao", "sector": "Water", "partner": "ONG Tassaght",
            "sponsor": "Civil Affairs", "budget": 25_000, "currency": "USD",
            "budget_usd": 25_000, "approval_date": date(2018, 3, 1),
            "start_date": date(2018, 3, 15), "duration_months": 4,
            "end_date": date(2018, 6, 15), "status": "completed", "remarks": None,
        },
        ("TF", "projects"): {
            "project_code": "TF-2018-001", "title": "Rehabilitation of police station 1",
            "objective": "3", "region": "Gao", "partner": "UNOPS", "donor": "Italy",
            "budget": 181_320, "budget_usd": 181_320, "expenditure": 50_000,
            "approval_date": date(2018, 2, 1), "start_date": date(2018, 3, 1),
            "end_date": None, "status": "ongoing",
        },
        ("TF", "contributions"): {
            "donor": "Germany", "date_received": date(2016, 12, 15), "amount": 3_500_000,
            "currency": "EUR", "usd_equivalent": None, "earmarked_for": "5",
            "amount_usd": 3_688_870.15,  # 3,500,000 EUR / 0.9488 (December 2016)
            "donor_key": "germany",
        },
        ("PBF", "projects"): {
            "project_code": "00092451", "title": "Projet de consolidation de la paix 1",
            "window": "Phase I", "recipients": "UN Women; UNFPA; MINUSMA",
            "regions": "Mopti; Gao; Ménaka", "budget": 3_000_000, "budget_usd": 3_000_000,
            "start_date": date(2015, 6, 1), "duration_months": 18,
            "end_date": date(2016, 12, 1), "status": "completed",
        },
    }  # fmt: skip


def test_donor_names_compare_as_headers_and_a_leading_the_is_ignored(tmp_path: Path) -> None:
    donors = ["the Netherlands", "NETHERLANDS", f"Netherlands{NBSP}", "The  Netherlands",
              "Japan"]  # fmt: skip
    contributions = [contribution_row(Donor=d) for d in donors]
    found = read(tf_workbook(tmp_path, [tf_row(1)], contributions)).tables["contributions"]
    assert found["donor_key"].tolist() == ["netherlands"] * 4 + ["japan"]
    # A donor the bulletin does not name (new donors join) is accepted as any other.
    assert found["donor"].tolist() == ["the Netherlands", "NETHERLANDS", "Netherlands",
                                       "The Netherlands", "Japan"]  # fmt: skip


def test_contributions_header_in_the_second_row(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "TF_Project_Tracker_Jun2018.xlsx",
        {
            "Projects": tf_sheet([tf_row(1)]),
            "Contributions": [["Contributions received"],
                              *table(TF_CONTRIBUTION_HEADERS, [contribution_row()])],
        },
    )  # fmt: skip
    result = read(path)
    assert result.tables["contributions"]["source_row"].tolist() == [3]


def test_other_sheets_are_ignored(tmp_path: Path) -> None:
    # The QIP unit's hidden lists and its summary, with headers of their own and a project
    # code: neither is read.
    decoy = [["Code QIP", "Région", "Budget"], ["QIP/GAO/2018/999", "Atlantis", -1]]
    path = write_workbook(
        tmp_path / "QIPs_Suivi_2018-06-30.xlsx",
        {"Listes": decoy, "Synthèse": decoy, "Suivi QIPs": qip_sheet([qip_row(1)]),
         "Feuil3": pbf_sheet([pbf_row(1)])},
        hidden=("Listes",),
    )  # fmt: skip
    result = read(path)
    assert result.tables["projects"]["project_code"].tolist() == ["QIP/GAO/2018/001"]
    assert result.rows_read == 1 and result.rejected_rows.empty


def test_an_unknown_region_in_a_pbf_list_rejects_the_row(tmp_path: Path) -> None:
    # One unknown name among known ones: never dropped, never "other"; the row is rejected.
    result = read(pbf_workbook(tmp_path, [pbf_row(1, Régions="Gao, Kayes; Mopti"), pbf_row(2)]))
    gazetteer = "Tombouctou, Taoudénit, Gao, Ménaka, Kidal, Mopti, Ségou, Bamako, National"
    assert problems(result) == [
        (4, "regions", "Régions: 'Kayes' (in 'Gao, Kayes; Mopti') is not a known region "
                       f"(gazetteer); use one of: {gazetteer}"),
    ]  # fmt: skip
    assert result.tables["projects"]["project_code"].tolist() == ["00092452"]


def test_trust_fund_and_pbf_amounts_are_usd(tmp_path: Path) -> None:
    # Their tables have no currency column: an amount written in another currency is a row
    # error, and so is an earmark that is not one of the five objectives.
    tf = read(
        tf_workbook(
            tmp_path,
            [tf_row(1, **{"Approved Budget": "EUR 150 000"}),
             tf_row(2, **{"Expenditure to date": "1 000 €"}), tf_row(3)],
            contributions=[contribution_row(**{"USD equivalent": "EUR 5 000"}),
                           contribution_row(**{"Earmarked for": "Obj. 9"})],
        )
    )  # fmt: skip
    assert [(row, field) for row, field, _ in problems(tf)] == [
        (4, "budget"), (5, "expenditure"), (2, "usd_equivalent"), (3, "earmarked_for"),
    ]  # fmt: skip
    assert problems(tf)[0][2] == (
        "Approved Budget: the amount is written in EUR but the row's currency is USD; make "
        "them agree"
    )
    assert problems(tf)[1][2] == "Expenditure to date: '1 000 €' must be in USD"
    pbf = read(pbf_workbook(tmp_path, [pbf_row(1, **{"Budget total (USD)": "3 000 000 XOF"})]))
    assert [(row, field) for row, field, _ in problems(pbf)] == [(4, "budget")]


def test_a_trust_fund_tracker_without_its_contributions_sheet_is_refused(tmp_path: Path) -> None:
    # A complete Projects sheet, and the Pivot and Notes sheets, but no Contributions.
    path = write_workbook(
        tmp_path / "TF_Project_Tracker_Jun2018.xlsx",
        {"Projects": tf_sheet([tf_row(1)]), "Pivot": [["x"]], "Notes": [["y"]]},
    )
    result = read(path)
    assert result.refused == (
        "TF_Project_Tracker_Jun2018.xlsx: the data sheet 'Contributions' is missing; sheets "
        "found: 'Projects', 'Pivot', 'Notes'"
    )
    assert result.tables == {} and result.rows_read == 0
