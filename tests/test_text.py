"""Text folding (sr_pipeline/language/text.py): how headers, sheet names, vocabulary values and
donor names are compared.

Guards against: a header or a status missed because of a stray or non-breaking space, a line
break typed in a header cell, capitals, a missing accent, Excel's autocorrected apostrophe or
dash (``d’approbation``, ``Approuvé – non démarré``), a byte-order mark or zero-width space
pasted from the web; and against folding too much: text shown to people keeps its case and
accents, and "the" is dropped only in front of a name.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sr_pipeline.language.text import clean, fold, name_key

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("written", "cleaned"),
    [
        ("Code QIP", "Code QIP"),  # already clean: unchanged
        ("  Code QIP  ", "Code QIP"),  # stray spaces around
        (" Code QIP", "Code QIP"),  # one leading space
        ("Code QIP ", "Code QIP"),  # one trailing space
        ("Code  QIP", "Code QIP"),  # two spaces inside
        ("Code\nQIP", "Code QIP"),  # a line break typed in the cell (Alt+Enter)
        ("Code\r\n\tQIP", "Code QIP"),
        (f"Code{NBSP}QIP", "Code QIP"),  # no-break space
        (f"Code{NNBSP}QIP", "Code QIP"),  # narrow no-break space
        ("\ufeffCode QIP", "Code QIP"),  # byte-order mark
        ("Code\u200bQIP", "CodeQIP"),  # zero-width space: nothing
        ("Intitulé du PROJET", "Intitulé du PROJET"),  # case and accents are kept
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean(written: str, cleaned: str) -> None:
    assert clean(written) == cleaned


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Date d'approbation", "date d'approbation"),
        ("DATE D’APPROBATION", "date d'approbation"),  # autocorrected apostrophe, capitals
        ("Date d‘approbation", "date d'approbation"),  # left single quotation mark
        ("Date dʼapprobation", "date d'approbation"),  # modifier letter apostrophe
        ("Approuvé – non démarré", "approuve - non demarre"),  # en dash
        ("Approuvé — non démarré", "approuve - non demarre"),  # em dash
        ("Approuve \u2212 non demarre", "approuve - non demarre"),  # minus sign
        ("  Région\n", "region"),
        (f"Montant{NBSP} approuvé", "montant approuve"),
        ("Ségou", "segou"),
        ("SEGOU", "segou"),
        ("Taoudénit", "taoudenit"),
        ("Partenaire de mise en œuvre", "partenaire de mise en œuvre"),  # œ is a letter
        ("Straße", "strasse"),  # casefold, not lower
        ("ﬁnancement", "financement"),  # a ligature from a PDF
        ("N° QIP", "n° qip"),  # the degree sign is no accent: the contract's alias has it too
        ("\ufeffStatut", "statut"),
    ],
)
def test_fold(written: str, folded: str) -> None:
    assert fold(written) == folded


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("the Netherlands", "netherlands"),  # a leading "the" is ignored
        ("The Netherlands", "netherlands"),
        ("THE  NETHERLANDS", "netherlands"),
        ("Netherlands", "netherlands"),
        ("the United Kingdom", "united kingdom"),
        ("Theodora Fund", "theodora fund"),  # "the" only as a word
        ("Fund of the Netherlands", "fund of the netherlands"),  # only in front
        ("the", "the"),  # nothing after it: not an article
        (" the Netherlands", "netherlands"),
    ],
)
def test_name_key(written: str, key: str) -> None:
    assert name_key(written) == key


SPACES = st.sampled_from([" ", "  ", NBSP, NNBSP, "\n", "\t", "\r\n"])
words = st.lists(st.text(alphabet="abcdéèçôÉÀZ’'–-", min_size=1, max_size=6), min_size=1,
                 max_size=4)  # fmt: skip


@settings(derandomize=True, database=None, max_examples=200, deadline=None)
@given(words, st.lists(SPACES, min_size=5, max_size=5))
def test_stray_spaces_never_matter(parts: list[str], spaces: list[str]) -> None:
    # Whatever spaces a clerk puts around and between the words, the comparison key is that of
    # the words separated by single spaces.
    messy = spaces[0] + spaces[1].join(parts) + spaces[2]
    assert fold(messy) == fold(" ".join(parts))
    assert clean(messy) == " ".join(parts)
    assert fold(fold(messy)) == fold(messy)  # folding twice changes nothing
