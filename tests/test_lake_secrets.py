"""The lake's password and whereabouts stay out of what others read.

The mess it guards against: an operator who writes the catalog's password into
``SR_WAREHOUSE`` in one of the forms libpq accepts (``password = s3cret``,
``password='a b c'``, ``postgresql://sr:s3cret@host/db``), where the old label kept it and
DuckDB's error repeated it; a catalog that is down at night, whose connection error lands in the
run's event log (read by every viewer) and in the alert email's subject; a bulletin footer, a
``marts.publications`` row or run metadata that tell the world the catalog's host and user.
"""

from __future__ import annotations

import os

import duckdb
import pytest

from sr_pipeline.defs.alerts import compose, describe_failure
from sr_pipeline.warehouse.lake import Lake, LakeSettingError, redact
from sr_pipeline.warehouse.publishing import configured
from tests.mail_helpers import free_port
from tests.pipeline_helpers import build, write_small_trackers

pytestmark = pytest.mark.slow

SECRET = "s3cret-Zq7"


@pytest.mark.parametrize(
    "catalog",
    [
        f"ducklake:postgres:dbname=sr_lake host=lakehost password={SECRET}",
        f"ducklake:postgres:dbname=sr_lake password = {SECRET}",
        f"ducklake:postgres:dbname=sr_lake password='{SECRET} a b c'",
        f"ducklake:postgres:postgresql://sr:{SECRET}@lakehost/sr_lake",
        f"ducklake:postgres:postgresql://lakehost/sr_lake?password={SECRET}",
    ],
)
def test_a_password_in_the_setting_is_refused_without_repeating_it(catalog, monkeypatch):
    monkeypatch.setenv("SR_WAREHOUSE", catalog)
    monkeypatch.setenv("SR_LAKE_DATA", "/srv/sr-lake")
    with pytest.raises(LakeSettingError) as refused:
        configured()
    assert "holds a password" in str(refused.value)
    assert "PGPASSFILE" in str(refused.value) and "PGPASSWORD" in str(refused.value)
    assert SECRET not in str(refused.value)


@pytest.mark.parametrize(
    "catalog",
    [
        "ducklake:postgres:dbname=sr_lake host=lakehost.mission.example user=sr_pipeline",
        "ducklake:postgres:host = lakehost.mission.example  dbname = 'sr_lake' user=sr_pipeline",
        "ducklake:postgres:postgresql://sr_pipeline@lakehost.mission.example:5432/sr_lake",
    ],
)
def test_the_public_label_names_the_database_alone(catalog):
    label = Lake(catalog, "/srv/sr-lake").label
    assert label == "ducklake:postgres:dbname=sr_lake"


def test_redact_takes_out_every_form_of_password(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", SECRET)
    text = (
        f'Unable to connect to Postgres at "dbname=x password = {SECRET}": '
        f"password='{SECRET} b' postgresql://sr:{SECRET}@h/db and {SECRET} alone"
    )
    assert SECRET not in redact(text)
    assert "dbname=x" in redact(text)


def test_a_catalog_that_is_down_leaks_no_password(tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", SECRET)
    port = free_port()  # nothing listens there: the catalog is down
    catalog = f"ducklake:postgres:dbname=sr_lake host=127.0.0.1 port={port} user=sr_pipeline"
    lake = Lake(catalog, str(tmp_path / "data"))
    with pytest.raises(duckdb.Error) as down:
        lake.attach(duckdb.connect())
    assert str(port) in str(down.value)  # the operator still learns where it failed

    from sr_pipeline.warehouse.publishing import Warehouse

    target = Warehouse(lake=lake, folder=tmp_path / "work")
    trackers = write_small_trackers(tmp_path / "trackers")
    result = build(trackers, target, "2018-06-01", raise_on_error=False)
    assert not result.success
    # Everything the run recorded (what viewers read in the UI) ...
    logged = "\n".join(repr(event) for event in result.all_events)
    assert "Unable to connect" in logged or "connection" in logged.lower()
    assert SECRET not in logged
    # ... and the alert the data team gets.
    alert = compose(
        describe_failure(
            result.dagster_run,
            result.get_run_failure_event(),
            result.get_step_failure_events(),
        ),
        "sr-pipeline@mission.example",
        ["sr-data-team@mission.example"],
        "",
    )
    assert "Unable to connect" in alert["Subject"], alert["Subject"]
    assert SECRET not in alert["Subject"] and SECRET not in alert.get_content()
    assert os.environ["PGPASSWORD"] == SECRET  # it really was there to leak
