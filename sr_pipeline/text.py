"""Text folding: how headers, sheet names and vocabulary values are compared.

TRACKERS.md: compare case-insensitively, after trimming, folding accents, collapsing inner
white space and line breaks; non-breaking spaces count as spaces. Typographic apostrophes
and dashes are folded too (Excel's autocorrect turns ' into ’ and - into –).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space (French thousands)
        "\u2009": " ",  # thin space
        "\u2007": " ",  # figure space
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\ufeff": "",
        "\u200b": "",
    }
)


def clean(value: str) -> str:
    """Trim, turn exotic spaces into spaces and collapse runs of white space (keeps case)."""
    return _SPACES.sub(" ", value.translate(_TRANSLATE)).strip()


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """The comparison key of a header or vocabulary value: no case, accents or stray spaces."""
    decomposed = unicodedata.normalize("NFKD", clean(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()
