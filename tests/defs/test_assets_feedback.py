"""Feedback workbooks through Dagster: written for every tracker version loaded, once.

Guards against feedback that never reaches the units (an asset that is not wired, or writes
to the wrong folder), feedback rewritten on every run, a deleted feedback file that is never
written again, and a data-quality mart that does not add up to what was read.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sr_pipeline.defs.assets_feedback import FEEDBACK
from tests.pipeline_helpers import build, rows, write_small_trackers

pytestmark = pytest.mark.slow


def test_feedback_for_each_version_loaded_and_data_quality(tmp_path: Path) -> None:
    trackers = write_small_trackers(tmp_path / "trackers")
    warehouse = tmp_path / "out" / "sr.duckdb"
    result = build(trackers, warehouse, "2018-06-01")
    assert result.success
    feedback = tmp_path / "out" / "feedback"

    quality = rows(
        warehouse,
        "SELECT fund, source_file, rows_read, rows_loaded, rows_rejected, rows_flagged, "
        "feedback_file FROM marts.data_quality ORDER BY fund, report_date",
    )
    # Every version loaded has its line and its feedback workbook; rows add up.
    assert [(q[0], q[1]) for q in quality] == [
        ("PBF", "PBF_Portefeuille_20180228.xlsx"),
        ("QIP", "QIPs_Suivi_2018-05-31.xlsx"),
        ("QIP", "QIPs_Suivi_2018-06-30.xlsx"),
        ("TF", "TF_Project_Tracker_Jun2018.xlsx"),
    ]
    for _, _, read, loaded, rejected, _, path in quality:
        assert read == loaded + rejected
        assert (tmp_path / "out" / path).is_file()
    june = next(q for q in quality if q[1] == "QIPs_Suivi_2018-06-30.xlsx")
    assert june[4:6] == (2, 1)  # unknown region + impossible date; one over the cap

    # The June QIP feedback is in French and points at the cells.
    book = openpyxl.load_workbook(feedback / "QIP" / "QIPs_Suivi_2018-06-30_feedback.xlsx")
    assert book.sheetnames[0] == "À corriger"
    sheet = book["Suivi QIPs"]
    comment = sheet["C7"].comment  # row 7: "Atlantis" in the Région column
    assert comment is not None and "Atlantis" in comment.text
    # The metadata shows the workbooks in the UI.
    materialization = result.asset_materializations_for_node("dq__feedback_workbooks")[0]
    assert materialization.asset_key == FEEDBACK
    assert materialization.metadata["workbooks_written"].value == 4

    # A second run writes nothing new; a deleted workbook is written again.
    again = build(trackers, warehouse, "2018-06-01")
    assert (
        again.asset_materializations_for_node("dq__feedback_workbooks")[0]
        .metadata["workbooks_written"]
        .value
        == 0
    )
    (feedback / "QIP" / "QIPs_Suivi_2018-06-30_feedback.xlsx").unlink()
    third = build(trackers, warehouse, "2018-06-01")
    assert (
        third.asset_materializations_for_node("dq__feedback_workbooks")[0]
        .metadata["workbooks_written"]
        .value
        == 1
    )
    assert (feedback / "QIP" / "QIPs_Suivi_2018-06-30_feedback.xlsx").is_file()
