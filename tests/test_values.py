"""The cell parsers (sr_pipeline/trackers/values.py) against every way docs/trackers.md lets a clerk
write an amount, a date, a code or a report date, and against everything else.

Guards against: a French amount read the English way or the other way round (``41 970,50``,
``41,970.50``); the thousands comma of ``41,970`` taken for a decimal comma; the ambiguous
``41.970`` silently read either way; two numbers in one cell run together into one
(``2 500 3 000``); a negative amount written the accounting way (``(500)``, or ``500-`` as
SAP-based exports such as Umoja's write it) loaded as positive; a currency typed inside a number;
a month-first date (``06/25/2018``) read at all; an impossible date, or one outside a tracker's
years (``01/01/0000``, ``31/12/2300``), crashing the reader or wrapping into another century;
an Excel serial outside a tracker's years; an MPTF number losing its leading zeros; a report
date missed, or a wrong one taken, in a title.

The property tests (hypothesis) write any amount and any date in every form the contract
accepts and read it back; then they give the parser text built to be *almost* an amount or a
date, and arbitrary text, and compare it with an oracle written below from docs/trackers.md and the
README's decisions (not from values.py): both must accept exactly the same strings, with the
same value. Hypothesis is derandomized (the same examples on every run, no example database)
and bounded, so the module runs in a few seconds.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sr_pipeline.language.messages import Message
from sr_pipeline.trackers.values import (
    month_number,
    parse_amount,
    parse_code,
    parse_date,
    parse_mptf,
    parse_text,
    parse_whole,
    show,
    title_date,
)

NBSP, NNBSP = "\u00a0", "\u202f"

PROPERTY = settings(
    derandomize=True,
    database=None,
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def code(result: tuple[object, Message | None]) -> str | None:
    """The message code of a parser's refusal (None when it accepted the value)."""
    value, problem = result
    assert (value is None) != (problem is None), result
    return problem.code if problem else None


# --- the oracle: docs/trackers.md's forms, written independently of values.py ---------------------

# Every kind of space a cell carries (docs/trackers.md: spaces, U+00A0, U+202F, line breaks) and the
# invisible characters text cells may hold (a BOM, a zero-width space) count as for any text.
_INVISIBLE = {"\ufeff": "", "\u200b": ""}
# docs/decisions.md: $ and US$ are USD, € EUR, FCFA and CFA XOF; in any case.
_CURRENCIES = {"usd": "USD", "us$": "USD", "$": "USD", "eur": "EUR", "€": "EUR",
               "xof": "XOF", "fcfa": "XOF", "cfa": "XOF"}  # fmt: skip
_CUR = r"us\$|usd|\$|eur|€|xof|fcfa|cfa"
_WRITTEN = re.compile(rf"(?P<before>{_CUR})?\s*(?P<signed>.*?)\s*(?P<after>{_CUR})?", re.I | re.S)
_D = r"\d"  # a digit: any Unicode decimal digit (int() reads ٣ and ３ as 3)


def _fraction_value(whole: str, separator: str, digits: str) -> Decimal | None:
    """The contract's separators: a comma and exactly three digits and nothing else groups
    thousands, any other comma is a decimal comma; a dot and exactly three digits is
    ambiguous (docs/decisions.md: rejected); any other dot is a decimal point."""
    if len(digits) == 3:
        return Decimal(whole + digits) if separator == "," else None
    return Decimal(f"{whole}.{digits}")


def oracle_number(text: str) -> Decimal | None:
    """A non-negative number in one of the accepted layouts, or None."""
    digits = rf"{_D}+"
    if m := re.fullmatch(rf"({digits})(?:([.,])({digits}))?", text):  # 41970 / 41970,5 / 41,970
        whole, separator, fraction = m.groups()
        if not separator:
            return Decimal(int(whole))
        return _fraction_value(str(int(whole)), separator, fraction)
    # French: spaces between thousands (one or more, of any kind), then a decimal part.
    if m := re.fullmatch(rf"({_D}{{1,3}}(?:\s+{_D}{{3}})+)(?:([.,])({digits}))?", text):
        whole = str(int(re.sub(r"\s+", "", m[1])))
        return Decimal(whole) if not m[2] else _fraction_value(whole, m[2], m[3])
    # English: commas between thousands, a dot before the decimals.
    if m := re.fullmatch(rf"({_D}{{1,3}}(?:,{_D}{{3}})+)(?:\.({digits}))?", text):
        whole = str(int(m[1].replace(",", "")))
        return Decimal(whole) if not m[2] else Decimal(f"{whole}.{m[2]}")
    # docs/decisions.md: dots between thousands (1.234.567; 1.234,50): two dots at least, or a
    # comma after.
    if m := re.fullmatch(rf"({_D}{{1,3}}(?:\.{_D}{{3}}){{2,}})", text):
        return Decimal(int(m[1].replace(".", "")))
    if m := re.fullmatch(rf"({_D}{{1,3}}(?:\.{_D}{{3}})+),({digits})", text):
        return Decimal(f"{int(m[1].replace('.', ''))}.{m[2]}")
    return None


def oracle_amount(text: str) -> tuple[float, str | None] | None:
    """What an amount cell holding ``text`` must be read as, or None when it must be refused."""
    text = text.translate(str.maketrans(_INVISIBLE)).strip()
    m = _WRITTEN.fullmatch(text)
    before, after = (m["before"] or "").casefold(), (m["after"] or "").casefold()
    currencies = {_CURRENCIES[c] for c in (before, after) if c}
    if len(currencies) > 1:
        return None
    signed = m["signed"]
    negative = False
    if s := re.fullmatch(r"\((.*)\)|-\s*(.*)|(.*?)\s*-", signed, re.S):  # (500), -500, 500-
        signed, negative = next(g for g in s.groups() if g is not None), True
    number = oracle_number(signed.strip())
    if number is None or (negative and number != 0):
        return None
    return float(number), currencies.pop() if currencies else None


_SERIAL_ZERO = date(1899, 12, 30)  # Excel: serial 1 is 1900-01-01, 60 the 29 Feb 1900 it invents
TRACKER_YEARS = (date(2000, 1, 1), date(2099, 12, 31))


def oracle_date(text: str) -> date | None:
    """What a date cell holding ``text`` must be read as, or None."""
    text = re.sub(r"\s+", " ", text.translate(str.maketrans(_INVISIBLE))).strip()
    if m := re.fullmatch(rf"({_D}{{1,2}})[/.]({_D}{{1,2}})[/.]({_D}{{4}})", text):
        # Day first, always. ("/" and "." mixed in one date is still day first: tolerated.)
        day, month, year = (int(g) for g in m.groups())
    elif m := re.fullmatch(rf"({_D}{{4}})-({_D}{{2}})-({_D}{{2}})(?:[ T]00:00(?::00)?)?", text):
        year, month, day = (int(g) for g in m.groups())  # ISO, perhaps with a midnight time
    elif m := re.fullmatch(rf"({_D}{{5}})(?:\.0+)?", text):  # a bare Excel serial number
        found = _SERIAL_ZERO + timedelta(days=int(m[1]))
        return found if TRACKER_YEARS[0] <= found <= TRACKER_YEARS[1] else None
    else:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if TRACKER_YEARS[0] <= found <= TRACKER_YEARS[1] else None


def test_the_oracles_read_the_contracts_examples() -> None:
    # The oracle is code too: pinned on docs/trackers.md's and the README's own examples.
    assert oracle_amount("41 970") == (41970.0, None)
    assert oracle_amount(f"41{NBSP}970,50") == (41970.5, None)
    assert oracle_amount("41,970.50") == (41970.5, None)
    assert oracle_amount("USD 41,970") == (41970.0, "USD")
    assert oracle_amount("41 970 $") == (41970.0, "USD")
    assert oracle_amount("41,970") == (41970.0, None)
    assert oracle_amount("12,5") == (12.5, None)
    assert oracle_amount("1.234.567") == (1234567.0, None)
    assert oracle_amount("1 234 567,89") == (1234567.89, None)
    assert oracle_amount("41.970") is None
    assert oracle_amount("-500") is None
    assert oracle_date("30/06/2018") == date(2018, 6, 30)
    assert oracle_date("30.06.2018") == date(2018, 6, 30)
    assert oracle_date("2018-06-30") == date(2018, 6, 30)
    assert oracle_date("43280") == date(2018, 6, 29)
    assert oracle_date("31/06/2018") is None
    assert oracle_date("06/25/2018") is None


# --- amounts: the forms docs/trackers.md lists, one by one ----------------------------------------

AMOUNTS = [
    ("41 970", 41970.0, None),  # French thousands with a space
    (f"41{NBSP}970,50", 41970.5, None),  # no-break space, decimal comma
    (f"41{NNBSP}970", 41970.0, None),  # narrow no-break space (what French Excel writes)
    ("1 234 567,89", 1234567.89, None),
    ("41,970.50", 41970.5, None),  # English
    ("1,234,567.891", 1234567.891, None),  # English: after comma groups a dot is a decimal point
    ("41,970", 41970.0, None),  # a comma and exactly three digits: thousands
    ("12,5", 12.5, None),  # any other single comma is a decimal comma
    ("12,50", 12.5, None),
    ("0,5", 0.5, None),
    ("12,3456", 12.3456, None),
    ("41970.5", 41970.5, None),
    ("41970.1234", 41970.1234, None),  # a dot and four digits is not ambiguous
    ("1.234.567", 1234567.0, None),  # dots grouping thousands (docs/decisions.md)
    ("1.234,50", 1234.5, None),  # dot thousands, decimal comma
    ("USD 41,970", 41970.0, "USD"),
    ("41 970 $", 41970.0, "USD"),
    ("$41,970.50", 41970.5, "USD"),
    ("41970USD", 41970.0, "USD"),
    ("US$ 500", 500.0, "USD"),
    ("usd 500", 500.0, "USD"),  # any case
    ("500 €", 500.0, "EUR"),
    ("EUR 500", 500.0, "EUR"),
    ("10 000 000 FCFA", 10_000_000.0, "XOF"),  # the usual name in Mali
    ("10 000 000 CFA", 10_000_000.0, "XOF"),
    ("XOF 250", 250.0, "XOF"),
    ("USD 500 USD", 500.0, "USD"),  # the same currency twice is one currency
    ("  41 970\n", 41970.0, None),  # stray spaces and a line break around it
    ("\ufeff500", 500.0, None),  # a byte-order mark pasted in front
    ("0", 0.0, None),
    ("-0", 0.0, None),  # minus zero is zero, not a negative amount
    ("(0)", 0.0, None),
    ("0-", 0.0, None),
    ("007", 7.0, None),
    (41970, 41970.0, None),  # a number cell
    (41970.5, 41970.5, None),
    (0, 0.0, None),
]


@pytest.mark.parametrize(("written", "value", "currency"), AMOUNTS)
def test_amount_forms(written: object, value: float, currency: str | None) -> None:
    assert parse_amount(written) == ((value, currency), None)


AMOUNT_REFUSALS = [
    ("41.970", "amount_ambiguous"),  # French thousands dot, or 41.97? (README)
    ("41 970.500", "amount_ambiguous"),  # the same after space groups
    ("-500", "amount_negative"),
    ("500-", "amount_negative"),  # SAP-based exports (Umoja) put the minus after the number
    ("(500)", "amount_negative"),  # accountants' parentheses
    ("- 500", "amount_negative"),
    ("$ -500", "amount_negative"),
    ("(41 970,50) USD", "amount_negative"),
    (-500, "amount_negative"),
    (-0.01, "amount_negative"),
    ("USD 500 EUR", "amount_two_currencies"),
    ("500 $ €", "amount_two_currencies"),
    ("12 5", "amount_not_number"),  # a space that does not separate thousands
    ("2 500 3 000", "amount_not_number"),  # two amounts in one cell
    ("1 000 2 000", "amount_not_number"),
    ("1,234 567", "amount_not_number"),  # groups of three, but separators mixed
    ("1234 567", "amount_not_number"),  # four digits before a space group
    ("41USD970", "amount_not_number"),  # a currency inside the number
    ("(500", "amount_not_number"),  # an unbalanced parenthesis
    ("500)", "amount_not_number"),
    ("-(500)", "amount_not_number"),
    ("--500", "amount_not_number"),
    ("vingt mille", "amount_not_number"),
    ("20 k", "amount_not_number"),
    ("1,5 M", "amount_not_number"),
    ("1e5", "amount_not_number"),
    ("inf", "amount_not_number"),
    ("nan", "amount_not_number"),
    ("0x10", "amount_not_number"),
    ("1_000", "amount_not_number"),
    (".5", "amount_not_number"),
    ("5.", "amount_not_number"),
    (",5", "amount_not_number"),
    ("5,", "amount_not_number"),
    ("1,23,456", "amount_not_number"),  # Indian grouping: not the contract's
    ("1,234,5", "amount_not_number"),
    ("1,234.567,89", "amount_not_number"),  # English then French separators: which is which?
    ("1.234,567.89", "amount_not_number"),
    ("12 5-", "amount_not_number"),  # not a number, whatever the sign
    ("1.234.5", "amount_not_number"),
    ("1234.567,5", "amount_not_number"),  # four digits before a thousands dot
    ("1,234.567.8", "amount_not_number"),
    ("", "amount_not_number"),
    ("USD", "amount_not_number"),
    ("$", "amount_not_number"),
    (float("nan"), "amount_not_number"),  # number cells that are no amount
    (float("inf"), "amount_not_number"),
    (float("-inf"), "amount_not_number"),
    (True, "amount_not_number"),  # a true/false cell
    (date(2018, 6, 30), "amount_not_number"),  # a date typed in the amount column
    (datetime(2018, 6, 30, 12), "amount_not_number"),
]


@pytest.mark.parametrize(("written", "problem"), AMOUNT_REFUSALS)
def test_amount_refusals(written: object, problem: str) -> None:
    assert code(parse_amount(written)) == problem


def test_amount_messages_quote_the_cell_as_the_clerk_sees_it() -> None:
    assert parse_amount("41.970") == (None, Message.of("amount_ambiguous", value="41.970"))
    assert parse_amount(-500.0) == (None, Message.of("amount_negative", value="-500"))
    assert parse_amount("(500)") == (None, Message.of("amount_negative", value="(500)"))
    assert parse_amount("USD 5 €") == (None, Message.of("amount_two_currencies", value="USD 5 €"))
    assert parse_amount("vingt") == (None, Message.of("amount_not_number", value="vingt"))
    assert parse_amount("2 500 3 000") == (
        None,
        Message.of("amount_not_number", value="2 500 3 000"),
    )
    assert parse_amount(True) == (None, Message.of("amount_not_number", value="TRUE"))
    assert parse_amount(float("inf")) == (None, Message.of("amount_not_number", value="inf"))
    day = date(2018, 6, 30)
    assert parse_amount(day) == (None, Message.of("amount_not_number", value="30/06/2018"))


# --- amounts: any number, in any accepted form, reads back as itself -------------------------


@st.composite
def decimals(draw: st.DrawFn) -> tuple[int, str]:
    """A non-negative amount up to 10^12 with 0, 1 or 2 decimals: (whole part, decimals)."""
    whole = draw(st.integers(min_value=0, max_value=10**12))
    fraction = draw(st.sampled_from(["", "1", "2", "5", "9", "05", "10", "25", "50", "99"]))
    return whole, fraction


def grouped(whole: int, separator: str) -> str:
    return f"{whole:,}".replace(",", separator)


# (form, writer of whole part and decimals): each form docs/trackers.md gives.
WRITERS = {
    "digits, decimal point": lambda w, f: str(w) + (f".{f}" if f else ""),
    "digits, decimal comma": lambda w, f: str(w) + (f",{f}" if f else ""),
    "French, space": lambda w, f: grouped(w, " ") + (f",{f}" if f else ""),
    "French, no-break space": lambda w, f: grouped(w, NBSP) + (f",{f}" if f else ""),
    "French, narrow no-break space": lambda w, f: grouped(w, NNBSP) + (f",{f}" if f else ""),
    "English": lambda w, f: grouped(w, ",") + (f".{f}" if f else ""),
}
CURRENCY_PLACES = ["{}", "USD {}", "USD{}", "{} USD", "{}USD", "${}", "$ {}", "{} $", "{}$",
                   "US$ {}", "usd {}", " {} ", "\n{}\n"]  # fmt: skip


@PROPERTY
@given(decimals(), st.sampled_from(sorted(WRITERS)), st.sampled_from(CURRENCY_PLACES))
def test_any_amount_written_any_accepted_way_reads_back(amount, form, place) -> None:
    whole, fraction = amount
    text = place.format(WRITERS[form](whole, fraction))
    value = float(Decimal(f"{whole}.{fraction or 0}"))
    currency = "USD" if re.search(r"usd|\$", place, re.I) else None
    assert parse_amount(text) == ((value, currency), None), text


@PROPERTY
@given(decimals())
def test_any_amount_in_a_number_cell_reads_back(amount) -> None:
    whole, fraction = amount
    exact = Decimal(f"{whole}.{fraction or 0}")
    cell = whole if not fraction else float(exact)  # Excel gives an int or a float
    assert parse_amount(cell) == ((float(exact), None), None)
    assert code(parse_amount(-cell if cell else -1)) == "amount_negative"


# --- amounts: nothing else reads ------------------------------------------------------------

AMOUNT_PIECES = ["0", "1", "12", "123", "970", "1000", "41", "5", " ", NBSP, NNBSP, "  ", "\n",
                 ",", ".", ",5", ".50", ",970", ".970", "-", "(", ")", "$", "USD", "usd", "US$",
                 "EUR", "€", "XOF", "FCFA", "CFA", "O", "e", "k", "+", "/", "٣", "３",
                 "\ufeff"]  # fmt: skip
almost_amounts = st.lists(st.sampled_from(AMOUNT_PIECES), max_size=8).map("".join)


@st.composite
def edited_amounts(draw: st.DrawFn) -> str:
    """An accepted amount with one piece inserted, replaced or removed somewhere."""
    whole, fraction = draw(decimals())
    text = draw(st.sampled_from(CURRENCY_PLACES)).format(
        WRITERS[draw(st.sampled_from(sorted(WRITERS)))](whole, fraction)
    )
    at = draw(st.integers(min_value=0, max_value=len(text)))
    piece = draw(st.sampled_from(["", *AMOUNT_PIECES]))
    cut = draw(st.integers(min_value=0, max_value=1))
    return text[:at] + piece + text[at + cut :]


def parsed_amount(text: str) -> tuple[float, str | None] | None:
    value, _ = parse_amount(text)
    return value


@PROPERTY
@given(st.one_of(almost_amounts, edited_amounts(), st.text(max_size=12)))
def test_an_amount_reads_exactly_when_the_contract_says_it_is_one(text: str) -> None:
    assert parsed_amount(text) == oracle_amount(text), repr(text)


# --- dates: the forms docs/trackers.md lists, one by one ------------------------------------------

DATES = [
    (date(2018, 6, 29), date(2018, 6, 29)),  # a real Excel date
    (date(2000, 1, 1), date(2000, 1, 1)),  # a tracker's first day...
    (datetime(2099, 12, 31, 23, 59), date(2099, 12, 31)),  # ...and its last
    (datetime(2018, 6, 29, 14, 30), date(2018, 6, 29)),  # a date with a time: the date part
    ("29/06/2018", date(2018, 6, 29)),
    ("29.06.2018", date(2018, 6, 29)),
    ("5/6/2018", date(2018, 6, 5)),  # without leading zeros; always day first
    ("05/06/2018", date(2018, 6, 5)),
    ("2018-06-29", date(2018, 6, 29)),
    ("2018-06-29 00:00:00", date(2018, 6, 29)),  # a date-time as text, at midnight
    ("2018-06-29T00:00", date(2018, 6, 29)),
    (" 29/06/2018 ", date(2018, 6, 29)),
    (43280, date(2018, 6, 29)),  # a bare serial number
    (43280.0, date(2018, 6, 29)),
    ("43280", date(2018, 6, 29)),
    ("43280.0", date(2018, 6, 29)),
    (36526, date(2000, 1, 1)),  # the first day a tracker can name...
    (73050, date(2099, 12, 31)),  # ...and the last
    ("29/02/2016", date(2016, 2, 29)),  # a leap year
    ("29/02/2000", date(2000, 2, 29)),  # divisible by 400: a leap year
]


@pytest.mark.parametrize(("written", "expected"), DATES)
def test_date_forms(written: object, expected: date) -> None:
    assert parse_date(written) == (expected, None)


DATE_REFUSALS = [
    ("31/06/2018", "date_impossible"),  # no 31 June
    ("29/02/2018", "date_impossible"),  # not a leap year
    ("29/02/2100", "date_invalid"),  # not a leap year, and after a tracker's years anyway
    ("06/25/2018", "date_impossible"),  # month first: there is no 25th month
    ("00/06/2018", "date_impossible"),
    ("15/00/2018", "date_impossible"),
    ("32/01/2018", "date_impossible"),
    ("2018-02-30", "date_impossible"),
    ("2018-13-01", "date_impossible"),
    ("01/01/0000", "date_invalid"),  # a placeholder: no year 0 (the reader used to crash)
    ("0000-01-01", "date_invalid"),
    ("01/01/0001", "date_invalid"),  # before a tracker's years (pandas would make it 1754)
    ("31/12/1999", "date_invalid"),
    ("01/01/2100", "date_invalid"),
    ("31/12/2300", "date_invalid"),  # after them (pandas would make it 1716)
    (date(1999, 12, 31), "date_invalid"),  # a real date cell outside them too
    (datetime(2300, 1, 1), "date_invalid"),
    (36525, "date_invalid"),  # serial 1999-12-31
    (73051, "date_invalid"),  # serial 2100-01-01
    ("36525", "date_invalid"),
    ("73051", "date_invalid"),
    (43280.5, "date_invalid"),  # a serial with a time of day: not a date cell
    (-43280, "date_invalid"),
    ("30/06/18", "date_invalid"),  # two-digit year
    ("2018-6-30", "date_invalid"),  # ISO needs two-digit months
    ("30-06-2018", "date_invalid"),  # dashes are ISO's, year first
    ("2018/06/30", "date_invalid"),
    ("2018-06-30 14:30", "date_invalid"),  # a time of day in text
    ("30 juin 2018", "date_invalid"),  # words: only in titles
    ("432800", "date_invalid"),
    ("4328", "date_invalid"),
    ("", "date_invalid"),
    ("n/a", "date_invalid"),
    (True, "date_invalid"),
    (False, "date_invalid"),
]


@pytest.mark.parametrize(("written", "problem"), DATE_REFUSALS)
def test_date_refusals(written: object, problem: str) -> None:
    assert code(parse_date(written)) == problem


def test_date_messages_quote_the_cell() -> None:
    assert parse_date("31/06/2018") == (None, Message.of("date_impossible", value="31/06/2018"))
    assert parse_date("n/a") == (None, Message.of("date_invalid", value="n/a"))
    assert parse_date(36525) == (None, Message.of("date_invalid", value="36525"))
    assert parse_date("36525") == (None, Message.of("date_invalid", value="36525"))
    assert parse_date(True) == (None, Message.of("date_invalid", value="TRUE"))
    assert parse_date("01/01/0000") == (None, Message.of("date_invalid", value="01/01/0000"))
    day = date(1999, 12, 31)
    assert parse_date(day) == (None, Message.of("date_invalid", value="31/12/1999"))


# --- dates: any date, in any accepted form, reads back as itself -----------------------------

tracker_dates = st.dates(min_value=TRACKER_YEARS[0], max_value=TRACKER_YEARS[1])

DATE_WRITERS = {
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year}",
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "yyyy-mm-dd": lambda d: d.isoformat(),
    "serial as text": lambda d: str((d - _SERIAL_ZERO).days),
    "serial number": lambda d: (d - _SERIAL_ZERO).days,
    "serial float": lambda d: float((d - _SERIAL_ZERO).days),
    "date cell": lambda d: d,
    "date-time cell": lambda d: datetime(d.year, d.month, d.day, 23, 59, 59),
}


@PROPERTY
@given(tracker_dates, st.sampled_from(sorted(DATE_WRITERS)))
def test_any_date_written_any_accepted_way_reads_back(day: date, form: str) -> None:
    assert parse_date(DATE_WRITERS[form](day)) == (day, None)


@PROPERTY
@given(tracker_dates.filter(lambda d: d.day > 12))
def test_a_month_first_date_never_reads(day: date) -> None:
    # 06/25/2018 is day 6 of a 25th month: refused, never read as 25 June.
    assert code(parse_date(f"{day.month:02d}/{day.day:02d}/{day.year}")) == "date_impossible"


@PROPERTY
@given(st.integers(min_value=-(10**6), max_value=10**6))
@example(36525).via("1999-12-31")
@example(36526).via("2000-01-01")
@example(73050).via("2099-12-31")
@example(73051).via("2100-01-01")
def test_a_serial_reads_only_within_a_trackers_years(serial: int) -> None:
    try:
        day = _SERIAL_ZERO + timedelta(days=serial)
    except OverflowError:  # before year 1
        day = None
    expected = day if day and TRACKER_YEARS[0] <= day <= TRACKER_YEARS[1] else None
    assert parse_date(serial)[0] == expected
    assert parse_date(str(serial))[0] == expected


# --- dates: nothing else reads --------------------------------------------------------------

DATE_PIECES = ["1", "01", "6", "06", "12", "13", "25", "29", "30", "31", "2018", "2000", "2099",
               "2100", "1999", "0000", "43280", "36525", "73052", "/", ".", "-", " ", "T",
               "00:00", ":00", ".0", "a", "\n", "٣"]  # fmt: skip
almost_dates = st.lists(st.sampled_from(DATE_PIECES), max_size=7).map("".join)


@st.composite
def edited_dates(draw: st.DrawFn) -> str:
    """An accepted date written as text, with one piece inserted, replaced or removed."""
    text = str(DATE_WRITERS[draw(st.sampled_from(sorted(DATE_WRITERS)))](draw(tracker_dates)))
    at = draw(st.integers(min_value=0, max_value=len(text)))
    piece = draw(st.sampled_from(["", *DATE_PIECES]))
    return text[:at] + piece + text[at + draw(st.integers(0, 1)) :]


@PROPERTY
@given(st.one_of(almost_dates, edited_dates(), st.text(max_size=12)))
def test_a_date_reads_exactly_when_the_contract_says_it_is_one(text: str) -> None:
    assert parse_date(text)[0] == oracle_date(text), repr(text)


# --- whole numbers, codes, MPTF numbers, text ------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (6, 6),
        (6.0, 6),  # Excel stores every number as a float
        ("6", 6),
        (" 12 ", 12),
        ("1,000", 1000),  # thousands comma
        ("0", 0),
    ],
)
def test_whole_numbers(written: object, expected: int) -> None:
    assert parse_whole(written) == (expected, None)
    assert isinstance(parse_whole(written)[0], int)


@pytest.mark.parametrize(
    "written",
    [
        "4,5",  # a decimal comma: not a whole number of months
        4.5,
        "6 mois",
        "USD 6",  # an amount, not a duration
        -3,
        True,
        "",
        date(2018, 6, 30),
    ],
)
def test_whole_number_refusals(written: object) -> None:
    assert parse_whole(written) == (None, Message.of("whole_invalid", value=show(written)))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("QIP/GAO/2018/001", "QIP/GAO/2018/001"),  # text stays exactly as written
        ("  QIP/GAO/2018/001 ", "QIP/GAO/2018/001"),  # only surrounding spaces go
        ("qip/gao/2018/001", "qip/gao/2018/001"),  # case kept: the pattern check decides
        (2018001.0, "2018001"),  # a code Excel turned into a number: no ".0"
        (2018001, "2018001"),
        (12.5, "12.5"),
    ],
)
def test_codes_stay_text(written: object, expected: str) -> None:
    assert parse_code(written) == (expected, None)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (92458, "00092458"),  # Excel dropped the leading zeros: put them back
        (92458.0, "00092458"),
        (0, "00000000"),
        (99_999_999, "99999999"),
        ("00092458", "00092458"),  # typed as text: kept
        (" 00092458 ", "00092458"),
        ("92458", "92458"),  # text must already have 8 digits: the pattern check says so
    ],
)
def test_mptf_numbers(written: object, expected: str) -> None:
    assert parse_mptf(written) == (expected, None)


@pytest.mark.parametrize(
    "written",
    [
        100_000_000,  # nine digits
        92458.5,
        -92458,
    ],
)
def test_mptf_number_refusals(written: object) -> None:
    assert parse_mptf(written) == (None, Message.of("mptf_invalid", value=show(written)))


def test_a_true_false_cell_is_no_mptf_number() -> None:
    assert parse_mptf(True) == (None, Message.of("not_text", value="TRUE"))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (f"  Forage\n à{NBSP}Ansongo  ", "Forage à Ansongo"),
        ("Forage", "Forage"),
        (12.0, "12"),
        (12.5, "12.5"),
        (date(2018, 6, 30), "30/06/2018"),
        (datetime(2018, 6, 30, 8, 5), "30/06/2018 08:05"),
        ("x" * 32_766, "x" * 32_766),  # the longest text an Excel cell holds, whole
    ],
)
def test_text(written: object, expected: str) -> None:
    assert parse_text(written) == (expected, None)


def test_text_refusals() -> None:
    assert parse_text(False) == (None, Message.of("not_text", value="FALSE"))
    # 32,767 characters or more: the xlsx reader cut it there, the value may be truncated.
    assert parse_text("x" * 32_767) == (None, Message.of("text_too_long", limit="32,767"))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (41970.0, "41970"),  # as Excel shows it, not 41970.0
        (41970.5, "41970.5"),
        (41970, "41970"),
        (date(2018, 6, 30), "30/06/2018"),
        (datetime(2018, 6, 30), "30/06/2018"),  # midnight: no time shown
        (datetime(2018, 6, 30, 0, 1), "30/06/2018 00:01"),
        ("x" * 80, "x" * 80),
        ("x" * 81, "x" * 79 + "…"),  # shortened for a message
        (True, "TRUE"),  # as Excel writes a logical value, not Python's True
        (False, "FALSE"),
    ],
)
def test_show(raw: object, shown: str) -> None:
    assert show(raw) == shown


def test_show_with_a_limit() -> None:
    assert show("abcdef", limit=4) == "abc…"
    assert show("abcd", limit=4) == "abcd"


# --- report dates in titles, month names ----------------------------------------------------

MONTHS = {
    1: ["January", "janvier", "Jan"],
    2: ["February", "février", "fevrier", "Feb", "févr"],
    3: ["March", "mars", "Mar"],
    4: ["April", "avril", "Apr", "avr"],
    5: ["May", "mai"],
    6: ["June", "juin", "Jun"],
    7: ["July", "juillet", "Jul", "juil"],
    8: ["August", "août", "aout", "Aug"],
    9: ["September", "septembre", "Sep", "Sept"],
    10: ["October", "octobre", "Oct"],
    11: ["November", "novembre", "Nov"],
    12: ["December", "décembre", "Dec", "déc"],
}


@pytest.mark.parametrize(("number", "names"), sorted(MONTHS.items()))
def test_month_names_in_both_languages(number: int, names: list[str]) -> None:
    for name in names:
        assert month_number(name) == number, name
        assert month_number(name.upper()) == number, name  # case and accents do not matter
        assert month_number(f" {name} ") == number, name


def test_month_number_refuses_other_words() -> None:
    assert [month_number(w) for w in ("Juni", "Ju", "", "13", "Mars2018")] == [None] * 5


TITLES = [
    ("Projets à Impact Rapide (QIPs) – Situation au 30/06/2018", date(2018, 6, 30)),
    ("Situation au 30.06.2018", date(2018, 6, 30)),
    ("situation au 2018-06-30", date(2018, 6, 30)),
    ("Trust Fund project tracker – as of 30 June 2018", date(2018, 6, 30)),
    ("Portefeuille PBF Mali – situation au 28 février 2018", date(2018, 2, 28)),
    ("Situation au 1er juin 2018", date(2018, 6, 1)),
    ("as of June 30, 2018", date(2018, 6, 30)),  # month first, in words: not ambiguous
    ("as of Sept. 5 2018", date(2018, 9, 5)),
    ("SITUATION AU 28 FEVRIER 2018", date(2018, 2, 28)),
    ("as of 5 Dec. 2018", date(2018, 12, 5)),
    ("Situation au 5/6/2018", date(2018, 6, 5)),  # day first
    ("Situation au 31/01/2018", date(2018, 1, 31)),  # January
    ("as of 31 January 2018", date(2018, 1, 31)),
    ("Situation au 31/12/2018", date(2018, 12, 31)),  # December
    # Any year: the reader then refuses the file quoting this date beside the file name's
    # (a clearer message than "no report date").
    ("Situation au 01/01/0001", date(1, 1, 1)),
    # The first real date wins; an impossible one is passed over.
    ("Situation au 31/06/2018 (lire 30/06/2018)", date(2018, 6, 30)),
    ("Situation au 30/06/2018, mise à jour 05/07/2018", date(2018, 6, 30)),
    # Digits before words: a numeric date anywhere comes first.
    ("as of 30 June 2018 (printed 05/07/2018)", date(2018, 7, 5)),
    ("30 Juin 2018 / June 29, 2018", date(2018, 6, 30)),  # then day-month-year words
    ("as of 31 June 2018 or June 29, 2018", date(2018, 6, 29)),
]


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_title_dates(title: str, expected: date) -> None:
    assert title_date(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Projets à Impact Rapide (QIPs)",
        "Situation au 31/06/2018",  # no such day
        "Situation au 06/25/2018",  # month first: no such month
        "Situation au 15/13/2018",
        "Situation au 15/00/2018",
        "Situation au 00/06/2018",
        "as of 30 Juni 2018",  # not a month we know
        "as of 2018",
        "Situation au 01/01/0000",  # a placeholder date: no year 0 (the reader used to crash)
        "as of 0000-06-30",
        "as of 30 June 0000",
        "Tel. 30/06/20180",  # digits glued on: not a date
        "",
    ],
)
def test_titles_without_a_report_date(title: str) -> None:
    assert title_date(title) is None
