"""The catalogue of sentences shown to fund units: complete in both languages.

Guards against a message added in English only (a French-speaking clerk would get a crash or
an English sentence), or a translation that drops a value the clerk needs to find the cell.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from sr_pipeline.discovery import recognise
from sr_pipeline.messages import CATALOGUE, Message
from sr_pipeline.reader import read_tracker
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
    assert message.render("en") in row["problem"]
    assert message.render("fr").startswith(
        "« Tombouctouu » n'est pas une valeur connue (région du répertoire)"
    )
