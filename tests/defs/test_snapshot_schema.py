"""The pandera schema of snapshots.projects, on hand-made rows: the checks a month's rows must
pass before they are public (a category that belongs to another fund, a region outside the
gazetteer, data from after the month, a project twice)."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

from sr_pipeline.defs.snapshot_schema import snapshot_schema


def month_rows(**changes) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2018-06-30"] * 3),
            "fund": ["QIP", "TF", "PBF"],
            "project_code": ["QIP/GAO/2018/001", "TF-2018-001", "00108765"],
            "title": ["Puits", "Tribunal", "Dialogue"],
            "status": ["completed", "ongoing", "ongoing"],
            "budget_usd": [40_000.0, 500_000.0, 1_000_000.0],
            "approval_date": pd.to_datetime(["2018-01-10", "2018-02-01", None]),
            "start_date": pd.to_datetime(["2018-01-15", None, None]),
            "end_date": pd.to_datetime([None, None, None]),
            "partner": ["ONG Eau", None, "PNUD"],
            "region": ["Gao", "Mopti; Tombouctou", "Ménaka"],
            "category": ["Health", "3", "Phase II"],
            "data_as_of": pd.to_datetime(["2018-06-30", "2018-06-30", "2018-02-28"]),
            "source_file": ["q.xlsx", "t.xlsx", "p.xlsx"],
            "source_row": pd.array([5, 6, 7], dtype="int32"),
        }
    )
    for column, (row, value) in changes.items():
        rows.loc[row, column] = value
    return rows


def failed_checks(rows: pd.DataFrame) -> set[str]:
    try:
        snapshot_schema().validate(rows, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return set(exc.failure_cases["check"].astype(str))
    return set()


def test_valid_rows_pass():
    assert failed_checks(month_rows()) == set()


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"category": (0, "3")}, "category_of_fund"),  # a TF objective on a QIP project
        ({"category": (1, "Health")}, "category_of_fund"),
        ({"category": (2, "Santé")}, "category_of_fund"),  # a clerk's spelling, not canonical
        ({"region": (1, "Mopti; Paris")}, "region_in_gazetteer"),
        ({"region": (0, "Gao;")}, "region_in_gazetteer"),
        ({"data_as_of": (0, pd.Timestamp("2018-07-31"))}, "data_not_after_as_of"),
    ],
)
def test_each_check_catches_its_fault(change, check):
    assert check in failed_checks(month_rows(**change))


def test_a_project_twice_in_a_month_fails():
    rows = month_rows()
    twice = pd.concat([rows, rows.iloc[[0]]], ignore_index=True)
    assert failed_checks(twice)
