"""Text folding: how headers, sheet names and vocabulary values are compared.

docs/trackers.md: compare case-insensitively, after trimming, folding accents, collapsing inner
white space and line breaks; non-breaking spaces count as spaces. Typographic apostrophes
and dashes are folded too (Excel's autocorrect turns ' into ’ and - into –).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_INVISIBLE = str.maketrans({"\ufeff": "", "\u200b": ""})  # BOM, zero-width space
_TYPOGRAPHY = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2013": "-", "\u2014": "-", "\u2212": "-"}
)


def clean(value: str) -> str:
    """Trim and collapse white space (no-break spaces and line breaks included); keeps case.

    Most cells are already clean: ``isprintable`` is False for every space but the ASCII one
    and for line breaks and zero-width characters, so those cells skip the regex."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    return _SPACES.sub(" ", value.translate(_INVISIBLE)).strip()


_LEADING_ARTICLE = re.compile(r"^the ")


def name_key(value: str) -> str:
    """Who a name designates: compared as headers are, a leading "the" ignored (``the
    Netherlands`` and ``NETHERLANDS`` are one donor)."""
    return _LEADING_ARTICLE.sub("", fold(value))


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """The comparison key of a header or vocabulary value: no case, accents or stray spaces."""
    decomposed = unicodedata.normalize("NFKD", clean(value).translate(_TYPOGRAPHY))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()
