"""The raw step's guard that nothing read from a tracker disappears.

Guards against: a reader change that drops a data row without rejecting it (a row that is
neither loaded nor listed in ``dq.rejected_rows`` would vanish from every figure unseen). The
raw step compares, for each version it read, the rows read with the rows loaded plus the
rows rejected, and a version that does not add up is not loaded (its check fails, ERROR).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sr_pipeline.defs.assets_raw import unaccounted
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests.builders import qip_row, qip_workbook

pytestmark = pytest.mark.slow


def test_a_version_that_would_lose_a_row_is_caught(tmp_path: Path) -> None:
    # Three rows read: two loaded, one rejected (unknown region). Then one loaded row lost.
    path = qip_workbook(tmp_path, [qip_row(1), qip_row(2, Région="Atlantis"), qip_row(3)])
    result = read_tracker(recognise(path))
    assert (result.rows_read, len(result.tables["projects"])) == (3, 2)
    assert unaccounted([result]).empty  # 3 read = 2 loaded + 1 rejected
    result.tables["projects"] = result.tables["projects"].iloc[:1]
    lost = unaccounted([result])
    assert lost[["source_file", "rows_read", "rows_loaded", "rows_rejected"]].values.tolist() == [
        ["QIPs_Suivi_2018-06-30.xlsx", 3, 1, 1]
    ]
