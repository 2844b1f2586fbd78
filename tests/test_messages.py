"""The catalogue of sentences shown to fund units: complete in both languages.

Guards against a message added in English only (a French-speaking clerk would get a crash or
an English sentence), or a translation that drops a value the clerk needs to find the cell.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from sr_pipeline.language.messages import CATALOGUE, Message
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests.builders import qip_row, qip_workbook


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_has_english_and_french_with_the_same_values(code: str) -> None:
    entry = CATALOGUE[code]
    assert set(entry) == {"en", "fr"}
    assert placeholders(entry["en"]) == placeholders(entry["fr"])


def test_money_is_grouped_per_language() -> None:
    message = Message.of("budget_over_cap", budget_usd=72_345.4, cap=50_000.0)
    assert message.render("en") == "budget of 72,345 USD is above the QIP ceiling of 50,000 USD"
    assert "72\u202f345 USD" in message.render("fr")


def test_rejections_carry_code_and_parameters_for_the_units_language(tmp_path: Path) -> None:
    path = qip_workbook(tmp_path, [qip_row(1, Région="Tombouctouu")])
    rejected = read_tracker(recognise(path)).rejected_rows
    row = rejected.iloc[0]
    assert row["problem_code"] == "unknown_value"
    assert json.loads(row["problem_params"])["value"] == "Tombouctouu"
    message = Message.from_stored(row["problem_code"], row["problem_params"])
    gazetteer = "Tombouctou, Taoudénit, Gao, Ménaka, Kidal, Mopti, Ségou, Bamako, National"
    assert row["problem"] == (
        f"Région: 'Tombouctouu' is not a known region (gazetteer); use one of: {gazetteer}"
    )
    assert message.render("fr") == (
        "« Tombouctouu » n'est pas une valeur connue (région du répertoire) ; utilisez l'une "
        f"de : {gazetteer}"
    )


def stored(line) -> Message:
    code = line["problem_code"] if "problem_code" in line else line["detail_code"]
    params = line["problem_params"] if "problem_params" in line else line["detail_params"]
    return Message.from_stored(code, params)


def test_a_converted_budget_over_the_cap_shows_the_conversion(tmp_path: Path) -> None:
    # The clerk sees 47 500 in the cell: the flag must say how it became more than 50,000 USD.
    # March 2018 (the approval month): 0.8110 EUR per USD in the rates file.
    path = qip_workbook(tmp_path, [qip_row(1, Budget=47_500, Devise="EUR")])
    (flag,) = read_tracker(recognise(path)).rule_flags.to_dict("records")
    message = stored(flag)
    assert message.render("en") == (
        "budget of 47,500 EUR is 58,570 USD at the reference rate of March 2018 "
        "(0.811 EUR per USD), above the QIP ceiling of 50,000 USD"
    )
    assert message.render("fr") == (
        "le budget de 47\u202f500 EUR vaut 58\u202f570 USD au taux de référence de mars 2018 "
        "(0,811 EUR pour 1 USD) et dépasse le plafond des QIP (50\u202f000 USD)"
    )
    assert flag["detail"] == message.render("en")


def test_a_budget_in_usd_over_the_cap_needs_no_conversion(tmp_path: Path) -> None:
    path = qip_workbook(tmp_path, [qip_row(1, Budget=60_000)])
    (flag,) = read_tracker(recognise(path)).rule_flags.to_dict("records")
    assert stored(flag).render("en") == (
        "budget of 60,000 USD is above the QIP ceiling of 50,000 USD"
    )
    assert stored(flag).render("fr") == (
        "le budget de 60\u202f000 USD dépasse le plafond des QIP (50\u202f000 USD)"
    )


def test_an_unknown_status_lists_the_spellings_a_clerk_types_in_each_language(
    tmp_path: Path,
) -> None:
    path = qip_workbook(tmp_path, [qip_row(1, Statut="Fini")])
    (line,) = read_tracker(recognise(path)).rejected_rows.to_dict("records")
    message = stored(line)
    assert message.render("fr") == (
        "« Fini » n'est pas une valeur connue (statut) ; utilisez l'une de : "
        "Achevé, En cours, Non démarré, Suspendu, Annulé"
    )
    assert message.render("en") == (
        "'Fini' is not a known status; use one of: "
        "Completed, Ongoing, Not started, Suspended, Cancelled"
    )


def test_an_unknown_sector_lists_the_french_names_for_the_qip_unit(tmp_path: Path) -> None:
    path = qip_workbook(tmp_path, [qip_row(1, Secteur="Hydraulique")])
    (line,) = read_tracker(recognise(path)).rejected_rows.to_dict("records")
    french = stored(line).render("fr")
    assert french.startswith("« Hydraulique » n'est pas une valeur connue (secteur QIP)")
    assert french.endswith("Gestion des conflits, Gestion des déchets, Droits de l'homme")
    assert "Sécurité, Justice, Infrastructures publiques" in french
    assert stored(line).render("en").endswith("Conflict Management, Waste Management, Human Rights")


def test_amounts_that_would_read_the_same_are_shown_to_the_cent() -> None:
    # A cent over the ceiling is over it: "50,000 USD is above ... 50,000 USD" would read as a
    # mistake of the pipeline. Whole amounts stay whole; the others of that sentence get cents.
    over = Message.of("budget_over_cap", budget_usd=50_000.01, cap=50_000.0)
    assert over.render("en") == "budget of 50,000.01 USD is above the QIP ceiling of 50,000 USD"
    assert over.render("fr") == (
        "le budget de 50\u202f000,01 USD dépasse le plafond des QIP (50\u202f000 USD)"
    )
    spent = Message.of("expenditure_over_budget", expenditure=181_320.4, budget=181_320.0)
    assert spent.render("en") == (
        "expenditure of 181,320.40 USD is above the approved budget of 181,320 USD"
    )
    # Amounts that read differently whole stay whole (72,345.40 is not worth its cents here).
    assert Message.of("budget_over_cap", budget_usd=72_345.4, cap=50_000.0).render("en") == (
        "budget of 72,345 USD is above the QIP ceiling of 50,000 USD"
    )
