"""The dq step's warning in the Dagster UI when a tracker is refused, through one month build.

Guards against: a refused file visible only to someone who opens ``dq.rejected_files``
(the data team looks at the UI: the refusal must be a check that warns), a refusal that
fails the run (the month still builds from the version before), and a warning that never
clears (the check passes when nothing is refused, tests/defs/test_pipeline.py).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from tests.builders import qip_row, qip_workbook
from tests.pipeline_helpers import build, rows

pytestmark = pytest.mark.slow

UNRECOGNISED = (
    "notes.xlsx: unrecognised workbook name; tracker names are QIPs_Suivi_<YYYY-MM-DD>.xlsx, "
    "TF_Project_Tracker_<Mon><YYYY>.xlsx or PBF_Portefeuille_<YYYYMMDD>.xlsx (optionally _v2, "
    "_rev or _corrigé)"
)
TITLE_MISMATCH = (
    "QIPs_Suivi_2018-06-30_v2.xlsx: sheet 'Suivi QIPs': the title says 'Projets à Impact "
    "Rapide (QIPs) – Situation au 31/05/2018' (31/05/2018) but the file name says 30/06/2018; "
    "correct one of them"
)


def test_a_refused_file_is_a_warning_on_dq_rejected_files(tmp_path: Path) -> None:
    trackers = tmp_path / "trackers"
    qip_workbook(trackers, [qip_row(1), qip_row(2)])
    # The June correction says May in its title: refused, June falls back to the first file.
    qip_workbook(trackers, [qip_row(1)], name="QIPs_Suivi_2018-06-30_v2.xlsx",
                 title_date="31/05/2018")  # fmt: skip
    (trackers / "notes.xlsx").write_bytes(b"PK")  # no fund can be told from its name
    warehouse = tmp_path / "sr.duckdb"

    result = build(trackers, warehouse, "2018-06-01")

    assert result.success  # a refusal never fails the run
    (evaluation,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey(["dq", "rejected_files"])
    ]
    assert (evaluation.check_name, evaluation.passed, evaluation.severity) == (
        "no_rejected_files",
        False,
        dg.AssetCheckSeverity.WARN,
    )
    assert evaluation.description == "2 refused files"
    assert evaluation.metadata["count"].value == 2
    assert rows(warehouse, "SELECT source_file, fund, problem FROM dq.rejected_files") == [
        ("QIPs_Suivi_2018-06-30_v2.xlsx", "QIP", TITLE_MISMATCH),
        ("notes.xlsx", None, UNRECOGNISED),
    ]
    assert rows(warehouse, "SELECT DISTINCT source_file FROM snapshots.projects") == [
        ("QIPs_Suivi_2018-06-30.xlsx",)
    ]
    assert rows(
        warehouse, "SELECT source_file, status, refused FROM marts.data_quality ORDER BY ALL"
    ) == [
        ("QIPs_Suivi_2018-06-30.xlsx", "loaded", None),
        ("QIPs_Suivi_2018-06-30_v2.xlsx", "refused", TITLE_MISMATCH),
    ]
