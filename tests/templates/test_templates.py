"""The tracker templates, used the way a fund unit uses them.

Guards against a template that disagrees with the reader it was made for: a header spelled
differently from the contract, a drop-down entry the reader does not accept (or a list that
misses a value, or offers two spellings of one), a report-date cell the reader does not
see, a code check that refuses a valid code or lets a malformed one through, an MPTF number
that loses its zeros, and templates rewritten on every run (or not rewritten when a contract
or a reference list changes). Each template is filled as a clerk fills it (openpyxl writing
values only: the picks from the lists, real dates, numbers), saved under a dated tracker name
and read by ``read_tracker``. LibreOffice (Debian's ``libreoffice-calc-nogui``) opens every
template and prints it to PDF; the first page of each is kept as a PNG in
``test-artifacts/templates/``, and a filled tracker recalculated and re-saved by LibreOffice
must read back with the same figures.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import openpyxl
import pandas as pd
import pytest

from sr_pipeline.definitions import ASSETS, defs
from sr_pipeline.defs.assets_templates import TEMPLATES, tracker_templates
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.language.text import fold
from sr_pipeline.model import TrackerFile
from sr_pipeline.reference import REFERENCE_DIR, load_reference
from sr_pipeline.templates import (
    ensure_templates,
    template_file_name,
    template_pointer,
    template_spec,
    tracker_file_name,
    unit_language,
    write_templates,
)
from sr_pipeline.templates.__main__ import main as templates_cli
from sr_pipeline.templates.shape import shape_formula
from sr_pipeline.templates.spec import DATA_ROWS, VOCABULARY_KINDS, TemplateSpec
from sr_pipeline.templates.text import MEANING_OVERRIDES, MEANINGS, meaning
from sr_pipeline.trackers import reader
from sr_pipeline.trackers.contracts import CONTRACTS
from sr_pipeline.trackers.discovery import recognise
from tests import ROOT as PROJECT_ROOT

pytestmark = pytest.mark.slow

REFERENCE = load_reference()
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "templates"
SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None or PDFTOPPM is None,
    reason="LibreOffice (libreoffice-calc-nogui) or poppler-utils is not installed "
    "(make system-packages installs them)",
)
_RANGE = re.compile(r"^'?(?P<sheet>[^!']+)'?!\$(?P<col>[A-Z]+)\$(?P<r1>\d+):\$[A-Z]+\$(?P<r2>\d+)$")

# What a clerk types into each template: the picks are spellings of the drop-down lists.
FILLS: dict[str, dict[str, Any]] = {
    "QIP": {
        "report_date": date(2018, 6, 30),
        "typed_date": date(2018, 6, 30),  # typed as 30/06/2018 in a date cell: a real date
        "sheets": {
            "Suivi QIPs": [
                {"Code QIP": "QIP/GAO/2018/001", "Intitulé du projet": "Réhabilitation du puits "
                 "de Gao", "Région": "Gao", "Cercle/Commune": "Gao", "Secteur": "Eau",
                 "Partenaire d'exécution": "ONG Tassaght", "Composante parrain": "Civil Affairs",
                 "Budget": 25_000, "Date d'approbation": date(2018, 3, 1),
                 "Date de démarrage": date(2018, 3, 15), "Durée (mois)": 4,
                 "Date de clôture": date(2018, 6, 15), "Statut": "Achevé"},
                {"Code QIP": "QIP/TBT/2018/002", "Intitulé du projet": "Équipement du centre "
                 "de santé", "Région": "Tombouctou", "Secteur": "Santé",
                 "Partenaire d'exécution": "ONG Alpha", "Budget": 12_000_000, "Devise": "XOF",
                 "Date d'approbation": date(2018, 4, 2), "Date de démarrage": date(2018, 4, 10),
                 "Durée (mois)": 6, "Statut": "En cours", "Observations": "à suivre"},
                {"Code QIP": "QIP/MPT/2018/003", "Intitulé du projet": "Salle de classe",
                 "Région": "Mopti", "Secteur": "Éducation", "Partenaire d'exécution": "Mairie",
                 "Budget": 30_000, "Devise": "EUR", "Date d'approbation": date(2018, 5, 2),
                 "Statut": "Non démarré"},
            ],
        },
        "expected": {
            "projects": {
                "project_code": ["QIP/GAO/2018/001", "QIP/TBT/2018/002", "QIP/MPT/2018/003"],
                "region": ["Gao", "Tombouctou", "Mopti"],
                "sector": ["Water", "Health", "Education"],
                "status": ["completed", "ongoing", "not_started"],
                "currency": ["USD", "XOF", "EUR"],
                "budget": [25_000.0, 12_000_000.0, 30_000.0],
                "remarks": [None, "à suivre", None],
            },
        },
    },
    "TF": {
        "report_date": date(2018, 6, 30),
        "typed_date": date(2018, 6, 30),
        "sheets": {
            "Projects": [
                {"Project ID": "TF-2018-001", "Project Title": "Rehabilitation of the Gao "
                 "police station", "Objective": "3 - Return of State Authority, Rule of Law "
                 "and DDR-SSR", "Region": "Gao", "Implementing Entity": "UNOPS",
                 "Donor": "Italy; Germany", "Approved Budget": 181_320,
                 "Expenditure to date": 50_000, "Approval Date": date(2018, 2, 1),
                 "Start Date": date(2018, 3, 1), "Status": "Ongoing"},
                {"Project ID": "TF-2016-014", "Project Title": "Vehicles for the MDSF",
                 "Objective": "5 - Equipment and Logistical Support to Malian Defence and "
                 "Security Forces (MDSF)", "Region": "National", "Implementing Entity": "UNOPS",
                 "Approved Budget": 2_500_000, "Approval Date": date(2016, 5, 1),
                 "Start Date": date(2016, 6, 1), "End Date": date(2017, 6, 30),
                 "Status": "Completed"},
            ],
            "Contributions": [
                {"Donor": "Germany", "Date received": date(2016, 12, 15), "Amount": 3_500_000,
                 "Currency": "EUR", "Earmarked for": "5 - Equipment and Logistical Support to "
                 "Malian Defence and Security Forces (MDSF)"},
                {"Donor": "Norway", "Date received": date(2017, 3, 1), "Amount": 10_000_000,
                 "Currency": "NOK", "USD equivalent": 1_200_000},
            ],
        },
        "expected": {
            "projects": {
                "project_code": ["TF-2018-001", "TF-2016-014"],
                "objective": ["3", "5"],
                "region": ["Gao", "National"],
                "status": ["ongoing", "completed"],
                "budget_usd": [181_320.0, 2_500_000.0],
            },
            "contributions": {
                "donor": ["Germany", "Norway"],
                "currency": ["EUR", "NOK"],
                "earmarked_for": ["5", None],
                "usd_equivalent": [None, 1_200_000.0],
            },
        },
    },
    "PBF": {
        "report_date": date(2018, 2, 28),
        "typed_date": "28/02/2018",  # a clerk whose Excel kept the typed date as text
        "sheets": {
            "Portefeuille": [
                {"Numéro MPTF": "00092458", "Titre du projet": "Appui au dialogue local",
                 "Fenêtre": "Phase I", "Agences récipiendaires": "UN Women, UNFPA, MINUSMA",
                 "Régions": "Mopti, Gao, Ménaka", "Budget total (USD)": 3_000_000,
                 "Date de démarrage": date(2015, 6, 1), "Durée (mois)": 18,
                 "Date de fin": date(2016, 12, 1), "Statut": "Achevé"},
                {"Numéro MPTF": "00108563", "Titre du projet": "Bureau d'appui au Comité",
                 "Fenêtre": "Secrétariat", "Agences récipiendaires": "PNUD",
                 "Régions": "Bamako", "Budget total (USD)": 300_000,
                 "Date de démarrage": date(2016, 1, 1), "Statut": "En cours"},
            ],
        },
        "expected": {
            "projects": {
                "project_code": ["00092458", "00108563"],
                "window": ["Phase I", "Secrétariat"],
                "regions": ["Mopti; Gao; Ménaka", "Bamako"],
                "recipients": ["UN Women; UNFPA; MINUSMA", "PNUD"],
                "status": ["completed", "ongoing"],
            },
        },
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_templates(tmp_path_factory.mktemp("templates"))


def fill(
    template: Path, fund: str, folder: Path, formulas: dict | None = None, revision: str = ""
) -> Path:
    """Fill a template as a clerk would (values only; ``formulas``: (sheet, row, header) ->
    a formula typed instead of the value) and save it under its dated tracker name."""
    data = FILLS[fund]
    spec = template_spec(fund)
    book = openpyxl.load_workbook(template)
    for sheet in spec.sheets:
        ws = book[sheet.name]
        if sheet.title:
            ws[sheet.date_cell] = data["typed_date"]
        headers = [column.header for column in sheet.columns]
        for offset, row in enumerate(data["sheets"][sheet.name]):
            for header, value in row.items():
                typed = (formulas or {}).get((sheet.name, offset, header), value)
                col = headers.index(header) + 1
                cell = ws.cell(sheet.first_data_row + 1 + offset, col, typed)
                # Excel gives a typed cell its column's format; openpyxl does not.
                cell.number_format = column_format(ws, col)
    path = folder / tracker_file_name(fund, data["report_date"], revision)
    folder.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def filled(templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("filled")
    return {fund: fill(templates[fund], fund, folder) for fund in templates}


def read(path: Path):
    tracker = recognise(path)
    assert isinstance(tracker, TrackerFile), tracker
    return reader.read_tracker(tracker)


def resolve_list(book: openpyxl.Workbook, formula: str) -> list[str]:
    match = _RANGE.match(formula)
    assert match, formula
    sheet = book[match["sheet"]]
    col = openpyxl.utils.column_index_from_string(match["col"])
    return [sheet.cell(r, col).value for r in range(int(match["r1"]), int(match["r2"]) + 1)]


def validation_at(ws: Any, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{cell}: {len(found)} validations"
    return found[0]


# --- names, languages, the pointer for the feedback workbook ---------------------------------


def test_template_names_languages_and_pointer() -> None:
    assert [template_file_name(f) for f in CONTRACTS] == [
        "QIPs_Suivi_modele.xlsx",
        "TF_Project_Tracker_template.xlsx",
        "PBF_Portefeuille_modele.xlsx",
    ]
    assert [unit_language(f) for f in CONTRACTS] == ["fr", "en", "fr"]
    # A template's name is never taken for a tracker (it has no date).
    assert all(not c.file_pattern.match(template_file_name(f)) for f, c in CONTRACTS.items())
    assert "QIPs_Suivi_modele.xlsx" in template_pointer("QIP")
    assert template_pointer("QIP").startswith("Pour éviter")
    assert template_pointer("TF").startswith("To avoid")
    assert template_pointer("PBF", "en").startswith("To avoid")


def test_every_field_has_a_meaning_in_both_languages() -> None:
    # A field added to a contract without a sentence would leave a blank in the read-me.
    for fund, contract in CONTRACTS.items():
        for sheet in contract.sheets:
            for field in sheet.fields:
                for language in ("en", "fr"):
                    assert meaning(fund, sheet.table, field.name, language), (fund, field.name)
    assert all(set(e) == {"en", "fr"} for e in [*MEANINGS.values(), *MEANING_OVERRIDES.values()])


# --- the workbook's structure ------------------------------------------------------------------


def test_sheets_headers_markers_and_formats_follow_the_contract(
    templates: dict[str, Path],
) -> None:
    for fund, path in templates.items():
        contract = CONTRACTS[fund]
        spec = template_spec(fund)
        book = openpyxl.load_workbook(path)
        data_sheets = [s.sheet for s in contract.sheets]
        assert book.sheetnames == [spec.readme_sheet, *data_sheets, spec.lists_sheet]
        assert book[spec.lists_sheet].sheet_state == "hidden"
        assert book.active.title == spec.readme_sheet  # what a clerk sees on opening it
        for sheet_contract, sheet in zip(contract.sheets, spec.sheets, strict=True):
            ws = book[sheet_contract.sheet]
            header_row = sheet.header_row + 1
            headers = [ws.cell(header_row, c + 1).value for c in range(len(sheet.columns))]
            expected_headers, expected_required = TEMPLATE_COLUMNS[sheet_contract.sheet]
            assert headers == expected_headers
            required = words_in_row(ws, sheet.marker_row + 1, len(headers))
            marker = {"fr": "obligatoire", "en": "required"}[spec.language]
            assert [m == marker for m in required] == [r == "yes" for r in expected_required]
            assert ws.freeze_panes == f"A{header_row + 1}"
            for index, field in enumerate(sheet_contract.fields):
                number_format = column_format(ws, index + 1)
                expected = {"date": "dd/mm/yyyy", "amount": "#,##0.00", "whole": "0",
                            "code": "@", "mptf": "@"}.get(field.kind, "General")  # fmt: skip
                assert number_format == expected, (fund, field.name)
            if sheet.title:
                assert sheet_contract.has_title_date
                label = ws.cell(1, 1).value
                assert reader._AS_OF.search(fold(label)), label
                assert ws[sheet.date_cell].value in ("JJ/MM/AAAA", "dd/mm/yyyy")
                assert validation_at(ws, sheet.date_cell).type == "date"


# Each data sheet's columns as the workbook contract lists them (the first header seen for
# each field, and whether it is required), written out here rather than read from the code.
TEMPLATE_COLUMNS = {
    "Suivi QIPs": (
        ["Code QIP", "Intitulé du projet", "Région", "Cercle/Commune", "Secteur",
         "Partenaire d'exécution", "Composante parrain", "Budget", "Devise",
         "Date d'approbation", "Date de démarrage", "Durée (mois)", "Date de clôture", "Statut",
         "Observations"],
        ["yes", "yes", "yes", "no", "yes", "yes", "no", "yes", "no", "yes", "no", "no", "no",
         "yes", "no"],
    ),
    "Projects": (
        ["Project ID", "Project Title", "Objective", "Region", "Implementing Entity", "Donor",
         "Approved Budget", "Expenditure to date", "Approval Date", "Start Date", "End Date",
         "Status"],
        ["yes", "yes", "yes", "yes", "yes", "no", "yes", "no", "yes", "no", "no", "yes"],
    ),
    "Contributions": (
        ["Donor", "Date received", "Amount", "Currency", "USD equivalent", "Earmarked for"],
        ["yes", "yes", "yes", "yes", "no", "no"],
    ),
    "Portefeuille": (
        ["Numéro MPTF", "Titre du projet", "Fenêtre", "Agences récipiendaires", "Régions",
         "Budget total (USD)", "Date de démarrage", "Durée (mois)", "Date de fin", "Statut"],
        ["yes", "yes", "yes", "yes", "yes", "yes", "yes", "no", "no", "yes"],
    ),
}  # fmt: skip


REGIONS = ["Tombouctou", "Taoudénit", "Gao", "Ménaka", "Kidal", "Mopti", "Ségou", "Bamako",
           "National"]  # fmt: skip
STATUSES = ["completed", "ongoing", "not_started", "suspended", "cancelled"]
OBJECTIVES = ["1", "2", "3", "4", "5"]
# The canonical values each list column must offer, written out (the workbook contract's
# vocabularies; the contributions' currencies are those the Fund receives).
LIST_VALUES = {
    ("Suivi QIPs", "region"): REGIONS,
    ("Suivi QIPs", "sector"): [
        "Security", "Justice", "Public Infrastructures", "Agriculture", "Health",
        "Public Information", "Education", "Water", "Handicraft", "Culture", "Sports",
        "Conflict Management", "Waste Management", "Human Rights",
    ],
    ("Suivi QIPs", "currency"): ["USD", "XOF", "EUR"],
    ("Suivi QIPs", "status"): STATUSES,
    ("Projects", "objective"): OBJECTIVES,
    ("Projects", "region"): REGIONS,
    ("Projects", "status"): STATUSES,
    ("Contributions", "currency"): [
        "USD", "EUR", "XOF", "NOK", "SEK", "DKK", "GBP", "CAD", "AUD", "CHF", "TRY",
    ],
    ("Contributions", "earmarked_for"): OBJECTIVES,
    ("Portefeuille", "window"): [
        "Phase I", "Phase II", "GYPI", "Transfrontalier", "Autorités intérimaires",
        "Secrétariat",
    ],
    ("Portefeuille", "regions"): REGIONS,
    ("Portefeuille", "status"): STATUSES,
}  # fmt: skip


def column_format(ws: Any, col: int) -> str:
    """The number format a column gives new cells (a <col> element may span columns)."""
    spans = [d for d in ws.column_dimensions.values() if d.min <= col <= d.max]
    return spans[0].number_format if spans else "General"


def words_in_row(ws: Any, row: int, width: int) -> list[str]:
    return [ws.cell(row, c + 1).value for c in range(width)]


def test_every_vocabulary_column_offers_exactly_the_reference_values(
    templates: dict[str, Path],
) -> None:
    """Each list entry, read back through the reader, is a distinct canonical value, and
    together they are every value the reference knows (the currencies: the sheet's)."""
    checked = 0
    for fund, path in templates.items():
        contract = CONTRACTS[fund]
        spec = template_spec(fund)
        book = openpyxl.load_workbook(path)
        for sheet_contract, sheet in zip(contract.sheets, spec.sheets, strict=True):
            ws = book[sheet.name]
            # The reader's own cell parsers (private, but exactly what reads a tracker).
            parsers = reader._parsers(sheet_contract, REFERENCE)
            first = sheet.first_data_row + 1
            for index, field in enumerate(sheet_contract.fields):
                inner = field.kind.split(":", 1)[-1]
                if inner not in (*VOCABULARY_KINDS, "currency"):
                    continue
                letter = openpyxl.utils.get_column_letter(index + 1)
                dv = validation_at(ws, f"{letter}{first}")
                assert f"{letter}{first + DATA_ROWS - 1}" in dv.sqref
                assert dv.type == "list" and dv.showDropDown in (None, False)
                assert dv.prompt and dv.error, (fund, field.name)
                entries = resolve_list(book, dv.formula1)
                assert book[_RANGE.match(dv.formula1)["sheet"]].sheet_state == "hidden"
                canonical = []
                for entry in entries:
                    value, problem = parsers[field.name](entry)
                    assert problem is None, (fund, field.name, entry, problem)
                    canonical.append(value)
                expected = LIST_VALUES[(sheet_contract.sheet, field.name)]
                assert len(set(canonical)) == len(canonical), (fund, field.name, entries)
                assert set(canonical) == set(expected), (fund, field.name)
                # One value per cell stops a wrong entry; several (PBF regions) only inform.
                several = field.kind.startswith("list:")
                assert (dv.errorStyle or "stop") == ("information" if several else "stop")
                checked += 1
    # QIP: region, sector, currency, status; TF: objective, region, status, currency,
    # earmarked for; PBF: window, regions, status.
    assert checked == 12


def test_clerks_spellings_in_each_language(templates: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(templates["QIP"])
    lists = {ws_row[0].value: [c.value for c in ws_row[1:] if c.value]
             for ws_row in book["Listes"].iter_cols()}  # fmt: skip
    assert lists["Statut"] == ["Achevé", "En cours", "Non démarré", "Suspendu", "Annulé"]
    assert lists["Secteur"][:3] == ["Sécurité", "Justice", "Infrastructures publiques"]
    assert lists["Région"] == list(REFERENCE.regions.values)  # the gazetteer's admin-1 names
    assert lists["Devise"] == ["USD", "XOF", "EUR"]
    book = openpyxl.load_workbook(templates["TF"])
    lists = {c[0].value: [x.value for x in c[1:] if x.value] for c in book["Lists"].iter_cols()}
    assert lists["Status"] == ["Completed", "Ongoing", "Not started", "Suspended", "Cancelled"]
    assert lists["Objective"][2] == "3 - Return of State Authority, Rule of Law and DDR-SSR"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_unit_that_changes_language_still_gets_readable_lists(
    language: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The unit's language is moving to another home: whichever it is, every entry of every
    # list must still be a spelling the reader accepts.
    monkeypatch.setattr("sr_pipeline.templates.spec.unit_language", lambda fund: language)
    for fund in CONTRACTS:
        spec = template_spec(fund)
        assert spec.language == language
        for value_list in spec.lists:
            if value_list.kind == "currency":
                continue
            vocabulary = REFERENCE.vocabularies()[value_list.kind]
            assert [vocabulary.get(e) for e in value_list.entries] == list(value_list.canonical)
        write_templates(tmp_path / language)  # every prompt and alert fits Excel's limits


def test_code_columns_carry_a_shape_check(templates: dict[str, Path]) -> None:
    for fund, path in templates.items():
        spec = template_spec(fund)
        sheet = spec.sheets[0]
        ws = openpyxl.load_workbook(path)[sheet.name]
        dv = validation_at(ws, f"A{sheet.first_data_row + 1}")
        assert dv.type == "custom"
        assert dv.formula1.startswith("AND(") and len(dv.formula1) <= 255
        assert f"COUNTIF($A${sheet.first_data_row + 1}:" in dv.formula1  # one row per code
    assert shape_formula(r"QIP/[A-Z]+/\d{4}", "A1") is None  # outside the subset: no check


# --- filled by a clerk, read by the pipeline -----------------------------------------------------


@pytest.mark.parametrize("fund", list(CONTRACTS))
def test_a_filled_template_reads_with_zero_rejections(fund: str, filled: dict) -> None:
    result = read(filled[fund])
    assert result.refused is None, result.refused
    assert result.rejected_rows.empty, result.rejected_rows[["field", "problem"]].to_dict("records")
    assert result.rule_flags.empty
    for table, columns in FILLS[fund]["expected"].items():
        frame = result.tables[table]
        for column, values in columns.items():
            got = [None if pd.isna(v) else v for v in frame[column].tolist()]
            assert got == values, (fund, table, column)


def test_the_report_date_cell_is_checked_against_the_file_name(
    templates: dict[str, Path], tmp_path: Path
) -> None:
    path = fill(templates["QIP"], "QIP", tmp_path)
    wrong = path.with_name(tracker_file_name("QIP", date(2018, 5, 31)))
    path.rename(wrong)
    refused = read(wrong).refused
    assert refused is not None
    assert "Situation au 30/06/2018" in refused and "31/05/2018" in refused
    # Left as the template has it (the placeholder), the file is refused: no report date.
    book = openpyxl.load_workbook(templates["QIP"])
    blank = tmp_path / "blank" / tracker_file_name("QIP", date(2018, 6, 30))
    blank.parent.mkdir()
    book.save(blank)
    assert "no report date" in read(blank).refused


# --- rebuilt when (and only when) the inputs change ---------------------------------------------


def test_templates_are_byte_identical_and_rewritten_only_when_inputs_change(
    tmp_path: Path,
) -> None:
    out = tmp_path / "templates"
    first = ensure_templates(out)
    assert sorted(first.written) == ["PBF", "QIP", "TF"] and first.reason == "no manifest"
    before = {fund: path.read_bytes() for fund, path in first.files.items()}
    again = ensure_templates(out)
    assert again.written == [] and again.reason == "unchanged"
    assert write_templates(tmp_path / "other") and all(
        (tmp_path / "other" / p.name).read_bytes() == before[f] for f, p in first.files.items()
    )
    # A template edited by hand, or deleted, is written again (and only that one).
    first.files["TF"].write_bytes(b"edited")
    first.files["PBF"].unlink()
    repaired = ensure_templates(out)
    assert sorted(repaired.written) == ["PBF", "TF"]
    assert all(p.read_bytes() == before[f] for f, p in first.files.items())

    # A new month of exchange rates or a new spelling changes no template...
    reference_dir = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference_dir)
    with (reference_dir / "fx_rates.csv").open("a", encoding="utf-8") as handle:
        handle.write("2099-01,EUR,0.9,test\n")
    with (reference_dir / "region_spellings.csv").open("a", encoding="utf-8") as handle:
        handle.write("Gao ville,Gao\n")
    assert ensure_templates(out, load_reference(reference_dir)).written == []
    # ...a new region in the gazetteer changes every template.
    shutil.copytree(reference_dir, tmp_path / "reference-kayes")
    with (tmp_path / "reference-kayes" / "region_spellings.csv").open("a") as handle:
        handle.write("Kayes,Kayes\n")
    changed = ensure_templates(out, load_reference(tmp_path / "reference-kayes"))
    assert sorted(changed.written) == ["PBF", "QIP", "TF"]
    assert changed.reason == "contracts, reference lists or generator changed"
    lists = openpyxl.load_workbook(changed.files["QIP"])["Listes"]
    assert "Kayes" in [c.value for c in lists["A"]]


def test_a_contract_change_changes_the_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    before = template_spec("QIP")
    sheet = CONTRACTS["QIP"].sheets[0]
    renamed = replace(sheet.fields[1], headers=("Titre du projet", "Intitulé du projet"))
    fields = (sheet.fields[0], renamed, *sheet.fields[2:])
    contract = replace(CONTRACTS["QIP"], sheets=(replace(sheet, fields=fields),))
    monkeypatch.setitem(CONTRACTS, "QIP", contract)
    after = template_spec("QIP")
    assert after.sheets[0].columns[1].header == "Titre du projet"
    assert repr(after) != repr(before)


def test_cli_writes_the_three_templates(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert templates_cli([str(tmp_path / "out")]) == 0
    names = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert names == sorted(template_file_name(f) for f in CONTRACTS)
    assert "QIPs_Suivi_modele.xlsx" in capsys.readouterr().out


# --- the asset ----------------------------------------------------------------------------------


def test_asset_writes_beside_the_warehouse_once(tmp_path: Path) -> None:
    resources = {"warehouse": WarehouseResource(path=str(tmp_path / "wh" / "sr.duckdb"))}
    first = dg.materialize([tracker_templates], resources=resources)
    assert first.success
    metadata = first.asset_materializations_for_node("templates__trackers")[0].metadata
    assert metadata["templates_written"].value == 3
    assert metadata["QIP_template"].value == str(tmp_path / "wh" / "templates" /
                                                 "QIPs_Suivi_modele.xlsx")  # fmt: skip
    second = dg.materialize([tracker_templates], resources=resources)
    metadata = second.asset_materializations_for_node("templates__trackers")[0].metadata
    assert metadata["templates_written"].value == 0 and metadata["reason"].value == "unchanged"
    # In the code location, and in the job the schedule and the sensor launch; not monthly.
    assert tracker_templates in ASSETS
    job = defs.resolve_job_def("build_months")
    assert TEMPLATES in job.asset_layer.asset_graph.get_all_asset_keys()
    assert tracker_templates.partitions_def is None


# --- LibreOffice: printed, recalculated --------------------------------------------------------


def soffice(args: list[str], profile: Path) -> None:
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("soffice-profile")


@pytest.fixture(scope="module")
def pdfs(templates: dict[str, Path], profile: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("pdf")
    soffice(["--convert-to", "pdf", "--outdir", str(out), *map(str, templates.values())], profile)
    return {fund: out / f"{path.stem}.pdf" for fund, path in templates.items()}


@needs_libreoffice
def test_libreoffice_prints_each_template(pdfs: dict[str, Path], templates: dict) -> None:
    """Every template opens in LibreOffice and prints; page 1 is the read-me. The first page
    of each is kept as a PNG (test-artifacts/templates/) to be looked at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for fund, pdf in pdfs.items():
        spec: TemplateSpec = template_spec(fund)
        first_page = _pdf_text(pdf, first=1, last=1)
        assert spec.readme[0][1] in first_page  # the read-me's title
        text = _pdf_text(pdf)
        for sheet in spec.sheets:
            for column in sheet.columns:
                assert column.header in text, (fund, column.header)
            if sheet.title:
                assert sheet.title in text
        # The accepted values are printed in the read-me (pdftotext may drop a hyphen that
        # ends a wrapped line: compare without spaces and hyphens).
        squeezed = re.sub(r"[\s-]", "", text)
        for value_list in spec.lists:
            for entry in value_list.entries:
                assert re.sub(r"[\s-]", "", entry) in squeezed, (fund, entry)
        assert tracker_file_name(fund, date(2018, 6, 30)) in text
        png = ARTIFACTS / templates[fund].stem
        subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(png)], check=True)  # fmt: skip
        assert png.with_suffix(".png").stat().st_size > 10_000


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ["-f", str(first), "-l", str(last)] if first else []
    done = subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return " ".join(done.stdout.split())


@pytest.fixture(scope="module")
def recalculated(
    filled: dict[str, Path],
    templates: dict[str, Path],
    profile: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Path, Path]]:
    """The filled templates re-saved by LibreOffice, every formula computed and its result
    cached; plus the QIP filled with its first budget typed as a formula (``=20000+5000``,
    saved by openpyxl without a result) and a sheet of code-shape checks to evaluate."""
    originals = tmp_path_factory.mktemp("with-formulas")
    formulas = {("Suivi QIPs", 0, "Budget"): "=20000+5000"}
    with_formula = fill(templates["QIP"], "QIP", originals, formulas, revision="v2")
    shapes = originals / "shapes.xlsx"
    _shape_workbook(shapes)
    out = tmp_path_factory.mktemp("recalculated")
    files = [*map(str, filled.values()), str(with_formula), str(shapes)]
    soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *files], profile)
    pairs = {fund: (path, out / path.name) for fund, path in filled.items()}
    pairs["formula"] = (with_formula, out / with_formula.name)
    pairs["shapes"] = (shapes, out / shapes.name)
    return pairs


# (pattern's fund, value, what the reader says: matches the pattern and is unique)
SHAPE_CASES = [
    ("QIP", "QIP/GAO/2018/012", True),
    ("QIP", "QIP/TBT/2017/1234", True),  # 3 or more digits
    ("QIP", "qip/gao/2018/013", False),  # case matters
    ("QIP", "QIP-GAO-2018-014", False),  # separators
    ("QIP", "QIP/GAO/2018/15", False),  # too few digits
    ("QIP", "QIP/GAO/18/016", False),  # two-digit year
    ("QIP", "QIP/Gao/2018/017", False),  # region code in capitals
    ("QIP", "QIP/GA0/2018/018", False),  # a zero is not an O
    ("QIP", "QIP/KDL/2018/019", False),  # used twice (next line): both refused
    ("QIP", "QIP/KDL/2018/019", False),
    ("TF", "TF-2018-045", True),
    ("TF", "TF-2016-1001", True),
    ("TF", "tf-2018-046", False),
    ("TF", "TF 2018 047", False),
    ("TF", "TF-18-048", False),
    ("TF", "TF-2018-49", False),
    ("TF", "TF/2018/050", False),
    ("PBF", "00092458", True),
    ("PBF", "00108563", True),
    ("PBF", "92458", False),  # lost its zeros
    ("PBF", "000924580", False),
    ("PBF", "0009245A", False),
]


def _shape_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for fund in CONTRACTS:
        ws = book.create_sheet(fund)
        pattern = CONTRACTS[fund].sheets[0].field("project_code").pattern
        cases = [value for f, value, _ in SHAPE_CASES if f == fund]
        for row, value in enumerate(cases, start=1):
            ws.cell(row, 1).value = value
            ws.cell(row, 1).number_format = "@"
            ws.cell(row, 2).value = shape_formula(pattern, f"A{row}", f"$A$1:$A${len(cases)}")
    book.save(path)


@needs_libreoffice
def test_code_shape_checks_agree_with_the_reader(recalculated: dict) -> None:
    _, path = recalculated["shapes"]
    book = openpyxl.load_workbook(path, data_only=True)
    for fund in CONTRACTS:
        cases = [(value, ok) for f, value, ok in SHAPE_CASES if f == fund]
        verdicts = [row[1] for row in book[fund].iter_rows(values_only=True)]
        assert verdicts == [ok for _, ok in cases], (fund, verdicts)
        pattern = CONTRACTS[fund].sheets[0].field("project_code").pattern
        values = [value for value, _ in cases]
        for value, ok in cases:  # the cases say what the reader says
            assert ok == (bool(re.fullmatch(pattern, value)) and values.count(value) == 1)


@needs_libreoffice
@pytest.mark.parametrize("fund", list(CONTRACTS))
def test_recalculated_by_libreoffice_reads_back_the_same(fund: str, recalculated: dict) -> None:
    original, resaved = recalculated[fund]
    before, after = read(original), read(resaved)
    assert after.refused is None, after.refused
    assert after.rejected_rows.empty and after.rule_flags.empty
    assert after.rows_read == before.rows_read
    for table, frame in before.tables.items():
        columns = [c for c in frame.columns if c not in ("sha256", "source_file")]
        pd.testing.assert_frame_equal(frame[columns], after.tables[table][columns])


@needs_libreoffice
def test_a_formula_typed_by_a_clerk_reads_as_its_result_once_recalculated(
    recalculated: dict, filled: dict
) -> None:
    _, resaved = recalculated["formula"]
    cached = openpyxl.load_workbook(resaved, data_only=True)["Suivi QIPs"]
    assert cached["H5"].value == 25_000  # LibreOffice wrote the result
    after, values_only = read(resaved), read(filled["QIP"])
    assert after.refused is None and after.rejected_rows.empty
    frame, expected = after.tables["projects"], values_only.tables["projects"]
    columns = [c for c in frame.columns if c not in ("sha256", "source_file")]
    pd.testing.assert_frame_equal(frame[columns], expected[columns])
