"""A small, hand-checkable set of tracker workbooks, and ways to run the pipeline on it.

Used by the warehouse and Dagster tests. The numbers are small enough to check by hand:

- QIP 2018-05-31: projects 1-2 and an unknown region (rejected).
- QIP 2018-06-30: projects 1-2, 4 (ongoing), 6 (cancelled), project 2 over the 50,000 USD cap
  (flagged, still counted), an unknown region and an impossible date (both rejected).
- TF Jun2018: three projects (objectives 3, 5, 5; one cancelled) and two contributions, one
  received after the report date (not in the budget).
- PBF 20180228: Phase I over "Mopti, Gao, Ménaka" (3 M), Phase II in Kidal (1.2 M), and the
  Secrétariat line (0.3 M: budget, not a project).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sr_pipeline.definitions import ASSETS
from sr_pipeline.defs.partitions import RANGE_END_TAG, RANGE_START_TAG
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.warehouse.digests import (
    PUBLIC_TABLES,  # every public table, the project's own list
)
from sr_pipeline.warehouse.publishing import Warehouse
from tests import ROOT
from tests.builders import (
    contribution_row,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_workbook,
    tf_row,
    tf_workbook,
)


def qip_rows_june() -> list[dict]:
    return [
        qip_row(1),
        qip_row(2, **{"Région": "Kidal", "Budget": 60_000}),
        qip_row(3, **{"Région": "Atlantis"}),
        qip_row(4, **{"Statut": "En cours", "Date de clôture": "", "Secteur": "Santé"}),
        qip_row(5, **{"Date de démarrage": "31/06/2018"}),
        qip_row(6, **{"Statut": "Annulé", "Budget": 10_000}),
    ]


def write_small_trackers(folder: Path) -> Path:
    qip_workbook(
        folder / "QIP" / "2018",
        [qip_row(1), qip_row(2, **{"Région": "Kidal"}), qip_row(3, **{"Région": "Atlantis"})],
        name="QIPs_Suivi_2018-05-31.xlsx",
        title_date="31/05/2018",
    )
    qip_workbook(folder / "QIP" / "2018", qip_rows_june())
    tf_workbook(
        folder / "TF",
        [
            tf_row(1),
            tf_row(2, Objective=5, Status="Completed", **{"End Date": date(2018, 5, 1)}),
            tf_row(3, Objective="Obj. 5", Status="Cancelled", **{"Approved Budget": 99_000}),
        ],
        contributions=[
            contribution_row(**{"Amount": 1_000_000, "USD equivalent": 1_150_000}),
            contribution_row(**{"Date received": date(2018, 7, 15), "USD equivalent": 500_000}),
        ],
    )
    pbf_workbook(
        folder,
        [
            pbf_row(1),
            pbf_row(
                2,
                **{
                    "Fenêtre": "Phase II",
                    "Régions": "Kidal",
                    "Budget total (USD)": 1_200_000,
                    "Statut": "En cours",
                    "Date de fin": "",
                },
            ),  # fmt: skip
            pbf_row(
                3,
                **{
                    "Fenêtre": "Secrétariat",
                    "Régions": "Bamako",
                    "Budget total (USD)": 300_000,
                    "Statut": "En cours",
                    "Date de fin": "",
                },
            ),  # fmt: skip
        ],
    )
    return folder


def write_qip_june_v2(folder: Path) -> Path:
    """The QIPs unit re-sends June: project 4's budget corrected, cancelled project 6 gone."""
    rows = qip_rows_june()
    rows[3]["Budget"] = 30_000
    del rows[5]
    return qip_workbook(folder / "QIP" / "2018", rows, name="QIPs_Suivi_2018-06-30_v2.xlsx")


def resources(trackers: Path, warehouse: Path | Warehouse) -> dict:
    """The run's resources: a warehouse file, or a lake (a ``Warehouse`` with ``lake``)."""
    if isinstance(warehouse, Warehouse) and warehouse.lake is not None:
        target = WarehouseResource(path=warehouse.lake.catalog,
                                   lake_data=warehouse.lake.data_path,
                                   work_dir=str(warehouse.folder))  # fmt: skip
    else:
        published = warehouse.published if isinstance(warehouse, Warehouse) else warehouse
        target = WarehouseResource(path=str(published))
    return {"trackers": TrackersFolder(path=str(trackers)), "warehouse": target}


def build(
    trackers: Path, warehouse: Path | Warehouse, first: str, last: str | None = None, **options
) -> dg.ExecuteInProcessResult:
    """Materialize every asset for one month (or a range, as one run) through Dagster."""
    if last is None or last == first:
        return dg.materialize(
            ASSETS, partition_key=first, resources=resources(trackers, warehouse), **options
        )
    return dg.materialize(
        ASSETS,
        tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
        resources=resources(trackers, warehouse),
        **options,
    )


def rows(warehouse: Path | Warehouse, sql: str, params: list | None = None) -> list[tuple]:
    """What an analyst's query returns from a published file, or from a lake."""
    if isinstance(warehouse, Warehouse):
        with warehouse.read_published() as con:
            return con.execute(sql, params or []).fetchall()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def figures(warehouse: Path, as_of: str) -> dict[tuple[str, str], float]:
    found = rows(
        warehouse,
        "SELECT fund, figure, value FROM marts.bulletin_figures WHERE as_of = ?",
        [as_of],
    )
    return {(fund, figure): value for fund, figure, value in found}


def public_content(warehouse: Path | Warehouse) -> dict[str, list[tuple]]:
    """Every public table, sorted: what an analyst can see."""
    return {table: sorted(rows(warehouse, f"SELECT * FROM {table}"), key=repr)  # noqa: S608
            for table in PUBLIC_TABLES}  # fmt: skip


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def child_env(trackers: Path, warehouse: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(SR_TRACKERS_DIR=str(trackers), SR_WAREHOUSE=str(warehouse))
    env.pop("DAGSTER_HOME", None)
    return env


DG = Path(sys.executable).parent / "dg"


def dg_launch(
    trackers: Path, warehouse: Path, home: Path, *args: str, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess:
    """The documented month command, ``dg launch --assets '*' ARGS``, in a child process as a
    user runs it (its own Dagster home, telemetry off, extra ``env`` such as SR_ACCEPT)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    variables = {
        **os.environ, "DAGSTER_HOME": str(home), "VIRTUAL_ENV": str(Path(sys.prefix)),
        "SR_TRACKERS_DIR": str(trackers), "SR_WAREHOUSE": str(warehouse), **env,
    }  # fmt: skip
    return subprocess.run(
        [str(DG), "launch", "--assets", "*", *args],
        cwd=ROOT, env=variables, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


QUIET_MAIL = ("SR_SMTP_HOST", "SR_SMTP_PORT", "SR_BULLETIN_TO", "SR_SMTP_USER")


def built_month(
    base: Path, trackers: Path, editorial: Path, first: str, last: str | None = None
) -> Path:
    """``first`` (to ``last``) built from ``trackers`` with the highlights of ``editorial`` and no
    mail server: the published file (under ``base/warehouse/``)."""
    warehouse = base / "warehouse" / "sr.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SR_EDITORIAL_DIR", str(editorial))
        for variable in QUIET_MAIL:
            env.delenv(variable, raising=False)
        assert build(trackers, warehouse, first, last).success
    return warehouse
