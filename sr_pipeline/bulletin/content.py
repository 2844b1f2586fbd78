"""What the bulletin says, as data and sentences: a month's marts read into one object, the
Main Figures box, and the wording of dates, amounts and shares.

Everything here comes from ``marts.bulletin_figures``, ``marts.budget_breakdown`` and
``marts.monthly_changes``; nothing is computed that the marts do not already hold, except
rounding for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from sr_pipeline.language.wording import long_date, millions, money
from sr_pipeline.model import FUNDS, MISSION_START
from sr_pipeline.reference import fund_facts
from sr_pipeline.warehouse.sql import frame

DIMENSION_TITLES = {
    ("QIP", "region_group"): "QIPs Budget Breakdown by Region",
    ("QIP", "sector"): "QIPs Budget Breakdown by Sector",
    ("TF", "objective"): "Trust Fund Budget Breakdown by Objective",
    ("PBF", "window"): "PBF Budget Breakdown by Window",
}
CHANGE_WORDS = {
    "approved": "newly approved",
    "completed": "newly completed",
    "cancelled": "cancelled",
    "removed": "no longer in the tracker",
    "rejected": "hidden by a rejected row",
}


@dataclass(frozen=True)
class Fund:
    """One fund's headline figures for the month, and the tracker they come from."""

    fund: str
    values: dict[str, float]
    data_as_of: date
    source_file: str

    def count(self, figure: str) -> int:
        return int(round(self.values.get(figure, 0.0)))


@dataclass(frozen=True)
class Provenance:
    """Which warehouse version a rendered bulletin shows, so that it can be read again."""

    warehouse: str  # "file", or the DuckLake catalog (without password)
    version: int | None  # the DuckLake snapshot; None for the DuckDB file
    trackers: pd.DataFrame  # month, fund, source_file, sha256, data_as_of

    def text(self) -> str:
        if self.version is None:
            return (
                "the published DuckDB file (a file has no version number: the tracker versions "
                "below identify what it holds)"
            )
        return f"DuckLake snapshot {self.version} of {self.warehouse}"

    def rows(self) -> list[dict]:
        """The tracker versions as ``marts.publications.tracker_versions`` holds them."""
        return [
            {"month": _day(r.month), "fund": r.fund, "source_file": r.source_file,
             "sha256": r.sha256, "data_as_of": _day(r.data_as_of)}
            for r in self.trackers.itertuples()
        ]  # fmt: skip


@dataclass(frozen=True)
class Month:
    """A month of the bulletin, read from the marts."""

    as_of: date
    funds: dict[str, Fund]
    breakdown: pd.DataFrame  # marts.budget_breakdown rows of the month
    changes: pd.DataFrame  # marts.monthly_changes rows of the month
    donors: list[str]  # marts.donors of the month, as the bulletin names them
    provenance: Provenance
    rejections: pd.DataFrame  # per fund: source_file, rows_rejected, feedback_file
    fallbacks: pd.DataFrame  # per fund: refused files of the month, accepted by the data team
    # Tracker files of the month that feed none of its figures (marts.data_quality): fund,
    # source_file, status (superseded, copy, refused), superseded_by, refused.
    unused: pd.DataFrame | None = None

    @property
    def label(self) -> str:
        return f"{self.as_of:%Y-%m}"

    def slices(self, fund: str, dimension: str) -> pd.DataFrame:
        rows = self.breakdown[
            (self.breakdown["fund"] == fund) & (self.breakdown["dimension"] == dimension)
        ]
        return rows.reset_index(drop=True)

    def fund_changes(self, fund: str) -> pd.DataFrame:
        return self.changes[self.changes["fund"] == fund].reset_index(drop=True)


def months_with_figures(con: duckdb.DuckDBPyConnection, months: list[date]) -> list[date]:
    """The months among ``months`` that have figures (the others render nothing)."""
    found = frame(con, "reads/bulletin_months", {"months": months})
    return [_day(value) for value in found["as_of"]]


def _day(value) -> date:
    return pd.Timestamp(value).date()


def load_month(
    con: duckdb.DuckDBPyConnection, as_of: date, warehouse: str = "file", version: int | None = None
) -> Month:
    """Read one month of the marts (from ``warehouse`` at ``version``, for the record)."""
    params = {"as_of": as_of}
    figures = frame(con, "reads/bulletin_figures", params)
    breakdown = frame(con, "reads/bulletin_breakdown", params)
    changes = frame(con, "reads/bulletin_changes", params)
    donors = frame(con, "reads/bulletin_donors", params)["donor"].tolist()
    funds = {}
    for fund, rows in figures.groupby("fund", sort=False):
        funds[fund] = Fund(
            fund=fund,
            values=dict(zip(rows["figure"], rows["value"].astype(float), strict=True)),
            data_as_of=_day(rows["data_as_of"].iloc[0]),
            source_file=str(rows["source_file"].iloc[0]),
        )
    ordered = {fund: funds[fund] for fund in FUNDS if fund in funds}
    trackers = frame(con, "reads/bulletin_versions", params)
    return Month(
        as_of=as_of, funds=ordered, breakdown=breakdown, changes=changes, donors=donors,
        provenance=Provenance(warehouse, version, trackers),
        rejections=frame(con, "reads/bulletin_rejections", params),
        fallbacks=frame(con, "reads/bulletin_fallbacks", params),
        unused=frame(con, "reads/bulletin_unused_versions", params),
    )  # fmt: skip


def unused_sentence(row: dict) -> str:
    """Why a tracker file of the month feeds none of its figures, in a sentence."""
    name = row["source_file"]
    if row["status"] == "superseded":
        return f"{name}: superseded by {row['superseded_by']}, a later revision of the same date."
    if row["status"] == "copy" and row["superseded_by"] == name:
        return f"{name}: a copy of the same file in another folder, read once."
    if row["status"] == "copy":
        return f"{name}: the same content as {row['superseded_by']}, read once as that file."
    return f"refused: {row['refused']}"  # the refusal starts with the file's name


def rejection_sentence(rejections: pd.DataFrame, changes: pd.DataFrame, fund: str) -> str:
    """How many of the fund's rows were rejected this month, which projects counted last month
    they hide, and where the unit's feedback workbook is ("" when nothing was rejected).
    ``rejections``: reads/bulletin_rejections; ``changes``: the month's monthly_changes."""
    found = rejections[rejections["fund"] == fund]
    if found.empty or int(found["rows_rejected"].iloc[0]) == 0:
        return ""
    row = found.iloc[0]
    rejected = int(row["rows_rejected"])
    verb = "was" if rejected == 1 else "were"
    text = (
        f"{count(rejected, 'row')} of {row['source_file']} {verb} rejected and "
        f"{'counts' if rejected == 1 else 'count'} in no figure this month"
    )
    hidden = changes[(changes["fund"] == fund) & (changes["change"] == "rejected")]
    if not hidden.empty:
        codes = listing([f"{r.project_code} ({r.title})" for r in hidden.itertuples()])
        text += f"; {'it hides' if rejected == 1 else 'they hide'} {count(len(hidden))} "
        text += f"counted last month: {codes}"
    feedback = row["feedback_file"]
    where = f"the feedback workbook {feedback}" if isinstance(feedback, str) else "dq.rejected_rows"
    return f"{text}. The unit's corrections are listed in {where}."


def fallback_sentence(fallbacks: pd.DataFrame, fund: str) -> str:
    """The data team accepted publishing the month from an older tracker ("" otherwise)."""
    found = fallbacks[fallbacks["fund"] == fund]
    if found.empty:
        return ""
    names = listing(sorted(set(found["source_file"])))
    day = found["data_as_of"].iloc[0]
    older = f"the tracker as of {long_date(_day(day))}" if pd.notna(day) else "no tracker"
    return (
        f"Every tracker of this month was refused ({names}); the data team accepted publishing "
        f"the month from {older}."
    )


def missing_funds(month: Month) -> list[str]:
    """The funds with no tracker on or before the month's end (no figures, said so)."""
    return [fund for fund in FUNDS if fund not in month.funds]


def fund_name(fund: str) -> str:
    """As the bulletin names a fund: Quick Impact Projects (QIPs)."""
    return fund_facts()[fund].display_name


def usd(amount: float) -> str:
    """41,970 USD."""
    return f"{money(amount)} USD"


def signed_usd(amount: float) -> str:
    """A change of budget keeps its sign: +439,907 USD (0 USD for no change)."""
    return f"{'+' if amount > 0 else '-'}{money(abs(amount))} USD" if round(amount) else "0 USD"


def whole_percentages(shares: list[float]) -> list[int]:
    """Shares rounded to whole percentages that still sum to 100 (largest remainder):
    three slices of 33.3% print as 33, 33 and 34, never 33, 33 and 33."""
    total = sum(shares)
    if total <= 0:
        return [0 for _ in shares]
    scaled = [share * 100 / total for share in shares]
    floors = [math.floor(value) for value in scaled]
    missing = 100 - sum(floors)
    by_remainder = sorted(range(len(scaled)), key=lambda i: (floors[i] - scaled[i], i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


def count(number: int, noun: str = "project") -> str:
    """1 project, 2 projects (the bulletin's nouns are regular)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def listing(names: list[str]) -> str:
    """A, B and C."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def main_figures(month: Month) -> dict[str, str]:
    """The Main Figures box, one sentence per fund (without the fund's name and date, which
    the page and the UI put before it), worded as bulletin #41 words them."""
    sentences = {}
    if (qip := month.funds.get("QIP")) is not None:
        sentences["QIP"] = (
            f"{count(qip.count('projects_completed'))} completed and "
            f"{qip.count('projects_ongoing')} under implementation of a budget of "
            f"{millions(qip.values.get('budget_usd', 0))} million USD "
            f"({count(qip.count('projects_total'))} in total since {MISSION_START.year})"
        )
    if (pbf := month.funds.get("PBF")) is not None:
        sentences["PBF"] = (
            f"{count(pbf.count('projects_total'))} "
            f"({pbf.count('projects_completed')} completed, {pbf.count('projects_ongoing')} "
            f"under implementation) for a total budget of "
            f"{millions(pbf.values.get('budget_usd', 0))} million USD"
        )
    if (tf := month.funds.get("TF")) is not None:
        donors = f" (contributions from {listing(month.donors)})" if month.donors else ""
        sentences["TF"] = (
            f"{count(tf.count('projects_completed'))} completed and "
            f"{count(tf.count('projects_ongoing'))} under implementation out of "
            f"{count(tf.count('projects_total'))} approved for a cost of "
            f"{millions(tf.values.get('cost_usd', 0))} million USD over a budget of "
            f"{millions(tf.values.get('budget_usd', 0))} million USD{donors}"
        )
    return {fund: sentences[fund] for fund in ("QIP", "PBF", "TF") if fund in sentences}


def chart_total(month: Month, fund: str) -> float:
    """The total a fund's pie charts divide: the non-cancelled budget (TF: cost_usd)."""
    values = month.funds[fund].values
    return values.get("cost_usd" if fund == "TF" else "budget_usd", 0.0)
