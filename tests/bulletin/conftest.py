"""Months built once for the printed-bulletin tests (package scope: the editions' and the
sending's tests read the same two builds)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests import DEMO_TRACKERS, ROOT
from tests.builders import big_qip_workbook, contribution_row, tf_row, tf_workbook
from tests.pipeline_helpers import build, write_small_trackers

EDITORIAL = ROOT / "sources" / "editorial"
QUIET_MAIL = ("SR_SMTP_HOST", "SR_SMTP_PORT", "SR_BULLETIN_TO", "SR_SMTP_USER")


def _built(
    base: Path, trackers: Path, editorial: Path, first: str, last: str | None = None
) -> Path:
    warehouse = base / "warehouse" / "sr.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SR_EDITORIAL_DIR", str(editorial))
        for variable in QUIET_MAIL:
            env.delenv(variable, raising=False)
        assert build(trackers, warehouse, first, last).success
    return warehouse


@pytest.fixture(scope="package")
def demo_month(tmp_path_factory) -> Path:
    """June 2018 from the shipped demo trackers, with the shipped June highlights."""
    base = tmp_path_factory.mktemp("printed-demo")
    trackers = Path(shutil.copytree(DEMO_TRACKERS, base / "trackers"))
    return _built(base, trackers, EDITORIAL, "2018-06-01")


@pytest.fixture(scope="package")
def small_months(tmp_path_factory) -> Path:
    """Held-out trackers (tests/pipeline_helpers.py, never the demo's): May and June 2018 as
    one run, and no highlights for them."""
    base = tmp_path_factory.mktemp("printed-small")
    trackers = write_small_trackers(base / "trackers")
    editorial = base / "editorial"
    editorial.mkdir()
    return _built(base, trackers, editorial, "2018-05-01", "2018-06-01")


# Twenty-four donors, some under names the French table does not know (printed as given).
MANY_DONORS = (
    "Australia", "Austria", "Belgium", "Canada", "Denmark", "Estonia", "Finland", "France",
    "Germany", "Ireland", "Italy", "Japan", "Republic of Korea", "Luxembourg",
    "the Netherlands", "Norway", "Spain", "Sweden", "Switzerland", "Turkey",
    "the United Kingdom", "the United States", "European Union", "UN DOCO",
)  # fmt: skip


@pytest.fixture(scope="package")
def large_month(tmp_path_factory) -> Path:
    """Held-out trackers unlike the demo's: 2,600 QIPs (counts over a thousand), a Trust
    Fund with twenty-four donors (the longest Main Figures box), no PBF tracker at all."""
    base = tmp_path_factory.mktemp("printed-large")
    trackers = base / "trackers"
    big_qip_workbook(trackers / "QIP" / "QIPs_Suivi_2018-06-30.xlsx", 2_600, seed=7)
    tf_workbook(
        trackers / "TF",
        [tf_row(n, Objective=1 + n % 5, Region=("Kidal", "Gao", "Mopti")[n % 3])
         for n in range(1, 40)],
        contributions=[
            contribution_row(Donor=donor, Amount=250_000 + 1_000 * i, Currency="USD",
                             **{"Date received": date(2017, 1, 1 + i)})
            for i, donor in enumerate(MANY_DONORS)
        ],
    )  # fmt: skip
    editorial = base / "editorial"
    editorial.mkdir()
    return _built(base, trackers, editorial, "2018-06-01")
