"""The pipeline's reader against the demo generator's ground truth, field by field.

The demo trackers carry every kind of untidiness docs/trackers.md lists (titles, merged cells,
two-row headers, group headers, TOTAL rows, formulas, text numbers and dates in French and
English forms, MPTF numbers turned into numbers, NBSP, hidden sheets, a `_v2` revision,
XOF/EUR budgets). Reading them back must give exactly the rows the generator wrote, with the
deliberately bad rows rejected or flagged exactly as the generator documents.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from demo.truth import tracker_files, tracker_truth
from sr_pipeline.model import CANONICAL_COLUMNS
from sr_pipeline.trackers.discovery import discover
from sr_pipeline.trackers.reader import read_tracker
from tests import ROOT

TRACKERS = ROOT / "sources" / "trackers"
SPECS = tracker_files()


@pytest.fixture(scope="module")
def versions() -> dict[str, object]:
    found, refused = discover(TRACKERS)
    assert refused == []
    return {tracker.name: tracker for tracker in found}


def plain(value: object) -> object:
    """A cell of the reader's DataFrame as the plain Python value the truth uses."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy / pandas scalars
        return value.item()
    return value


def test_every_demo_file_is_discovered(versions: dict[str, object]) -> None:
    assert sorted(versions) == sorted(spec.file_name for spec in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=[s.file_name for s in SPECS])
def test_reader_returns_exactly_what_the_generator_wrote(spec, versions) -> None:
    truth = tracker_truth(spec.fund, spec.report_date, spec.revision)
    result = read_tracker(versions[spec.file_name])
    assert result.refused is None
    assert set(result.tables) == set(truth["tables"])
    for table, rows in truth["tables"].items():
        frame = result.tables[table]
        assert frame["source_row"].tolist() == truth["source_rows"][table], table
        assert set(frame["sheet"]) == {truth["sheets"][table]}
        for column in CANONICAL_COLUMNS[(spec.fund, table)]:
            got = [plain(v) for v in frame[column]]
            want = [row[column] for row in rows]
            if column.endswith(("budget_usd", "amount_usd")):
                assert got == pytest.approx(want, rel=1e-9), (table, column)
            else:
                assert got == want, (table, column)
        extras = truth["extras"].get(table)
        if extras:
            got = [json.loads(e) if e else {} for e in frame["extras"]]
            assert got == extras


@pytest.mark.parametrize("spec", SPECS, ids=[s.file_name for s in SPECS])
def test_deliberate_bad_rows_are_rejected_or_flagged_as_documented(spec, versions) -> None:
    truth = tracker_truth(spec.fund, spec.report_date, spec.revision)
    result = read_tracker(versions[spec.file_name])
    rejected = {(r.source_row, r.field) for r in result.rejected_rows.itertuples()}
    flagged = {(r.source_row, r.rule) for r in result.rule_flags.itertuples()}
    want_rejected = {(b["source_row"], b["field"]) for b in truth["bad_rows"]
                     if b["outcome"] == "rejected"}  # fmt: skip
    want_flagged = {(b["source_row"], b["rule"]) for b in truth["bad_rows"]
                    if b["outcome"] == "flagged"}  # fmt: skip
    assert rejected == want_rejected
    assert flagged == want_flagged
    # Nothing lost: every data row read is accepted or rejected.
    accepted = sum(len(t) for t in result.tables.values())
    assert result.rows_read == accepted + result.rejected_rows["source_row"].nunique()


def test_the_june_qip_file_shows_the_data_quality_path() -> None:
    truth = tracker_truth("QIP", date(2018, 6, 30))
    outcomes = sorted((b["outcome"], b["field"] or b["rule"]) for b in truth["bad_rows"])
    assert outcomes == [
        ("flagged", "budget_over_cap"),
        ("flagged", "duration_over_6_months"),
        ("rejected", "approval_date"),
        ("rejected", "region"),
    ]
