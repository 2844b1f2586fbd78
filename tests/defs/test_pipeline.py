"""The pipeline run through Dagster's own APIs (materialize, schedule and sensor evaluation),
asserting on what lands in DuckDB.

The mess it guards against: a fund whose latest tracker is months old (PBF), rows that must
not count (rejected) next to rows that must (flagged), a cancelled project in the counts but
not the budgets, a contribution received after the report date, a multi-region project, the
Secrétariat budget line, a corrected file re-sent the same month (_v2), a re-sent file that is
broken (refused: the month falls back), and backfills run twice.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from sr_pipeline.definitions import defs
from sr_pipeline.defs import assets_raw
from sr_pipeline.defs.partitions import RANGE_END_TAG, RANGE_START_TAG
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.defs.schedules import monthly_snapshot
from sr_pipeline.defs.sensors import tracker_folder_sensor
from tests import BULLETIN_41
from tests.builders import qip_row, qip_workbook, replace_in_part
from tests.pipeline_helpers import (
    build,
    figures,
    public_content,
    qip_rows_june,
    rows,
    write_qip_june_v2,
    write_small_trackers,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def june(tmp_path_factory) -> tuple[Path, Path, dg.ExecuteInProcessResult]:
    """June 2018 built once from the small tracker set."""
    base = tmp_path_factory.mktemp("june")
    trackers = write_small_trackers(base / "trackers")
    warehouse = base / "warehouse" / "sr.duckdb"
    result = build(trackers, warehouse, "2018-06-01")
    return trackers, warehouse, result


def check_results(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], bool]:
    return {
        (evaluation.asset_key.to_user_string(), evaluation.check_name): evaluation.passed
        for evaluation in result.get_asset_check_evaluations()
    }


def test_june_figures(june):
    _, warehouse, result = june
    assert result.success
    assert figures(warehouse, "2018-06-30") == {
        # 4 accepted projects (2 rejected rows count nowhere); the flagged one counts.
        ("QIP", "projects_total"): 4, ("QIP", "projects_completed"): 2,
        ("QIP", "projects_ongoing"): 1, ("QIP", "projects_not_started"): 0,
        ("QIP", "projects_suspended"): 0, ("QIP", "projects_cancelled"): 1,
        ("QIP", "budget_usd"): 25_000 + 60_000 + 25_000,  # cancelled 10,000 excluded
        ("TF", "projects_total"): 3, ("TF", "projects_completed"): 1,
        ("TF", "projects_ongoing"): 1, ("TF", "projects_not_started"): 0,
        ("TF", "projects_suspended"): 0, ("TF", "projects_cancelled"): 1,
        ("TF", "cost_usd"): 2 * 181_320,
        ("TF", "budget_usd"): 1_150_000,  # the July contribution is after data_as_of
        ("TF", "allocated_pct"): 31.53,  # 362,640 / 1,150,000 = 31.5339...%, to 0.01 point
        ("TF", "donors"): 1,  # one donor gave twice; the July gift is after data_as_of
        ("PBF", "projects_total"): 2,  # the Secrétariat line is not a project
        ("PBF", "projects_completed"): 1, ("PBF", "projects_ongoing"): 1,
        ("PBF", "projects_not_started"): 0, ("PBF", "projects_suspended"): 0,
        ("PBF", "projects_cancelled"): 0,
        ("PBF", "budget_usd"): 4_500_000,  # ... but its budget counts
    }  # fmt: skip


def test_june_lineage_uses_each_funds_latest_version(june):
    _, warehouse, _ = june
    lineage = rows(
        warehouse,
        "SELECT DISTINCT fund, data_as_of::VARCHAR, source_file FROM snapshots.projects "
        "WHERE as_of = DATE '2018-06-30' ORDER BY fund",
    )
    assert lineage == [
        ("PBF", "2018-02-28", "PBF_Portefeuille_20180228.xlsx"),
        ("QIP", "2018-06-30", "QIPs_Suivi_2018-06-30.xlsx"),
        ("TF", "2018-06-30", "TF_Project_Tracker_Jun2018.xlsx"),
    ]
    # Every figure carries the same lineage.
    assert rows(
        warehouse,
        "SELECT DISTINCT data_as_of::VARCHAR FROM marts.bulletin_figures WHERE fund = 'PBF'",
    ) == [("2018-02-28",)]


def test_budget_breakdown_splits_multi_region_projects(june):
    _, warehouse, _ = june
    pbf = rows(
        warehouse,
        "SELECT dimension, category, budget_usd, share_pct, projects "
        "FROM marts.budget_breakdown WHERE fund = 'PBF' AND budget_usd > 0",
    )
    assert pbf == [
        # "Mopti, Gao, Ménaka" 3 M: 1/3 to Mopti, 2/3 to Gao / Ménaka; counted once in each.
        # Shares of 4.5 M to 0.01 point, the hundredths lost by rounding down going to the
        # largest remainders (ties: the bulletin's order), so that each dimension adds to 100.
        ("region_group", "Gao / Ménaka", 2_000_000, 44.44, 1),  # 44.444...
        ("region_group", "Kidal", 1_200_000, 26.67, 1),  # 26.666...
        ("region_group", "Mopti", 1_000_000, 22.22, 1),  # 22.222...
        # The Secrétariat line (Bamako) adds budget and no project.
        ("region_group", "Bamako / Countrywide", 300_000, 6.67, 0),  # 6.666...
        ("window", "Phase I", 3_000_000, 66.67, 1),  # 66.666...
        ("window", "Phase II", 1_200_000, 26.67, 1),  # 26.666...
        ("window", "Secrétariat", 300_000, 6.66, 0),  # 6.666..., last in order: rounded down
    ]
    sums = rows(
        warehouse,
        "SELECT fund, dimension, sum(share_pct) FROM marts.budget_breakdown "
        "GROUP BY ALL ORDER BY ALL",
    )
    assert {round(share, 9) for _, _, share in sums} == {100.0}
    assert len(sums) == 6  # region_group for each fund + sector, objective, window


def test_dq_lists_rejected_rows_and_flags(june):
    _, warehouse, result = june
    rejected = rows(
        warehouse,
        "SELECT source_file, source_row, project_code, field, value FROM dq.rejected_rows "
        "WHERE as_of = DATE '2018-06-30' ORDER BY source_row",
    )
    assert rejected == [
        ("QIPs_Suivi_2018-06-30.xlsx", 7, "QIP/GAO/2018/003", "region", "Atlantis"),
        ("QIPs_Suivi_2018-06-30.xlsx", 9, "QIP/GAO/2018/005", "start_date", "31/06/2018"),
    ]
    flags = rows(warehouse, "SELECT source_row, project_code, rule FROM dq.rule_flags")
    assert flags == [(6, "QIP/GAO/2018/002", "budget_over_cap")]
    assert rows(warehouse, "SELECT count(*) FROM dq.rejected_files") == [(0,)]
    checks = check_results(result)
    assert checks[("dq/rejected_rows", "no_rejected_rows")] is False
    assert checks[("dq/rule_flags", "no_rule_flags")] is False
    assert checks[("dq/rejected_files", "no_rejected_files")] is True
    # PBF data of February feeds June: stale (a warning, the run still succeeds).
    assert checks[("snapshots/projects", "data_fresh")] is False
    assert checks[("snapshots/projects", "snapshot_schema_valid")] is True
    assert all(checks[(f"raw/{fund}", "rows_accounted_for")] for fund in ("qip", "tf", "pbf"))


def test_reconciliation_covers_every_published_figure(june):
    _, warehouse, result = june
    statuses = rows(
        warehouse,
        "SELECT figure, status, note FROM marts.reconciliation WHERE fund = 'QIP' "
        "AND figure LIKE 'share_pct:%' ORDER BY figure",
    )
    assert len(statuses) == 5
    assert all(note.startswith("pie-chart label lost") for _, _, note in statuses)
    # Every line of bulletin #41's file has its row, and for these tiny trackers none matches
    # the real bulletin: every one is listed by the check.
    printed = len(BULLETIN_41.read_text(encoding="utf-8").splitlines()) - 1  # minus the header
    assert rows(warehouse, "SELECT count(*) FROM marts.reconciliation") == [(printed,)]
    mismatched = rows(
        warehouse, "SELECT count(*) FROM marts.reconciliation WHERE status <> 'match'"
    )
    evaluation = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == "published_figures_match"
    )
    assert evaluation.passed is False
    assert evaluation.metadata["count"].value == mismatched[0][0] == printed


def test_revision_changes_exactly_the_revised_rows(tmp_path):
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "sr.duckdb"
    assert build(trackers, warehouse, "2018-05-01", "2018-06-01").success
    before = public_content(warehouse)
    write_qip_june_v2(trackers)
    assert build(trackers, warehouse, "2018-06-01").success
    after = public_content(warehouse)

    def projects(content, as_of):
        return {r[:-3] for r in content["snapshots.projects"] if str(r[0]) == as_of}

    removed = projects(before, "2018-06-30") - projects(after, "2018-06-30")
    added = projects(after, "2018-06-30") - projects(before, "2018-06-30")
    assert sorted((r[2], r[5]) for r in removed) == [
        ("QIP/GAO/2018/004", 25_000),
        ("QIP/GAO/2018/006", 10_000),
    ]
    assert sorted((r[2], r[5]) for r in added) == [("QIP/GAO/2018/004", 30_000)]
    lineage = rows(
        warehouse,
        "SELECT DISTINCT source_file FROM snapshots.projects "
        "WHERE fund = 'QIP' AND as_of = DATE '2018-06-30'",
    )
    assert lineage == [("QIPs_Suivi_2018-06-30_v2.xlsx",)]
    # May is untouched, and so is everything of the other funds.
    for table in before:
        assert [r for r in before[table] if "2018-05-31" in repr(r)] == [
            r for r in after[table] if "2018-05-31" in repr(r)
        ]
    assert figures(warehouse, "2018-06-30")[("QIP", "budget_usd")] == 25_000 + 60_000 + 30_000
    assert figures(warehouse, "2018-06-30")[("QIP", "projects_cancelled")] == 0


def test_refused_revision_falls_back_and_is_reported(tmp_path):
    trackers = write_small_trackers(tmp_path / "trackers")
    # The _v2 claims June in its name but May in its title cell: refused.
    qip_workbook(trackers, qip_rows_june(), name="QIPs_Suivi_2018-06-30_v2.xlsx",
                 title_date="31/05/2018")  # fmt: skip
    warehouse = tmp_path / "sr.duckdb"
    result = build(trackers, warehouse, "2018-06-01")
    assert result.success
    assert rows(
        warehouse, "SELECT DISTINCT source_file FROM snapshots.projects WHERE fund = 'QIP'"
    ) == [("QIPs_Suivi_2018-06-30.xlsx",)]
    refused = rows(warehouse, "SELECT source_file, fund, as_of::VARCHAR FROM dq.rejected_files")
    assert refused == [("QIPs_Suivi_2018-06-30_v2.xlsx", "QIP", "2018-06-30")]
    assert check_results(result)[("dq/rejected_files", "no_rejected_files")] is False


def test_a_revision_with_a_cell_too_far_falls_back_and_the_run_goes_on(tmp_path):
    """A value typed in XFD200000 would make the workbook parser ask for 105 GB and abort the
    run's process, every file with it: refused before it is parsed, the month falls back to
    the version before and says why, naming the sheet and the cell."""
    trackers = write_small_trackers(tmp_path / "trackers")
    far = b'<row r="200000"><c r="XFD200000"><v>1</v></c></row></sheetData>'
    replace_in_part(write_qip_june_v2(trackers), "xl/worksheets/sheet2.xml", b"</sheetData>", far)
    warehouse = tmp_path / "sr.duckdb"
    result = build(trackers, warehouse, "2018-06-01")
    assert result.success
    assert rows(
        warehouse, "SELECT DISTINCT source_file FROM snapshots.projects WHERE fund = 'QIP'"
    ) == [("QIPs_Suivi_2018-06-30.xlsx",)]
    # The first version's figure (the refused _v2 corrects project 4 to 30,000).
    assert figures(warehouse, "2018-06-30")[("QIP", "budget_usd")] == 25_000 + 60_000 + 25_000
    (refused,) = rows(warehouse, "SELECT source_file, problem FROM dq.rejected_files")
    assert refused[0] == "QIPs_Suivi_2018-06-30_v2.xlsx"
    assert refused[1].startswith(
        "QIPs_Suivi_2018-06-30_v2.xlsx: sheet 'Suivi QIPs': its cells reach XFD200000, "
    )


def test_backfill_is_one_run_parses_each_file_once_and_is_idempotent(tmp_path, monkeypatch):
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "sr.duckdb"
    reads: Counter[str] = Counter()
    real_read = assets_raw.read_tracker

    def counting_read(tracker):
        reads[tracker.name] += 1
        return real_read(tracker)

    monkeypatch.setattr(assets_raw, "read_tracker", counting_read)
    assert build(trackers, warehouse, "2013-07-01", "2018-12-01").success
    assert reads and set(reads.values()) == {1}
    first = public_content(warehouse)
    months = rows(warehouse, "SELECT min(as_of)::VARCHAR, max(as_of)::VARCHAR, count(DISTINCT "
                  "as_of) FROM snapshots.projects")  # fmt: skip
    assert months == [("2018-02-28", "2018-12-31", 11)]  # nothing before the first tracker

    reads.clear()
    assert build(trackers, warehouse, "2013-07-01", "2018-12-01").success
    assert reads == Counter()  # every version already in raw
    assert public_content(warehouse) == first


def test_schedule_builds_the_previous_month(tmp_path, monkeypatch):
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "sr.duckdb"
    monkeypatch.setenv("SR_TRACKERS_DIR", str(trackers))
    monkeypatch.setenv("SR_WAREHOUSE", str(warehouse))
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2018, 7, 5, 6))
    request = monthly_snapshot(context)
    assert request.partition_key == "2018-06-01"
    job = defs.resolve_job_def("build_months")
    result = job.execute_in_process(partition_key=request.partition_key, tags=request.tags)
    assert result.success
    assert figures(warehouse, "2018-06-30")[("QIP", "projects_total")] == 4


def test_sensor_requests_the_months_a_new_version_affects(tmp_path, monkeypatch):
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "sr.duckdb"
    monkeypatch.setenv("SR_TRACKERS_DIR", str(trackers))
    monkeypatch.setenv("SR_WAREHOUSE", str(warehouse))
    resources = {
        "trackers": TrackersFolder(path=str(trackers)),
        "warehouse": WarehouseResource(path=str(warehouse)),
    }

    first = dg.build_sensor_context(cursor=None, resources=resources)
    assert isinstance(tracker_folder_sensor(first), dg.SkipReason)  # takes stock
    cursor = first.cursor
    assert len(json.loads(cursor)["state"]) == 4

    quiet = dg.build_sensor_context(cursor=cursor, resources=resources)
    assert isinstance(tracker_folder_sensor(quiet), dg.SkipReason)

    # A corrected May file: it feeds May only (June has its own file).
    qip_workbook(trackers / "QIP", qip_rows_june()[:2], name="QIPs_Suivi_2018-05-31_v2.xlsx",
                 title_date="31/05/2018")  # fmt: skip
    tick = dg.build_sensor_context(cursor=cursor, resources=resources)
    requests = tracker_folder_sensor(tick)
    assert [r.partition_key for r in requests] == ["2018-05-01"]
    cursor = tick.cursor

    # A June revision feeds June and every month after (no newer QIP tracker).
    write_qip_june_v2(trackers)
    tick = dg.build_sensor_context(cursor=cursor, resources=resources)
    (request,) = tracker_folder_sensor(tick)
    assert request.tags[RANGE_START_TAG] == "2018-06-01"
    assert request.tags[RANGE_END_TAG] >= "2018-12-01"

    # The request runs as one single-run backfill of exactly those months.
    job = defs.resolve_job_def("build_months")
    tags = {**request.tags, RANGE_END_TAG: "2018-08-01"}  # keep the test short
    assert job.execute_in_process(tags=tags).success
    assert rows(
        warehouse,
        "SELECT as_of::VARCHAR, count(*) FROM snapshots.projects WHERE fund = 'QIP' "
        "GROUP BY ALL ORDER BY 1",
    ) == [("2018-06-30", 3), ("2018-07-31", 3), ("2018-08-31", 3)]


def test_dq_rejected_rows_carry_the_suggested_correction(tmp_path):
    """The data team sees the likely correction without opening the feedback workbook."""
    trackers = tmp_path / "trackers"
    qip_workbook(
        trackers,
        [
            qip_row(1, Région="Tombouctouu"),  # misspelt: the nearest gazetteer entry
            qip_row(2, **{"Date de clôture": "06/25/2018"}),  # month first: read day first
            qip_row(3, Budget="41 97O"),  # the letter O typed for a zero
            qip_row(4, Région="Atlantis"),  # nothing close: no suggestion
        ],
    )
    warehouse = tmp_path / "sr.duckdb"
    assert build(trackers, warehouse, "2018-06-01").success
    assert rows(
        warehouse,
        "SELECT source_row, field, value, suggestion FROM dq.rejected_rows ORDER BY source_row",
    ) == [
        (5, "region", "Tombouctouu", "Tombouctou"),
        (6, "end_date", "06/25/2018", "25/06/2018"),
        (7, "budget", "41 97O", "41970"),
        (8, "region", "Atlantis", None),
    ]
