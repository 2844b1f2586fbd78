"""Cell parsers by field kind: one parser per column, from the contract and the reference."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sr_pipeline.language.messages import VOCABULARY_NAMES, Message, Term, term
from sr_pipeline.language.text import clean, fold
from sr_pipeline.reference import Reference, Vocabulary
from sr_pipeline.trackers.contracts import SheetContract
from sr_pipeline.trackers.reader.base import _LIST_SEPARATORS
from sr_pipeline.trackers.values import (
    CURRENCY_TOKENS,
    parse_amount,
    parse_code,
    parse_date,
    parse_mptf,
    parse_text,
    parse_whole,
    show,
)

# --- cell parsers by field kind -------------------------------------------------------------

Parser = Callable[[Any], tuple[Any, Message | None]]


def accepted_values(vocab: Vocabulary, kind: str, reference: Reference) -> Term:
    """A vocabulary's values as a clerk writes them, in each language ("Achevé, En cours, ..."
    for a French unit; "Completed, Ongoing, ..." in English)."""
    en, fr = ([reference.label(kind, v, lang) for v in vocab.values] for lang in ("en", "fr"))
    return Term(", ".join(en), ", ".join(fr))


def _vocabulary_parser(vocab: Vocabulary, kind: str, reference: Reference) -> Parser:
    what, accepted = term(VOCABULARY_NAMES, kind), accepted_values(vocab, kind, reference)

    def parse(raw: Any) -> tuple[Any, Message | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        value = vocab.get(text)
        if value is None:
            return None, Message.of("unknown_value", value=show(raw), what=what, accepted=accepted)
        return value, None

    return parse


def _list_parser(
    item: Parser | None, vocab: Vocabulary | None, kind: str, reference: Reference
) -> Parser:
    def parse(raw: Any) -> tuple[Any, Message | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        parts = [text]
        for sep in _LIST_SEPARATORS:
            parts = [p for part in parts for p in _split(part, sep)]
        parts = [clean(p) for p in parts if clean(p)]
        if item is None or vocab is None:
            return "; ".join(parts), None
        values = []
        for part in parts:
            value, problem = item(part)
            if problem:
                return None, Message.of(
                    "unknown_list_item", item=part, value=show(raw),
                    what=term(VOCABULARY_NAMES, kind),
                    accepted=accepted_values(vocab, kind, reference),
                )  # fmt: skip
            if value not in values:
                values.append(value)
        return "; ".join(values), None

    return parse


def _split(text: str, sep: str) -> list[str]:
    # " et " separates names case-insensitively ("UNDP et UNICEF", "UNDP ET UNICEF"), matched
    # in the text itself: positions found in text.lower() cut the text wrongly after a
    # character that lowers to two ("ONG İlk et UNICEF" gave "ONG İlk " and "NICEF").
    return re.split(re.escape(sep), text, flags=re.IGNORECASE)


def _currency_parser(sheet: SheetContract) -> Parser:
    accepted = ", ".join(sheet.currencies)

    def parse(raw: Any) -> tuple[Any, Message | None]:
        text, problem = parse_text(raw)
        if problem:
            return None, problem
        code = fold(text).upper()
        code = CURRENCY_TOKENS.get(code, code)  # FCFA, $, € as in amounts
        if code not in sheet.currencies:
            what = term(VOCABULARY_NAMES, "currency")
            return None, Message.of("unknown_value", value=show(raw), what=what, accepted=accepted)
        return code, None

    return parse


def _parsers(sheet: SheetContract, reference: Reference) -> dict[str, Parser]:
    vocabs = reference.vocabularies()
    simple: dict[str, Parser] = {
        "text": parse_text,
        "code": parse_code,
        "mptf": parse_mptf,
        "amount": parse_amount,
        "date": parse_date,
        "whole": parse_whole,
        "currency": _currency_parser(sheet),
    }
    for kind, vocab in vocabs.items():
        simple[kind] = _vocabulary_parser(vocab, kind, reference)
    parsers = {}
    for f in sheet.fields:
        if f.kind.startswith("list:"):
            inner = f.kind.split(":", 1)[1]
            item = None if inner == "text" else simple[inner]
            parsers[f.name] = _list_parser(item, vocabs.get(inner), inner, reference)
        else:
            parsers[f.name] = simple[f.kind]
    return parsers
