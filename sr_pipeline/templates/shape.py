"""A contract's code pattern as an Excel formula, for the code column's data validation.

The contracts state a code's shape as a regular expression (``QIP/[A-Z]{3}/\\d{4}/\\d{3,}``,
``TF-\\d{4}-\\d{3,}``, ``\\d{8}``); Excel validates with a formula. This translates the small
subset of regular expressions the contracts use (literal characters, ``[A-Z]{n}``,
``\\d{n}``, and ``\\d{n,}`` at the end) into one, so the template's check and the reader's
cannot drift apart. Anything else gives no formula (the column then only has its prompt).

Excel keeps a validation formula to 255 characters; the strictest variant that fits wins:
each capital letter checked by its character code, then a shorter "no lower case" check,
each with and without the "used by one row only" count. Digits are checked as a number
(``ISNUMBER(-MID(...))``): looser than the reader (``1.5`` passes), which stays the judge.
"""

from __future__ import annotations

import re

EXCEL_FORMULA_LIMIT = 255

_PIECE = re.compile(
    r"\\d\{(?P<digits>\d+)(?P<open>,?)\}"
    r"|\[A-Z\]\{(?P<upper>\d+)\}"
    r"|\\(?P<escaped>[^\w\s])"
    r"|(?P<literal>[^\\\[\](){}*+?.^$|])"
)


def _pieces(pattern: str) -> list[tuple[str, str | int, bool]] | None:
    """The pattern as (kind, text or count, open-ended) pieces; None if it is not the subset."""
    pieces: list[tuple[str, str | int, bool]] = []
    position = 0
    for match in _PIECE.finditer(pattern):
        if match.start() != position:
            return None
        position = match.end()
        literal = match.group("literal") or match.group("escaped")
        if literal:
            if pieces and pieces[-1][0] == "literal":
                pieces[-1] = ("literal", str(pieces[-1][1]) + literal, False)
            else:
                pieces.append(("literal", literal, False))
        elif match.group("upper"):
            pieces.append(("upper", int(match.group("upper")), False))
        else:
            pieces.append(("digits", int(match.group("digits")), bool(match.group("open"))))
    if position != len(pattern) or not pieces:
        return None
    if any(open_ended for _, _, open_ended in pieces[:-1]):
        return None  # only a last run may be open-ended: positions must be fixed
    return pieces


def _conditions(
    pieces: list[tuple[str, str | int, bool]], cell: str, strict_letters: bool
) -> list[str]:
    length = sum(len(v) if isinstance(v, str) else v for _, v, _ in pieces)
    open_ended = pieces[-1][2]
    out = [f"LEN({cell})>={length}" if open_ended else f"LEN({cell})={length}"]
    start = 1
    for kind, value, open_run in pieces:
        if kind == "literal":
            text = str(value)
            n = len(text)
            part = f"LEFT({cell},{n})" if start == 1 else f"MID({cell},{start},{n})"
            quoted = '"' + text.replace('"', '""') + '"'
            # Excel's = ignores case; EXACT does not, and the reader's pattern does not either.
            out.append(f"EXACT({part},{quoted})" if text.upper() != text.lower() else
                       f"{part}={quoted}")  # fmt: skip
            start += n
        elif kind == "upper":
            n = int(value)
            if strict_letters:  # A..Z are codes 65..90
                out += [f"ABS(CODE(MID({cell},{start + i},1))-77.5)<13" for i in range(n)]
            else:
                part = f"MID({cell},{start},{n})"
                out.append(f"EXACT({part},UPPER({part}))")
            start += n
        else:
            n = int(value)
            count = f"LEN({cell})" if open_run else str(n)
            out.append(f"ISNUMBER(-MID({cell},{start},{count}))")
            start += n
    return out


def shape_formula(pattern: str, cell: str, column_range: str | None = None) -> str | None:
    """An Excel validation formula (``=AND(...)``) true when ``cell`` has the shape of
    ``pattern`` and, given ``column_range`` (absolute, e.g. ``$A$5:$A$5004``), appears once
    in it. None when the pattern is outside the subset or no variant fits in 255 characters."""
    pieces = _pieces(pattern)
    if pieces is None:
        return None
    unique = [f"COUNTIF({column_range},{cell})=1"] if column_range else []
    for strict, with_unique in ((True, True), (False, True), (True, False), (False, False)):
        parts = _conditions(pieces, cell, strict) + (unique if with_unique else [])
        formula = f"=AND({','.join(parts)})"
        if len(formula) <= EXCEL_FORMULA_LIMIT:
            return formula
    return None
