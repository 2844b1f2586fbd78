"""The pandera schema of the public table ``snapshots.projects`` (docs/figures.md).

Checked on every month a run writes, whatever tracker versions it came from: vocabulary
values exactly as the marts group them, one row per project per fund and month, budgets
present and non-negative, no data from after the month.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from sr_pipeline.model import FUNDS
from sr_pipeline.reference import load_reference


def _regions_known(regions: tuple[str, ...]):
    known = set(regions)

    def check(series):  # each distinct value once: a month repeats a few dozen of them
        verdict = {
            value: all(part.strip() in known for part in value.split(";"))
            for value in series.unique()
        }
        return series.map(verdict)

    return check


@cache
def snapshot_schema() -> pa.DataFrameSchema:
    reference = load_reference()
    allowed = [(fund, category) for fund in FUNDS for category in reference.categories(fund)]

    def category_of_fund(df):
        pairs = pd.MultiIndex.from_arrays([df["fund"], df["category"]])
        return pd.Series(pairs.isin(allowed), index=df.index)

    return pa.DataFrameSchema(
        {
            "as_of": pa.Column("datetime64[ns]"),
            "fund": pa.Column(str, pa.Check.isin(FUNDS)),
            "project_code": pa.Column(str),
            "title": pa.Column(str),
            "status": pa.Column(str, pa.Check.isin(reference.statuses.values)),
            "budget_usd": pa.Column(float, pa.Check.ge(0)),
            "approval_date": pa.Column("datetime64[ns]", nullable=True),
            "start_date": pa.Column("datetime64[ns]", nullable=True),
            "end_date": pa.Column("datetime64[ns]", nullable=True),
            "partner": pa.Column(str, nullable=True),
            "region": pa.Column(
                str,
                pa.Check(
                    _regions_known(reference.regions.values),
                    element_wise=False,
                    name="region_in_gazetteer",
                ),
            ),
            "category": pa.Column(str),
            "data_as_of": pa.Column("datetime64[ns]"),
            "source_file": pa.Column(str),
            "source_row": pa.Column("int32"),
        },
        checks=[
            pa.Check(category_of_fund, name="category_of_fund"),
            pa.Check(lambda df: df["data_as_of"] <= df["as_of"], name="data_not_after_as_of"),
        ],
        unique=["as_of", "fund", "project_code"],
        strict=True,
        ordered=True,
        name="snapshots.projects",
    )
