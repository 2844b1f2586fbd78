"""The pandera schema of snapshots.projects, on hand-made rows: the checks a month's rows must
pass before they are public (a category that belongs to another fund, a region outside the
gazetteer, data from after the month, a project twice)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.errors
import pytest

from sr_pipeline.trackers.snapshot_schema import snapshot_schema

pytestmark = pytest.mark.slow


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


def test_a_month_is_validated_in_slices_that_keep_a_projects_rows_together(monkeypatch):
    # 40 projects and one code twice, checked in slices of at most 8 rows: every row is seen
    # once, and the duplicate is caught whichever slices the others fall in.
    import duckdb

    from sr_pipeline.defs import assets_snapshots
    from sr_pipeline.warehouse.schema import apply_schema
    from sr_pipeline.warehouse.sql import frame

    rows = pd.concat([month_rows().iloc[[0]]] * 40, ignore_index=True)
    rows["project_code"] = [f"QIP/GAO/2018/{n:03d}" for n in range(40)]
    rows = pd.concat([rows, rows.iloc[[17]]], ignore_index=True)
    con = duckdb.connect()
    apply_schema(con)
    con.register("incoming", rows)
    con.execute("INSERT INTO snapshots.projects SELECT * FROM incoming")
    monkeypatch.setattr(assets_snapshots, "SLICE_ROWS", 8)
    counts = frame(con, "snapshots/count_projects", {"months": [date(2018, 6, 30)]})
    slices = list(assets_snapshots.month_slices(con, counts))
    assert len(slices) == 6 and sum(len(s) for s in slices) == 41
    cases = [assets_snapshots.validate(s) for s in slices]
    found = pd.concat([c for c in cases if c is not None])
    assert set(found["project"]) == {"QIP QIP/GAO/2018/017"}
    assert set(found["as_of"]) == {"2018-06-30"}
