"""Suggested corrections for the feedback workbook: likely ones only, never wrong guesses.

Guards against the suggestions a clerk would be misled by: a region that is not in the
gazetteer "corrected" into one that is (``Kayes-Nord``), two regions in one cell read as one
misspelt one, ``Phase 2`` turned into ``Phase I``, ``31/06/2018`` turned into a date it never
was, ``20 k`` or ``1,5 M FCFA`` read as 20 or 1.5, an ambiguous ``41.970`` resolved either
way, a code "fixed" into another row's code; and against labels (statuses, sectors) that the
reader would not accept back. Each case names the mess it stands for.
"""

from __future__ import annotations

import pytest

from sr_pipeline.reference import load_reference
from sr_pipeline.trackers.contracts import QIP, TF
from sr_pipeline.trackers.suggestions import day_first_reading, nearest, number_in_text, suggest

REFERENCE = load_reference()
REGIONS = REFERENCE.regions.lookup


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Tombouctouu", "Tombouctou"),  # one letter too many
        ("Tombouctou.", "Tombouctou"),  # stray punctuation
        ("Kidl", "Kidal"),  # one letter missing
        ("MENAKAA", "Ménaka"),  # capitals and accents do not matter
        ("Kayes-Nord", None),  # not in the gazetteer at all: never "other" nor a guess
        ("Tombouctou Gao", None),  # two regions, not a misspelt one
        ("Gai", None),  # too short to tell a typo from another word
        ("TBK", None),  # an unknown abbreviation
    ],
)
def test_nearest_region(written: str, expected: str | None) -> None:
    assert nearest(written, REGIONS) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("06/25/2018", "25/06/2018"),  # month first: there is no 25th month
        ("2018-25-06", "25/06/2018"),  # ISO with day and month swapped
        ("30-06-2018", "30/06/2018"),  # dashes
        ("30/06/18", "30/06/2018"),  # two-digit year
        ("30 juin 2018", "30/06/2018"),  # in words, French
        ("1er juillet 2018", "01/07/2018"),
        ("June 30, 2018", "30/06/2018"),  # in words, English
        ("2018/06/30", "30/06/2018"),
        ("31/06/2018", None),  # no 31 June; 30/06 and 01/07 are both guesses
        ("2018-31-06", None),  # swapped, and still 31 June
        ("29/02/2018", None),  # 2018 is not a leap year
        ("13/13/2018", None),
        ("30/06/1918", None),  # outside a tracker's years
        ("T2 2018", None),
    ],
)
def test_day_first_reading(written: str, expected: str | None) -> None:
    assert day_first_reading(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("41 97O", 41970.0),  # the letter O for a zero
        ("5OO OOO", 500000.0),
        ("environ 20 000", 20000.0),  # a word around one number
        ("USD 41 970 (à confirmer)", 41970.0),
        ("20 000,-", 20000.0),
        ("vingt mille", None),  # no digits
        ("20 k", None),  # a multiplier
        ("1,5 M FCFA", None),
        ("20 mille", None),
        ("20 000 + 5 000", None),  # two numbers, an operation
        ("Budget 2018 : 20 000", None),  # two numbers
        ("env. 41.970", None),  # ambiguous (41,970 or 41.97?)
        ("50 %", None),
    ],
)
def test_number_in_text(written: str, expected: float | None) -> None:
    assert number_in_text(written) == expected


@pytest.mark.parametrize(
    ("code", "value", "field", "expected"),
    [
        ("unknown_value", "Euro", "currency", "EUR"),
        ("unknown_value", "FCFAX", "currency", "XOF"),
        ("unknown_value", "Santee", "sector", "Santé"),  # the French name for a French unit
        ("unknown_value", "Gestion de conflits", "sector", "Gestion des conflits"),
        ("unknown_value", "Tourisme", "sector", None),
        ("unknown_value", "Achevvé", "status", "Achevé"),
        ("unknown_value", "Presque fini", "status", None),
        ("bad_pattern", "qip-gao-2018-12", "project_code", "QIP/GAO/2018/012"),
        ("bad_pattern", "QIP GAO 2018 7", "project_code", None),  # QIP/GAO/2018/007 is in use
        ("bad_pattern", "QIP/GAO/18/012", "project_code", None),  # which century? not ours
        ("whole_invalid", "6 mois", "duration_months", "6"),
        ("whole_invalid", "4,5", "duration_months", None),
        ("amount_negative", "-500", "budget", None),  # a sign error or a refund? ask
        ("blank_required", None, "partner", None),
    ],
)
def test_suggest(code: str, value: str | None, field: str, expected: str | None) -> None:
    sheet = QIP.sheet("projects")
    found = suggest(code, {}, value, sheet.field(field), sheet, REFERENCE, "fr",
                    frozenset({"QIP/GAO/2018/007"}))  # fmt: skip
    assert found == expected


def test_suggestions_in_english_use_english_names() -> None:
    sheet = TF.sheet("projects")
    found = suggest("unknown_value", {}, "Ongoingg", sheet.field("status"), sheet, REFERENCE, "en")
    assert found == "Ongoing"


def test_status_and_sector_labels_are_spellings_the_reader_accepts() -> None:
    # A label the feedback proposes must read back as the value it stands for, in both
    # languages, for every canonical value.
    vocabularies = REFERENCE.vocabularies()
    for kind in ("status", "sector"):
        for value in vocabularies[kind].values:
            for language in ("en", "fr"):
                text = REFERENCE.label(kind, value, language)
                assert vocabularies[kind].get(text) == value, (kind, language, text)
    assert REFERENCE.label("status", "completed", "fr") == "Achevé"
    assert REFERENCE.label("sector", "Health", "fr") == "Santé"
    assert REFERENCE.label("region", "Gao", "fr") == "Gao"  # no label: the value itself
