"""The project is a `dg` project: `dg check defs` loads every definition (assets, checks,
jobs, the schedule, both sensors, resources) the way `dg dev` and `dg launch` will.

The mess it guards against: a definitions module that imports in a test (which imports
pieces) but not as the code location Dagster loads, or a pyproject `[tool.dg]` section that
no longer points at it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import ROOT as PROJECT_ROOT

DG = Path(sys.executable).parent / "dg"


def test_dg_check_defs(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "VIRTUAL_ENV": str(Path(sys.prefix))}
    done = subprocess.run(
        [str(DG), "check", "defs"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully." in done.stdout + done.stderr
