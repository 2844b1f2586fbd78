"""The row rules and business rules (sr_pipeline/trackers/rules.py) on typed rows written by hand,
as the reader hands them over (dates as datetime64, durations as nullable integers, amounts in USD).

Guards against: a rule off by one at its edge (a budget of exactly 50,000 USD flagged, a
project starting the day it is approved rejected, an end date exactly six calendar months after
the start flagged, expenditure equal to the budget flagged); a blank cell breaking a rule or
breaching it (a missing date is not "before" anything); the stated duration ignored, or
overridden by dates, or dates ignored when it is blank; a completed project without an end date
let through; a currency written in the amount that contradicts the row's currency let through;
a flag message that hides the conversion the clerk needs to see (47,500 EUR, not the 58,570 USD
it is worth) or quotes the wrong dates.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sr_pipeline.language.messages import Message, Term
from sr_pipeline.trackers.rules import FLAG_RULES, ROW_RULES

NaT = pd.NaT


def dates(*values: str | None) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object"))


def passes(rule: str, frame: pd.DataFrame, table: dict = ROW_RULES) -> list[bool]:
    return table[rule].ok(frame).tolist()


def flagged(rule: str, frame: pd.DataFrame) -> list[bool]:
    return [not ok for ok in passes(rule, frame, FLAG_RULES)]


# --- row rules: a breach rejects the row ----------------------------------------------------


def test_start_not_before_approval() -> None:
    frame = pd.DataFrame(
        {
            "approval_date": dates("2018-03-01", "2018-03-01", "2018-03-01", None, "2018-03-01"),
            "start_date": dates("2018-03-02", "2018-03-01", "2018-02-28", "2018-01-01", None),
        }
    )
    # After, the same day (a project may start the day it is approved), before, and blanks
    # on either side (nothing to compare: the rule holds).
    assert passes("start_not_before_approval", frame) == [True, True, False, True, True]


def test_end_not_before_start() -> None:
    frame = pd.DataFrame(
        {
            "start_date": dates("2018-03-01", "2018-03-01", "2018-03-01", None, "2018-03-01"),
            "end_date": dates("2018-09-01", "2018-03-01", "2018-02-28", "2018-01-01", None),
        }
    )
    assert passes("end_not_before_start", frame) == [True, True, False, True, True]


def test_a_completed_project_has_an_end_date() -> None:
    frame = pd.DataFrame(
        {
            "status": ["completed", "completed", "ongoing", "cancelled", None],
            "end_date": dates("2018-06-01", None, None, None, None),
        }
    )
    assert passes("end_date_when_completed", frame) == [True, False, True, True, True]


def test_a_currency_written_in_the_amount_agrees_with_the_rows() -> None:
    frame = pd.DataFrame(
        {
            "_currency": ["USD", "XOF", "USD", "EUR"],
            "_written_currency": [None, "USD", "USD", "EUR"],  # "USD 20,000" in an XOF row
        }
    )
    assert passes("amount_currency_agrees", frame) == [True, False, True, True]
    # Validated output no longer carries the written currency: the reader enforced it before.
    assert passes("amount_currency_agrees", frame.drop(columns="_written_currency")) == [True] * 4


def test_row_rule_messages_quote_the_dates_day_first() -> None:
    row = pd.Series(
        {
            "approval_date": pd.Timestamp("2018-03-01"),
            "start_date": pd.Timestamp("2018-02-05"),
            "end_date": pd.Timestamp("2018-01-31"),
            "_written_currency": "USD",
            "_currency": "XOF",
        }
    )
    assert ROW_RULES["start_not_before_approval"].message(row) == Message.of(
        "start_not_before_approval", start="05/02/2018", approval="01/03/2018"
    )
    assert ROW_RULES["end_not_before_start"].message(row) == Message.of(
        "end_not_before_start", end="31/01/2018", start="05/02/2018"
    )
    assert ROW_RULES["end_date_when_completed"].message(row) == Message.of(
        "end_date_when_completed"
    )
    assert ROW_RULES["amount_currency_agrees"].message(row) == Message.of(
        "amount_currency_agrees", written="USD", currency="XOF"
    )


def test_row_rules_name_the_cell_the_clerk_must_fix() -> None:
    assert {name: rule.field for name, rule in ROW_RULES.items()} == {
        "start_not_before_approval": "start_date",
        "end_not_before_start": "end_date",
        "end_date_when_completed": "end_date",
        "amount_currency_agrees": "<amount>",  # the sheet's amount field (budget or amount)
        "approval_not_after_report_date": "approval_date",
        "budget_within_ten_times_cap": "budget",
    }


# --- business rules: a breach flags the row, which is still loaded --------------------------


def test_budget_over_the_qip_cap() -> None:
    frame = pd.DataFrame({"budget_usd": [49_999.99, 50_000.0, 50_000.01, 120_000.0, None]})
    # docs/trackers.md: at most 50,000 USD; exactly the cap is fine; a budget not converted (no
    # rate: a row error elsewhere) is not flagged.
    assert flagged("budget_over_cap", frame) == [False, False, True, True, False]
    # Unknown stays unflagged in a nullable column too (NA, not NaN, compares as unknown).
    nullable = frame.astype({"budget_usd": "Float64"})
    assert flagged("budget_over_cap", nullable) == [False, False, True, True, False]


def test_budget_over_cap_message_in_usd() -> None:
    row = pd.Series({"budget": 60_000.0, "budget_usd": 60_000.0, "currency": "USD",
                     "_rate": None, "_rate_month": None})  # fmt: skip
    assert FLAG_RULES["budget_over_cap"].message(row) == Message.of(
        "budget_over_cap", budget_usd=60_000.0, cap=50_000.0
    )


def test_budget_over_cap_message_shows_the_conversion() -> None:
    # The clerk sees 47 500 EUR in the cell: the message says what it is worth and at what rate.
    row = pd.Series({"budget": 47_500.0, "budget_usd": 58_570.9, "currency": "EUR",
                     "_rate": 0.811, "_rate_month": 201803})  # fmt: skip
    assert FLAG_RULES["budget_over_cap"].message(row) == Message.of(
        "budget_over_cap_converted", amount=47_500.0, currency="EUR", rate=0.811,
        month=Term("March 2018", "mars 2018"), budget_usd=58_570.9, cap=50_000.0,
    )  # fmt: skip


def test_duration_over_six_months() -> None:
    frame = pd.DataFrame(
        {
            "duration_months": pd.array([6, 7, 6, None, None, None, None, None, 3], "Int64"),
            "start_date": dates(
                "2018-03-15",
                "2018-03-15",
                "2018-01-01",
                "2018-03-15",
                "2018-03-15",
                "2018-08-31",
                None,
                "2018-03-15",
                "2018-01-01",
            ),
            "end_date": dates(
                "2018-09-15",
                "2018-05-15",
                "2019-12-31",
                "2018-09-15",
                "2018-09-16",
                "2019-02-28",
                "2019-12-31",
                None,
                "2019-01-01",
            ),
        }
    )
    assert flagged("duration_over_6_months", frame) == [
        False,  # 6 stated: at most 6 months
        True,  # 7 stated, whatever the dates say
        False,  # 6 stated: the stated duration wins over the dates
        False,  # blank: 15 March to 15 September is exactly 6 calendar months
        True,  # blank: one day more
        False,  # blank: 31 August + 6 months is 28 February (calendar months, not 180 days)
        False,  # blank and no start date: nothing to tell
        False,  # blank and no end date (ongoing)
        False,  # 3 stated: a year of dates does not matter
    ]


def test_duration_rule_on_a_sheet_without_rows() -> None:
    frame = pd.DataFrame(
        {
            "duration_months": pd.array([], dtype="Int64"),
            "start_date": dates(),
            "end_date": dates(),
        }
    )
    assert flagged("duration_over_6_months", frame) == []


def test_duration_messages() -> None:
    stated = pd.Series({"duration_months": 8, "start_date": pd.Timestamp("2018-03-15"),
                        "end_date": pd.NaT})  # fmt: skip
    assert FLAG_RULES["duration_over_6_months"].message(stated) == Message.of(
        "duration_over_6_months", months=8, limit=6
    )
    by_dates = pd.Series({"duration_months": pd.NA, "start_date": pd.Timestamp("2018-03-15"),
                          "end_date": pd.Timestamp("2018-09-16")})  # fmt: skip
    assert FLAG_RULES["duration_over_6_months"].message(by_dates) == Message.of(
        "duration_over_6_months_by_dates", start="15/03/2018", end="16/09/2018", limit=6
    )


def test_expenditure_over_budget() -> None:
    frame = pd.DataFrame(
        {
            "budget": [100_000.0, 100_000.0, 100_000.0, None, 100_000.0],
            "expenditure": [99_999.0, 100_000.0, 100_000.5, 5.0, None],
        }
    )
    assert flagged("expenditure_over_budget", frame) == [False, False, True, False, False]
    nullable = frame.astype("Float64")
    assert flagged("expenditure_over_budget", nullable) == [False, False, True, False, False]


def test_expenditure_message() -> None:
    row = pd.Series({"budget": 100_000.0, "expenditure": 200_000.0})
    assert FLAG_RULES["expenditure_over_budget"].message(row) == Message.of(
        "expenditure_over_budget", expenditure=200_000.0, budget=100_000.0
    )


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ("budget_over_cap", "budget"),
        ("duration_over_6_months", "duration_months"),
        ("expenditure_over_budget", "expenditure"),
    ],
)
def test_flags_name_the_cell_the_clerk_must_look_at(rule: str, field: str) -> None:
    assert FLAG_RULES[rule].field == field
