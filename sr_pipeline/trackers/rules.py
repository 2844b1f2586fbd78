"""Cross-field row rules (a breach rejects the row) and business rules (a breach flags it).

Each rule is vectorised over a sheet's typed DataFrame: ``ok(df)`` is True where the row
passes. Contracts name the rules they apply; the pandera schema runs the row rules as
DataFrame checks, and the reader applies flags to accepted rows only (docs/trackers.md: a
rejected row carries no rule flags).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sr_pipeline.language.messages import Message, month_term

QIP_BUDGET_CAP_USD = 50_000.0
# docs/trackers.md: a QIP budget above ten times the ceiling is a row error, not a flag (no QIP
# costs that much; it is almost always an XOF or EUR amount whose currency is missing).
QIP_BUDGET_LIMIT_USD = 10 * QIP_BUDGET_CAP_USD
QIP_MAX_MONTHS = 6
# The tracker's report date, set by the reader on every row for the rules that compare with it.
REPORT_DATE = "_report_date"
# Stands for the sheet's main amount field (``budget`` or ``amount``) in a rule's ``field``.
AMOUNT_FIELD = "<amount>"


@dataclass(frozen=True)
class Rule:
    name: str
    field: str  # the field a clerk must look at
    ok: Callable[[pd.DataFrame], pd.Series]
    message: Callable[[pd.Series], Message]  # for one failing row (typed values)
    description: str = ""  # what the rule asks, for the project's documentation
    after_conversion: bool = False  # needs the amount in USD: checked after conversion


def _d(value: object) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y")


def _not_before(later: str, earlier: str) -> Callable[[pd.DataFrame], pd.Series]:
    def ok(df: pd.DataFrame) -> pd.Series:
        return ~(df[later] < df[earlier]).fillna(False)

    return ok


def _approved_by_report_date(df: pd.DataFrame) -> pd.Series:
    if REPORT_DATE not in df:  # validated output: the reader already enforced it
        return pd.Series(True, index=df.index)
    return ~(df["approval_date"] > df[REPORT_DATE]).fillna(False)


def _within_limit(df: pd.DataFrame) -> pd.Series:
    if "budget_usd" not in df:
        return pd.Series(True, index=df.index)
    return ~(df["budget_usd"] > QIP_BUDGET_LIMIT_USD).fillna(False)


def _limit_message(r: pd.Series) -> Message:
    if pd.isna(r.get("_rate")):
        return Message.of(
            "budget_over_limit",
            budget_usd=float(r.budget_usd), limit=QIP_BUDGET_LIMIT_USD, cap=QIP_BUDGET_CAP_USD,
        )  # fmt: skip
    return Message.of(
        "budget_over_limit_converted",
        amount=float(r.budget), currency=r["_currency"], budget_usd=float(r.budget_usd),
        limit=QIP_BUDGET_LIMIT_USD, cap=QIP_BUDGET_CAP_USD,
    )  # fmt: skip


def _currency_agrees(df: pd.DataFrame) -> pd.Series:
    if "_written_currency" not in df:  # validated output: the reader already enforced it
        return pd.Series(True, index=df.index)
    return df["_written_currency"].isna() | (df["_written_currency"] == df["_currency"])


ROW_RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "start_not_before_approval",
            "start_date",
            _not_before("start_date", "approval_date"),
            lambda r: Message.of(
                "start_not_before_approval", start=_d(r.start_date), approval=_d(r.approval_date)
            ),
            "a project cannot start before it is approved: "
            "start date on or after the approval date",
        ),
        Rule(
            "end_not_before_start",
            "end_date",
            _not_before("end_date", "start_date"),
            lambda r: Message.of(
                "end_not_before_start", end=_d(r.end_date), start=_d(r.start_date)
            ),
            "the end date is on or after the start date",
        ),
        Rule(
            "end_date_when_completed",
            "end_date",
            lambda df: ~((df["status"] == "completed") & df["end_date"].isna()),
            lambda r: Message.of("end_date_when_completed"),
            "a completed project has an end date",
        ),
        Rule(
            "amount_currency_agrees",
            AMOUNT_FIELD,
            _currency_agrees,
            lambda r: Message.of(
                "amount_currency_agrees", written=r["_written_currency"], currency=r["_currency"]
            ),
            "a currency written inside an amount (USD 41,970; 41 970 $) "
            "agrees with the row's currency",
        ),
        Rule(
            "approval_not_after_report_date",
            "approval_date",
            _approved_by_report_date,
            lambda r: Message.of(
                "approval_not_after_report_date",
                approval=_d(r.approval_date),
                report=_d(r[REPORT_DATE]),
            ),  # fmt: skip
            "a project in a tracker is approved on or before the tracker's report date",
        ),
        Rule(
            "budget_within_ten_times_cap",
            "budget",
            _within_limit,
            _limit_message,
            "a QIP budget is at most ten times the ceiling (500,000 USD after conversion); "
            "above that it is a row error, not a flag",
            after_conversion=True,
        ),
    )
}


def _months_between_exceeds(start: pd.Series, end: pd.Series, months: int) -> pd.Series:
    limit = start + pd.DateOffset(months=months) if len(start) else start
    return (end > limit).fillna(False)


def _duration_over(df: pd.DataFrame) -> pd.Series:
    stated = df["duration_months"].astype("Float64") > QIP_MAX_MONTHS
    by_dates = df["duration_months"].isna() & _months_between_exceeds(
        df["start_date"], df["end_date"], QIP_MAX_MONTHS
    )
    return stated.fillna(False).astype(bool) | by_dates.astype(bool)


def _cap_message(r: pd.Series) -> Message:
    """The cap breach, showing the conversion when the budget was not in USD (the clerk sees
    47 500 in the cell, not the 58 570 USD it is worth)."""
    if pd.isna(r.get("_rate")):
        return Message.of("budget_over_cap", budget_usd=float(r.budget_usd), cap=QIP_BUDGET_CAP_USD)
    return Message.of(
        "budget_over_cap_converted",
        amount=float(r.budget), currency=r.currency, rate=float(r["_rate"]),
        month=month_term(int(r["_rate_month"])), budget_usd=float(r.budget_usd),
        cap=QIP_BUDGET_CAP_USD,
    )  # fmt: skip


def _duration_message(r: pd.Series) -> Message:
    if pd.notna(r.duration_months):
        return Message.of(
            "duration_over_6_months", months=int(r.duration_months), limit=QIP_MAX_MONTHS
        )
    return Message.of(
        "duration_over_6_months_by_dates",
        start=_d(r.start_date), end=_d(r.end_date), limit=QIP_MAX_MONTHS,
    )  # fmt: skip


FLAG_RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "budget_over_cap",
            "budget",
            lambda df: ~(df["budget_usd"] > QIP_BUDGET_CAP_USD).fillna(False),
            _cap_message,
            "budget above 50,000 USD after conversion to USD",
        ),
        Rule(
            "duration_over_6_months",
            "duration_months",
            lambda df: ~_duration_over(df),
            _duration_message,
            "duration above 6 months: the stated duration, or where it is blank, an end date "
            "more than 6 calendar months after the start date",
        ),
        Rule(
            "expenditure_over_budget",
            "expenditure",
            lambda df: ~(df["expenditure"] > df["budget"]).fillna(False),
            lambda r: Message.of(
                "expenditure_over_budget", expenditure=float(r.expenditure), budget=float(r.budget)
            ),
            "expenditure to date above the approved budget",
        ),
    )
}
