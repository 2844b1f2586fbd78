"""The reader against the untidiness TRACKERS.md promises, and against bad input.

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

from sr_pipeline.discovery import recognise
from sr_pipeline.model import CANONICAL_COLUMNS, LINEAGE_COLUMNS, ReadResult
from sr_pipeline.reader import read_tracker
from tests.builders import (
    QIP_HEADERS,
    Formula,
    big_qip_workbook,
    contribution_row,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_workbook,
    replace_in_part,
    table,
    tf_row,
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
            qip_row(3),
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
    assert result.rows_skipped == {"blank": 1, "group_header": 1, "total": 1}


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
    # USD equivalent wins when given; otherwise the UN rate of the month received applies.
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


# --- values: every form TRACKERS.md lists --------------------------------------------------

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
    projects = read(qip_workbook(tmp_path, [qip_row(1, Budget=written)])).tables["projects"]
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
     "currency", "no UN exchange rate is on file for EUR in 2012-05"),
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
