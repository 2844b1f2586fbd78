"""Cell values into typed values, or into a sentence saying what is wrong.

Each parser takes one raw cell value as the xlsx reader returns it (str, float, int, bool,
date, datetime) and returns ``(value, problem)``: exactly one of them is None; a problem is
a ``Message`` (rendered in the reader's or the unit's language later). Parsers are
pure and cached per distinct raw value by the caller, so a 100,000-row sheet costs one call
per distinct value.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta

from sr_pipeline.language.messages import Message
from sr_pipeline.language.text import clean, fold
from sr_pipeline.language.wording import MONTH_NAMES

# Excel cells longer than this cannot be typed in Excel: the file was produced by something else.
MAX_TEXT = 32_767

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
# A tracker's plausible span, for every date however it is written: 2000-01-01 .. 2099-12-31.
# Outside it a date is a typo, and pandas' datetime64[ns] would turn 2300 into 1716.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
MIN_SERIAL, MAX_SERIAL = 36526, 73050  # FIRST_DATE and LAST_DATE as Excel serial numbers

CURRENCY_TOKENS = {
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "€": "EUR",
    "EUR": "EUR",
    "XOF": "XOF",
    "FCFA": "XOF",
    "CFA": "XOF",
}
_CURRENCY_RE = re.compile(r"US\$|USD|EUR|XOF|FCFA|CFA|\$|€", re.IGNORECASE)
# A currency is written before or after the number (USD 41,970; 41 970 $), never inside it.
_CURRENCY_AT_ENDS_RE = re.compile(
    rf"^(?:{_CURRENCY_RE.pattern})\s*|\s*(?:{_CURRENCY_RE.pattern})$", re.IGNORECASE
)
_SPACES_RE = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
# Spaces only separate thousands (41 970,50); "2 500 3 000" is two numbers, not 25,003,000.
_SPACE_GROUPS_RE = re.compile(r"^\d{1,3}(?:[\s\u00a0\u202f\u2009\u2007]+\d{3})+(?:[.,]\d+)?$")
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
_DMY_RE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_SERIAL_RE = re.compile(r"^\d{5}(?:\.0+)?$")


def show(raw: object, limit: int = 80) -> str:
    """A cell value as a clerk would see it, shortened for messages."""
    if isinstance(raw, bool):  # a logical cell: Excel writes TRUE, Python True
        text = "TRUE" if raw else "FALSE"
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif isinstance(raw, datetime):
        text = raw.strftime("%d/%m/%Y %H:%M") if raw.time() != datetime.min.time() else ""
        text = text or raw.strftime("%d/%m/%Y")
    elif isinstance(raw, date):
        text = raw.strftime("%d/%m/%Y")
    else:
        text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_text(raw: object) -> tuple[str | None, Message | None]:
    if isinstance(raw, bool):
        return None, Message.of("not_text", value=show(raw))
    if isinstance(raw, float):
        return (str(int(raw)) if raw.is_integer() else repr(raw)), None
    if isinstance(raw, datetime | date):
        return show(raw), None
    raw = str(raw)
    if len(raw) >= MAX_TEXT:
        # Excel cannot hold more; longer text (written by another program) reaches us cut
        # to this length, so the value read may not be what the unit wrote.
        return None, Message.of("text_too_long", limit=f"{MAX_TEXT:,}")
    return clean(raw), None


def parse_amount(raw: object) -> tuple[tuple[float, str | None] | None, Message | None]:
    """A non-negative amount, and the currency written inside the cell if any."""
    if isinstance(raw, bool) or isinstance(raw, date | datetime):
        return None, Message.of("amount_not_number", value=show(raw))
    if isinstance(raw, int | float):
        value = float(raw)
        if value != value or value in (float("inf"), float("-inf")):
            return None, Message.of("amount_not_number", value=show(raw))
        if value < 0:
            return None, Message.of("amount_negative", value=show(raw))
        return (value, None), None
    text = clean(str(raw))
    currencies = {CURRENCY_TOKENS[m.upper()] for m in _CURRENCY_RE.findall(text)}
    if len(currencies) > 1:
        return None, Message.of("amount_two_currencies", value=show(raw))
    body = _CURRENCY_AT_ENDS_RE.sub("", text)
    negative = body.startswith("(") and body.endswith(")")
    if negative:
        body = body[1:-1]
    elif body.startswith("-") or body.endswith("-"):  # 500-: SAP-based exports (Umoja)
        body, negative = (body[1:] if body.startswith("-") else body[:-1]), True
    body = body.strip()
    if _SPACES_RE.search(body) and not _SPACE_GROUPS_RE.match(body):
        return None, Message.of("amount_not_number", value=show(raw))
    number = _number(_SPACES_RE.sub("", body))
    if number is AMBIGUOUS:
        return None, Message.of("amount_ambiguous", value=show(raw))
    if number is None:
        return None, Message.of("amount_not_number", value=show(raw))
    if negative and number != 0:
        return None, Message.of("amount_negative", value=show(raw))
    return (number, currencies.pop() if currencies else None), None


AMBIGUOUS = -1.0  # "41.970": 41,970 written the French way, or 41.97?


def _number(body: str) -> float | None:
    """Digits with French or English separators (docs/trackers.md's rules) into a float."""
    if not _NUMBER_RE.match(body):
        return None
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = body.rpartition(decimal)
        if not _grouped(whole, thousands):
            return None
        return float(whole.replace(thousands, "") + "." + fraction)
    for sep, count in ((",", commas), (".", dots)):
        if count > 1:  # 1,234,567 or 1.234.567: thousands only
            return float(body.replace(sep, "")) if _grouped(body, sep) else None
    if dots == 1 and len(body.rpartition(".")[2]) == 3:
        return AMBIGUOUS
    if commas == 1:
        whole, fraction = body.split(",")
        # "41,970" separates thousands; any other single comma is a decimal comma ("12,5").
        if len(fraction) == 3:
            return float(whole + fraction)
        return float(whole + "." + fraction)
    return float(body)


def _grouped(number: str, sep: str) -> bool:
    parts = number.split(sep)
    return 1 <= len(parts[0]) <= 3 and all(len(part) == 3 for part in parts[1:])


def parse_date(raw: object) -> tuple[date | None, Message | None]:
    if isinstance(raw, date):
        day = raw.date() if isinstance(raw, datetime) else raw
        if not FIRST_DATE <= day <= LAST_DATE:
            return None, Message.of("date_invalid", value=show(raw))
        return day, None
    if isinstance(raw, bool):
        return None, Message.of("date_invalid", value=show(raw))
    if isinstance(raw, int | float):
        return _serial(float(raw), raw)
    text = clean(str(raw))
    if _SERIAL_RE.match(text):
        return _serial(float(text), raw)
    match = _DMY_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_RE.match(text)
        if not match:
            return None, Message.of("date_invalid", value=show(raw))
        year, month, day = (int(g) for g in match.groups())
    if not FIRST_DATE.year <= year <= LAST_DATE.year:  # before monthrange: no year 0
        return None, Message.of("date_invalid", value=show(raw))
    if not 1 <= month <= 12 or not 1 <= day <= monthrange(year, month)[1]:
        return None, Message.of("date_impossible", value=show(raw))
    return date(year, month, day), None


def _serial(serial: float, raw: object) -> tuple[date | None, Message | None]:
    if not serial.is_integer() or not MIN_SERIAL <= serial <= MAX_SERIAL:
        return None, Message.of("date_invalid", value=show(raw))
    return EXCEL_EPOCH + timedelta(days=int(serial)), None


def parse_whole(raw: object) -> tuple[int | None, Message | None]:
    parsed, problem = parse_amount(raw)
    if problem or parsed is None or parsed[1] is not None:
        return None, Message.of("whole_invalid", value=show(raw))
    value = parsed[0]
    if not value.is_integer():
        return None, Message.of("whole_invalid", value=show(raw))
    return int(value), None


def parse_code(raw: object) -> tuple[str | None, Message | None]:
    """Identifiers stay text exactly as written (only surrounding spaces go)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    return parse_text(raw)


def parse_mptf(raw: object) -> tuple[str | None, Message | None]:
    """MPTF numbers are 8 digits; Excel turns 00092458 into the number 92458: put zeros back."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 0 <= raw < 10**8:
            return f"{int(raw):08d}", None
        return None, Message.of("mptf_invalid", value=show(raw))
    return parse_text(raw)


# --- Report dates in titles -----------------------------------------------------------------

# Month names as trackers write them: the full names of both languages and the usual
# abbreviations (accents optional: names are compared folded).
_MONTH_ABBREVIATIONS = (
    ("Jan",), ("Feb", "févr"), ("Mar",), ("Apr", "avr"), (), ("Jun",), ("Jul", "juil"),
    ("Aug",), ("Sep", "Sept"), ("Oct",), ("Nov",), ("Dec", "déc"),
)  # fmt: skip
_MONTHS = {
    fold(name): number
    for number, names in enumerate(
        zip(MONTH_NAMES["en"], MONTH_NAMES["fr"], _MONTH_ABBREVIATIONS, strict=True), start=1
    )
    for name in (names[0], names[1], *names[2])
}
_TITLE_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_TITLE_WORDS = re.compile(r"\b(\d{1,2})(?:er)?\s+([a-zA-Z]+)\.?\s+(\d{4})\b")
_TITLE_WORDS_US = re.compile(r"\b([a-zA-Z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def month_number(name: str) -> int | None:
    return _MONTHS.get(fold(name))


def title_date(text: str) -> date | None:
    """The report date stated in a title cell ("Situation au 30/06/2018", "as of 30 June 2018")."""
    folded = fold(text)
    candidates: list[tuple[int, int, int]] = []
    for m in _TITLE_NUMERIC.finditer(folded):
        if m.group(1):
            candidates.append((int(m.group(3)), int(m.group(2)), int(m.group(1))))
        else:
            candidates.append((int(m.group(4)), int(m.group(5)), int(m.group(6))))
    for m in _TITLE_WORDS.finditer(folded):
        month = _MONTHS.get(m.group(2))
        if month:
            candidates.append((int(m.group(3)), month, int(m.group(1))))
    for m in _TITLE_WORDS_US.finditer(folded):
        month = _MONTHS.get(m.group(1))
        if month:
            candidates.append((int(m.group(3)), month, int(m.group(2))))
    for year, month, day in candidates:
        if year >= 1 and 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]:
            return date(year, month, day)
    return None
