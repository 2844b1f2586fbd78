"""The small reads other steps make of the raw layer and the warehouse's bookkeeping, on
hand-written versions.

Guards against: one version's rows copied, counted or checked as another's (a suggested code
that is in fact taken, an as-published rebuild holding every version's rows); a refused
version taken for an accepted one by the sensor or in the counts; the layout check comparing
views' columns (a view is redefined at each start, never "outdated").
"""

from __future__ import annotations

from datetime import date

from sr_pipeline.warehouse.schema import LAYERS
from sr_pipeline.warehouse.sql import frame, run
from tests.sql.warehouse_rows import Warehouse

MAY, JUNE = date(2018, 5, 31), date(2018, 6, 30)


def two_versions() -> tuple[Warehouse, str, str, str]:
    """QIP May (two projects), QIP June (one), TF June refused."""
    w = Warehouse()
    may, june = w.version("QIP", MAY), w.version("QIP", JUNE)
    refused = w.version("TF", JUNE, refused="damaged")
    w.project(may, "QIP", "QIP/GAO/2018/001")
    w.project(may, "QIP", "QIP/GAO/2018/002")
    w.project(june, "QIP", "QIP/GAO/2018/003")
    return w, may, june, refused


def test_one_versions_codes_and_rows_are_its_own() -> None:
    w, may, june, _ = two_versions()
    codes = frame(w.con, "raw/select_project_codes", {"sha256": may})["project_code"]
    assert sorted(codes) == ["QIP/GAO/2018/001", "QIP/GAO/2018/002"]
    rows = frame(w.con, "raw/select_version_rows", {"table": "raw.qip_projects", "sha256": june})
    assert rows["project_code"].tolist() == ["QIP/GAO/2018/003"]


def test_refused_versions_are_told_apart_from_accepted_ones() -> None:
    w, may, june, refused = two_versions()
    assert [r[0] for r in run(w.con, "raw/select_refused_versions").fetchall()] == [refused]
    counts = frame(w.con, "core/select_counts")
    assert counts.to_dict("records") == [{"versions": 2, "project_rows": 3}]
    w.build(JUNE)
    w.con.execute("DELETE FROM marts.data_quality")
    run(w.con, "marts/insert_data_quality")
    quality = frame(w.con, "dq/select_data_quality")
    assert sorted(zip(quality["source_file"], quality["refused"].tolist(), strict=True)) == [
        ("QIPs_Suivi_2018-05-31.xlsx", False),
        ("QIPs_Suivi_2018-06-30.xlsx", False),
        ("TF_Project_Tracker_Jun2018.xlsx", True),
    ]


def test_the_layout_check_reads_tables_only_never_views() -> None:
    w = Warehouse()
    columns = run(w.con, "core/select_table_columns", {"schemas": list(LAYERS)}).fetchall()
    tables = {(schema, table) for schema, table, _, _ in columns}
    assert ("core", "version_spans") not in tables and ("core", "projects") not in tables
    assert ("raw", "tracker_files") in tables and ("marts", "bulletin_figures") in tables
    assert {schema for schema, _ in tables} == set(LAYERS)
