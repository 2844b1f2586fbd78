"""Builders every test module may share: a month built once per session.

"Write small trackers, build June" was written in several modules; these fixtures build each
kind of month once (session scope) through the real pipeline (``dg.materialize`` of every
asset into a real DuckDB file), and the documented command in a child process is
``tests.pipeline_helpers.dg_launch``. A test that changes what it is given builds its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import DEMO_TRACKERS, ROOT
from tests.pipeline_helpers import built_month, write_small_trackers

EDITORIAL = ROOT / "sources" / "editorial"


@pytest.fixture(scope="session")
def demo_month(tmp_path_factory) -> Path:
    """June 2018 from the shipped demo trackers, with the shipped June highlights."""
    base = tmp_path_factory.mktemp("printed-demo")
    trackers = Path(shutil.copytree(DEMO_TRACKERS, base / "trackers"))
    return built_month(base, trackers, EDITORIAL, "2018-06-01")


@pytest.fixture(scope="session")
def small_months(tmp_path_factory) -> Path:
    """Held-out trackers (tests/pipeline_helpers.py, never the demo's): May and June 2018 as
    one run, and no highlights for them."""
    base = tmp_path_factory.mktemp("printed-small")
    trackers = write_small_trackers(base / "trackers")
    editorial = base / "editorial"
    editorial.mkdir()
    return built_month(base, trackers, editorial, "2018-05-01", "2018-06-01")
