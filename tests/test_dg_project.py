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

import pytest

from tests import ROOT as PROJECT_ROOT

pytestmark = pytest.mark.slow

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


def test_the_documented_range_command_builds_every_month_in_one_run(tmp_path):
    """README: `dg launch --assets '*' --partition-range A...B` (the CLI refuses a range when
    any selected asset, partitioned or not, lacks a single-run backfill policy)."""
    from tests.pipeline_helpers import write_small_trackers

    trackers = write_small_trackers(tmp_path / "trackers")
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    published = tmp_path / "warehouse" / "sr.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "VIRTUAL_ENV": str(Path(sys.prefix)),
           "SR_TRACKERS_DIR": str(trackers), "SR_WAREHOUSE": str(published)}  # fmt: skip
    done = subprocess.run(
        [str(DG), "launch", "--assets", "*", "--partition-range", "2018-05-01...2018-06-01"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.count("RUN_SUCCESS") == 1
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        months = con.execute("SELECT DISTINCT as_of FROM marts.bulletin_figures ORDER BY 1")
        assert [str(m) for (m,) in months.fetchall()] == ["2018-05-31", "2018-06-30"]
