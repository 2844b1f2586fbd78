"""Likely corrections of a tracker's problems, for the feedback workbook. Never applied.

A suggestion is shown to the clerk next to the problem; the pipeline never writes it into a
tracker or uses it to load a row. So the rule is: an absent suggestion beats a wrong one.
Each function here returns None unless one correction is clearly the likely one.
"""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from sr_pipeline.language.feedback import label
from sr_pipeline.language.text import clean, fold
from sr_pipeline.reference import Reference, Vocabulary
from sr_pipeline.trackers.contracts import Field, SheetContract
from sr_pipeline.trackers.values import CURRENCY_TOKENS, month_number, parse_amount

VOCABULARY_KINDS = ("region", "status", "sector", "objective", "window")

# Nearest-spelling suggestions: a typo, not another word. Folded text must be at least this
# long, this similar (difflib ratio), within this many characters in length of the spelling,
# and clearly closer to one canonical value than to any other.
_MIN_LENGTH, _CUTOFF, _MAX_LENGTH_GAP, _MARGIN = 4, 0.8, 2, 0.05


def currency_header(sheet: SheetContract | None) -> str | None:
    """The header a clerk knows the sheet's currency column by (None: the sheet has none)."""
    if sheet is None:
        return None
    field = next((f for f in sheet.fields if f.name == "currency"), None)
    return field.headers[0] if field else None


def suggest(
    code: str,
    params: dict[str, Any],
    value: str | None,
    field: Field | None,
    sheet: SheetContract,
    reference: Reference,
    language: str,
    codes_in_use: frozenset[str] = frozenset(),
) -> str | None:
    """A likely correction of one problem, in the unit's language, or None.

    Modest on purpose: a wrong suggestion costs a clerk more than none. What is suggested:
    the nearest spelling of a vocabulary value (``Tombouctouu`` -> ``Tombouctou``, never
    ``Kayes-Nord`` -> anything); the day-first reading of a date written another way
    (``06/25/2018`` or ``2018-25-06`` -> ``25/06/2018``; ``30-06-18`` -> ``30/06/2018``;
    ``30 juin 2018`` -> ``30/06/2018``; never for ``31/06/2018``, which has no reading);
    the number in a text amount (``41 97O`` -> ``41970``, ``environ 20 000`` -> ``20000``;
    never when a multiplier, a sign or a second number is there); for an amount written in
    another currency than the row's, the amount without it or the currency column to change;
    a code in the contract's form (``qip-gao-2018-12`` -> ``QIP/GAO/2018/012``, an MPTF
    number padded to 8 digits) unless another row already uses it; the months in
    ``6 mois``. Duplicated codes, blanks and business-rule flags get none."""
    if field is None:
        return None
    kind = field.kind
    if code == "unknown_value" and value is not None:
        if kind == "currency":
            return nearest(value, _currency_spellings(sheet))
        if kind in VOCABULARY_KINDS:
            found = nearest(value, reference.vocabularies()[kind].lookup)
            return reference.label(kind, found, language) if found else None
    if code == "unknown_list_item" and value is not None and kind.startswith("list:"):
        inner = kind.split(":", 1)[1]
        item = str(params.get("item", ""))
        vocab: Vocabulary | None = reference.vocabularies().get(inner)
        found = nearest(item, vocab.lookup) if vocab else None
        if found and item and value.count(item) == 1:
            return value.replace(item, reference.label(inner, found, language))
        return None
    if code in ("date_invalid", "date_impossible") and value is not None:
        return day_first_reading(value)
    if code == "amount_not_number" and value is not None:
        number = number_in_text(value)
        return _amount_text(number, language) if number is not None else None
    if code == "amount_currency_agrees" and value is not None:
        column = currency_header(sheet)
        parsed, problem = parse_amount(value)
        if column is None or problem or parsed is None:
            return None
        amount = _amount_text(parsed[0], language)
        if amount is None:
            return None
        return label(
            "suggest_currency", language, amount=amount, currency=params.get("currency", ""),
            column=column, written=params.get("written", ""),
        )  # fmt: skip
    if code == "bad_pattern" and value is not None:
        return _code_suggestion(value, field, codes_in_use)
    if code == "whole_invalid" and value is not None:
        match = _MONTHS_TEXT.match(clean(value))
        return match.group(1) if match else None
    return None


def nearest(text: str, spellings: dict[str, str]) -> str | None:
    """The canonical value whose spelling (folded, as in ``Vocabulary.lookup``) ``text`` is a
    typo of; None when nothing is close, or when two canonical values are about as close."""
    key = fold(text)
    if len(key) < _MIN_LENGTH or key in spellings:
        return None
    digits = _digits(key)
    best: dict[str, float] = {}
    for spelling, canonical in spellings.items():
        if abs(len(spelling) - len(key)) > _MAX_LENGTH_GAP:
            continue  # "Tombouctou Gao" is two regions, not a misspelt one
        if _digits(spelling) != digits:
            continue  # a number is not a typo: "Phase 2" is not "Phase I", "Obj 7" not "Obj 1"
        ratio = SequenceMatcher(None, key, spelling).ratio()
        if ratio >= _CUTOFF and ratio > best.get(canonical, 0.0):
            best[canonical] = ratio
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][1] > ranked[0][1] - _MARGIN):
        return None
    return ranked[0][0]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _currency_spellings(sheet: SheetContract) -> dict[str, str]:
    spellings = {fold(c): c for c in sheet.currencies}
    spellings.update(
        {fold(token): code for token, code in CURRENCY_TOKENS.items() if code in sheet.currencies}
    )
    return spellings


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_WORD_DATE = re.compile(r"^(\d{1,2})(?:er)?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_WORD_DATE_US = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def day_first_reading(text: str) -> str | None:
    """The one sensible date in a text the reader refused, written ``dd/mm/yyyy``, or None.

    Day first, as the trackers are; month first only where the day-first reading is impossible
    and the other one is not (``06/25/2018``: there is no 25th month). Years must be 2000-2099
    (a two-digit year is 20yy). ``31/06/2018`` has no reading (no 31 June, no 6th day of a 31st
    month): no suggestion, rather than a guess between 30/06 and 01/07."""
    text = clean(text)
    candidates: list[tuple[int, int, int]] = []  # (year, month, day), best first
    if match := _NUMERIC_DATE.match(text):
        first, second, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        candidates = [(year, second, first)]
        if second > 12:
            candidates.append((year, first, second))
    elif match := _YEAR_FIRST.match(text):
        year, second, third = (int(g) for g in match.groups())
        candidates = [(year, second, third)]
        if second > 12:
            candidates.append((year, third, second))
    elif match := _WORD_DATE.match(text):
        month = month_number(match.group(2))
        if month:
            candidates = [(int(match.group(3)), month, int(match.group(1)))]
    elif match := _WORD_DATE_US.match(text):
        month = month_number(match.group(1))
        if month:
            candidates = [(int(match.group(3)), month, int(match.group(2)))]
    for year, month, day in candidates:
        if 2000 <= year <= 2099:
            try:
                return date(year, month, day).strftime("%d/%m/%Y")
            except ValueError:
                continue
    return None


_CURRENCY_WORDS = re.compile(
    "|".join(re.escape(t) for t in sorted(CURRENCY_TOKENS, key=len, reverse=True)), re.I
)
_NUMBER_TOKEN = re.compile(r"\d(?:[\d\s\u00a0\u202f.,]*\d)?")
_OH_FOR_ZERO = re.compile(r"^[\d\s\u00a0\u202f.,oO]*\d[\d\s\u00a0\u202f.,oO]*$")
# After the number: a multiplier (20 k, 1,5 M, 20 mille), a percentage or an operation.
_AFTER_NUMBER = re.compile(
    r"^\s*(?:[%*x×+/\-]|(?:k|m|mio|mn|md|mds|bn|mille|millions?|milliards?)(?![^\W\d_]))", re.I
)
_BEFORE_NUMBER = re.compile(r"[-+*/×x(]\s*$", re.I)
_MONTHS_TEXT = re.compile(r"^(\d{1,3})\s*(?:mois|months?|mo|m)\.?$", re.I)


def number_in_text(text: str) -> float | None:
    """The amount in a text the reader could not read as a number, when there is exactly one.

    ``41 97O`` (the letter O typed for a zero) -> 41970; ``environ 20 000`` -> 20000;
    ``USD 41 970 (à confirmer)`` -> 41970. None for ``20 k``, ``1,5 M``, ``20 000 + 5 000``,
    ``-500``, ``41.970`` (ambiguous) or any text with two numbers."""
    body = _CURRENCY_WORDS.sub(" ", clean(text))
    if _OH_FOR_ZERO.match(body) and re.search(r"[oO]", body):
        parsed, problem = parse_amount(re.sub(r"[oO]", "0", body))
        return parsed[0] if parsed and not problem else None
    tokens = list(_NUMBER_TOKEN.finditer(body))
    if len(tokens) != 1:
        return None
    token = tokens[0]
    number = token.group().rstrip(" \u00a0\u202f")
    if _BEFORE_NUMBER.search(body[: token.start()]) or _AFTER_NUMBER.match(body[token.end() :]):
        return None
    parsed, problem = parse_amount(number)
    return parsed[0] if parsed and not problem else None


def _amount_text(number: float, language: str) -> str | None:
    """An amount as a clerk should type it, read back the same by the reader; None when it
    would need more than 2 decimals (``0,125`` reads as 125: a comma then three digits)."""
    if float(number).is_integer():
        return str(int(number))
    text = f"{number:.2f}".rstrip("0")
    if float(text) != number:
        return None
    return text.replace(".", ",") if language == "fr" else text


def _code_suggestion(value: str, field: Field, codes_in_use: frozenset[str]) -> str | None:
    if not field.pattern:
        return None
    text = clean(value)
    if field.kind == "mptf":
        digits = re.sub(r"[\s.\-]", "", text)
        candidate = digits.zfill(8) if digits.isdigit() and len(digits) <= 8 else None
    elif field.kind == "code" and field.example:
        separator = next((ch for ch in field.example if not ch.isalnum()), None)
        parts = [p for p in re.split(r"[\s/\\\-_.]+", text.upper()) if p]
        shape = re.split(r"[^A-Za-z0-9]+", field.example)
        if separator is None or len(parts) != len(shape):
            return None
        if parts[-1].isdigit():
            parts[-1] = parts[-1].zfill(len(shape[-1]))
        candidate = separator.join(parts)
    else:
        return None
    if (
        candidate is None
        or candidate == text
        or candidate in codes_in_use
        or not re.fullmatch(field.pattern, candidate)
    ):
        return None
    return candidate
