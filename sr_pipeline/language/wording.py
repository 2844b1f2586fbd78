"""How dates and amounts are written for people, in English and French: the one home of
month names and money formatting (messages, feedback workbooks, templates, the bulletin).
"""

from __future__ import annotations

from datetime import date

MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}  # fmt: skip

# French groups thousands with a narrow no-break space (U+202F), as the units' Excel does.
_THOUSANDS = {"en": ",", "fr": "\u202f"}
_DECIMAL = {"en": ".", "fr": ","}


def phrase(table: dict[str, dict[str, str]], key: str, language: str, **params: object) -> str:
    """The text ``table[key]`` in ``language``, its ``{placeholders}`` filled from ``params``."""
    text = table[key][language]
    return text.format(**params) if params else text


def long_date(day: date, language: str = "en") -> str:
    """30 June 2018; 1er juin 2018 / 30 juin 2018."""
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{number} {MONTH_NAMES[language][day.month - 1]} {day.year}"


def money(amount: float, language: str = "en", cents: bool = False) -> str:
    """A whole amount with grouped thousands: 41,970 (en) / 41 970 (fr); with ``cents``, an
    amount that is not whole is written to the cent (50,000.01 / 50 000,01)."""
    if cents and round(float(amount), 2) != round(float(amount)):
        whole, fraction = f"{float(amount):,.2f}".split(".")
        return whole.replace(",", _THOUSANDS[language]) + _DECIMAL[language] + fraction
    return f"{float(amount):,.0f}".replace(",", _THOUSANDS[language])


def millions(amount: float, decimals: int = 1) -> str:
    """15.9: an amount in millions, as the bulletin prints it (English)."""
    return f"{amount / 1e6:,.{decimals}f}"


def counted(number: int, one: str, many: str) -> str:
    """1 refused file, 2 refused files: the noun phrase agrees with the number."""
    return f"{number} {one if number == 1 else many}"
