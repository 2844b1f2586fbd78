"""The declarative contracts against the section's tracker tables, written out here.

``sr_pipeline/trackers/contracts.py`` is data: the headers each field is known by, whether it is
required, the data sheets, the code shapes and the file names. The reader, the templates and
the generated ``docs/trackers.md`` all follow it, so an alias attached to the wrong field
(`Date de fin effective` read as the start date) or a required field made optional would
pass every test that builds its workbook from the same contract.

Guards against: a header alias lost, added to the wrong field or invented; a required column
made optional (or the reverse); a data sheet renamed; a file-name form that no longer
matches the contract's example names.
"""

from __future__ import annotations

import pytest

from sr_pipeline.trackers.contracts import CONTRACTS

# (fund, sheet) -> field -> (headers seen, required), as the contract's tables list them.
TABLES = {
    ("QIP", "Suivi QIPs"): {
        "project_code": (["Code QIP", "Code projet", "N° QIP"], True),
        "title": (["Intitulé du projet", "Titre du projet"], True),
        "region": (["Région"], True),
        "locality": (["Cercle/Commune", "Cercle", "Localité"], False),
        "sector": (["Secteur"], True),
        "partner": (["Partenaire d'exécution", "Partenaire de mise en œuvre"], True),
        "sponsor": (["Composante parrain", "Section parrain"], False),
        "budget": (["Budget", "Montant approuvé", "Budget approuvé"], True),
        "currency": (["Devise"], False),
        "approval_date": (["Date d'approbation"], True),
        "start_date": (["Date de démarrage", "Date de début"], False),
        "duration_months": (["Durée (mois)"], False),
        "end_date": (["Date de clôture", "Date de fin effective"], False),
        "status": (["Statut"], True),
        "remarks": (["Observations", "Commentaires"], False),
    },
    ("TF", "Projects"): {
        "project_code": (["Project ID", "Project No."], True),
        "title": (["Project Title"], True),
        "objective": (["Objective", "Strategic objective"], True),
        "region": (["Region", "Location"], True),
        "partner": (["Implementing Entity", "Implementing partner"], True),
        "donor": (["Donor", "Donor(s)", "Funded by"], False),
        "budget": (["Approved Budget", "Approved budget (USD)"], True),
        "expenditure": (["Expenditure to date", "Spent"], False),
        "approval_date": (["Approval Date"], True),
        "start_date": (["Start Date"], False),
        "end_date": (["End Date", "Completion Date"], False),
        "status": (["Status"], True),
    },
    ("TF", "Contributions"): {
        "donor": (["Donor"], True),
        "date_received": (["Date received"], True),
        "amount": (["Amount"], True),
        "currency": (["Currency"], True),
        "usd_equivalent": (["USD equivalent"], False),
        "earmarked_for": (["Earmarked for"], False),
    },
    ("PBF", "Portefeuille"): {
        "project_code": (["Numéro MPTF", "N° Gateway", "Projet MPTF"], True),
        "title": (["Titre du projet", "Intitulé"], True),
        "window": (["Fenêtre", "Phase", "Fenêtre / Phase"], True),
        "recipients": (["Agences récipiendaires", "Organisations récipiendaires"], True),
        "regions": (["Régions", "Zones d'intervention"], True),
        "budget": (["Budget total (USD)", "Montant total"], True),
        "start_date": (["Date de démarrage"], True),
        "duration_months": (["Durée (mois)"], False),
        "end_date": (["Date de fin"], False),
        "status": (["Statut"], True),
    },
}


@pytest.mark.parametrize(("fund", "sheet"), list(TABLES))
def test_fields_headers_and_required_columns_are_the_contracts(fund: str, sheet: str) -> None:
    (found,) = [s for s in CONTRACTS[fund].sheets if s.sheet == sheet]
    assert {f.name: (list(f.headers), f.required) for f in found.fields} == TABLES[(fund, sheet)]


def test_each_fund_has_exactly_its_data_sheets() -> None:
    assert {fund: [s.sheet for s in c.sheets] for fund, c in CONTRACTS.items()} == {
        "QIP": ["Suivi QIPs"],
        "TF": ["Projects", "Contributions"],  # both required
        "PBF": ["Portefeuille"],
    }
    # Project codes are unique within a file; contributions have no key.
    assert {(fund, s.sheet): s.key for fund, c in CONTRACTS.items() for s in c.sheets} == {
        ("QIP", "Suivi QIPs"): "project_code",
        ("TF", "Projects"): "project_code",
        ("TF", "Contributions"): None,
        ("PBF", "Portefeuille"): "project_code",
    }


@pytest.mark.parametrize(
    ("fund", "name", "groups"),
    [
        ("QIP", "QIPs_Suivi_2018-06-30.xlsx", ("2018-06-30", None)),
        ("QIP", "QIPs_Suivi_2018-05-31_v2.xlsx", ("2018-05-31", "v2")),
        ("TF", "TF_Project_Tracker_Jun2018.xlsx", ("Jun", "2018", None)),
        ("TF", "TF_Project_Tracker_Jun2018_rev.xlsx", ("Jun", "2018", "rev")),
        ("PBF", "PBF_Portefeuille_20180228.xlsx", ("20180228", None)),
        ("PBF", "PBF_Portefeuille_20180228_corrigé.xlsx", ("20180228", "corrigé")),
    ],
)
def test_file_name_forms(fund: str, name: str, groups: tuple) -> None:
    # The contract's example names and their revision suffixes, and no other fund's.
    matching = {f: c.file_pattern.match(name) for f, c in CONTRACTS.items()}
    assert [f for f, match in matching.items() if match] == [fund]
    assert matching[fund].groups() == groups
