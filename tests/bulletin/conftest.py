"""The large month of the printed-bulletin tests (the demo month and the small months are
shared by every test: ``tests/conftest.py``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.builders import big_qip_workbook, contribution_row, tf_row, tf_workbook
from tests.pipeline_helpers import built_month

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
    return built_month(base, trackers, editorial, "2018-06-01")
