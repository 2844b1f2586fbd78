"""Spell canonical values the way the fund units type them (deterministic, seeded).

Every function takes the file's ``random.Random`` and returns a cell: ``("blank",)``,
``("str", text)``, ``("num", number)``, ``("date", date)`` or ``("formula", text, cached)``.
Whatever the spelling, a reader that follows docs/trackers.md gets the canonical value back:
white space is only ever added where collapsing it restores the value, vocabulary values only
use spellings from the reference CSVs of ``sr_pipeline/reference/`` (changed only by case,
accents and white space), amounts use only the text forms docs/trackers.md lists.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from demo.truth import spellings, tf_objective_names

Cell = tuple

EXCEL_EPOCH = date(1899, 12, 30)
NBSP = "\u00a0"
NNBSP = "\u202f"


def blank() -> Cell:
    return ("blank",)


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def messy_text(s: str | None, rng: random.Random, p: float = 0.12) -> Cell:
    """Free text with, sometimes, stray / non-breaking spaces or a line break."""
    if s is None:
        return blank()
    if rng.random() < p:
        kind = rng.randrange(6)
        if kind == 0:
            s = f"  {s}"
        elif kind == 1:
            s = f"{s} "
        elif kind == 2:
            s = f"{s}{NBSP}"
        elif " " in s:
            i = rng.choice([k for k, c in enumerate(s) if c == " "])
            s = s[:i] + ["  ", NBSP, "\n"][kind - 3] + s[i + 1 :]
    return ("str", s)


def vocab(kind: str, canonical: str, rng: random.Random, p_mess: float = 0.35) -> Cell:
    """A vocabulary value in one of its reference spellings, case/accents/space mangled."""
    options = spellings(kind)[canonical]
    # the first spelling is the usual one; the others appear now and then
    s = options[0] if len(options) == 1 or rng.random() < 0.55 else rng.choice(options[1:])
    if rng.random() < p_mess:
        kind_ = rng.randrange(5)
        if kind_ == 0:
            s = s.upper()
        elif kind_ == 1:
            s = s.lower()
        elif kind_ == 2:
            s = strip_accents(s)
        elif kind_ == 3:
            s = f" {s}  "
        else:
            s = s.replace(" ", NBSP, 1) if " " in s else f"{s}{NBSP}"
    return ("str", s)


# ---- dates ----------------------------------------------------------------------------------

DATE_STYLES = {"date": 55, "slash": 15, "dot": 8, "iso": 10, "serial": 12}


def date_cell(d: date | None, style: str) -> Cell:
    if d is None:
        return blank()
    if style == "date":
        return ("date", d)
    if style == "slash":
        return ("str", f"{d:%d/%m/%Y}")
    if style == "dot":
        return ("str", f"{d:%d.%m.%Y}")
    if style == "iso":
        return ("str", d.isoformat())
    if style == "serial":
        return ("num", (d - EXCEL_EPOCH).days)
    raise ValueError(style)


# ---- amounts --------------------------------------------------------------------------------


def _group(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


def money_styles(value: float, currency: str) -> list[str]:
    """Text forms valid for this amount (a currency marker only on USD amounts)."""
    if not float(value).is_integer():
        return ["num", "fr_cents", "fr_cents_nbsp", "en_cents", "deccomma"]
    forms = ["num", "formula", "sp", "nbsp", "nnbsp", "en", "en2", "fr2"]
    if currency == "USD":
        forms += ["usd", "dollar"]
    return forms


def money_cell(value: float | None, style: str, rng: random.Random) -> Cell:
    if value is None:
        return blank()
    v = float(value)
    n = int(round(v))
    cents = round((v - int(v)) * 100)
    if style == "num":
        return ("num", n if v.is_integer() else v)
    if style == "formula":
        a = max(1000, int(round(n * rng.uniform(0.3, 0.7), -3)))
        return ("formula", f"={a}+{n - a}", n)
    if style == "sp":
        return ("str", _group(n, " "))
    if style == "nbsp":
        return ("str", _group(n, NBSP))
    if style == "nnbsp":
        return ("str", _group(n, NNBSP))
    if style == "en":
        return ("str", _group(n, ","))
    if style == "en2":
        return ("str", f"{v:,.2f}")
    if style == "fr2":
        return ("str", f"{_group(n, ' ')},00")
    if style == "usd":
        return ("str", f"USD {_group(n, ',')}")
    if style == "dollar":
        return ("str", f"{_group(n, ' ')} $")
    whole = int(v)
    if style == "fr_cents":
        return ("str", f"{_group(whole, ' ')},{cents:02d}")
    if style == "fr_cents_nbsp":
        return ("str", f"{_group(whole, NBSP)},{cents:02d}")
    if style == "en_cents":
        return ("str", f"{v:,.2f}")
    if style == "deccomma":
        return ("str", f"{v:.2f}".rstrip("0").replace(".", ","))
    raise ValueError(style)


# ---- fund-specific --------------------------------------------------------------------------


def currency_cell(currency: str, rng: random.Random, blank_usd: bool = True) -> Cell:
    if currency == "USD" and blank_usd and rng.random() < 0.8:
        return blank()
    s = rng.choice([currency, currency, currency.lower(), f" {currency}", currency.title()])
    return ("str", s)


def objective_cell(obj: str | None, rng: random.Random) -> Cell:
    if obj is None:
        return blank()
    k = rng.randrange(10)
    if k < 4:
        return ("str", obj)
    if k < 6:
        return ("num", int(obj))
    if k < 8:
        return ("str", rng.choice([f"Obj. {obj}", f"obj. {obj}", f"OBJ. {obj}"]))
    name = tf_objective_names()[obj]
    return ("str", name if k == 8 else f" {name.upper()} ")


def joined_cell(items: list[str], rng: random.Random) -> Cell:
    """Several names in one cell, separated by ',', ';', '/' or ' et '."""
    if len(items) == 1:
        return ("str", items[0])
    seps = [", ", ",", "; ", ";", " / ", "/", " et "]
    out = items[0]
    for it in items[1:]:
        out += rng.choice(seps) + it
    return ("str", out)


def region_list_cell(regions: list[str], rng: random.Random) -> Cell:
    spelled = [vocab("region", r, rng, p_mess=0.2)[1].strip() for r in regions]
    return joined_cell(spelled, rng)
