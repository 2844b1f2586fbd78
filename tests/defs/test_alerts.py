"""The run-failure alert, composed from a real failed run on an ephemeral Dagster instance and
sent to a local SMTP server.

The mess it guards against: an alert that says "a run failed" and nothing else (the data team
must then open the UI to learn which month and what broke), the real cause hidden under
Dagster's wrapper ("Error occurred while executing op ..."), a multi-line error that makes an
unreadable subject, a range run (backfill) whose month is in other tags than a one-month
run's, and a clone without a mail server where the sensor must not crash.
"""

from __future__ import annotations

import dagster as dg
import pytest

from sr_pipeline.defs.alerts import AlertMail, describe_failure, run_failure_alert, run_month
from sr_pipeline.defs.partitions import (
    PARTITION_TAG,
    RANGE_END_TAG,
    RANGE_START_TAG,
    monthly_partitions,
)
from tests.mail_helpers import local_smtp

pytestmark = pytest.mark.slow

ERROR = "Cannot open the work database: not a DuckDB file\nTraceback details on the next line"


@dg.asset(partitions_def=monthly_partitions)
def readable_step() -> None:
    """Succeeds: the alert must name the step that failed, not the first one."""


@dg.asset(partitions_def=monthly_partitions, deps=[readable_step])
def failing_step() -> None:
    raise OSError(ERROR)


@pytest.fixture(scope="module")
def failed_run():
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [readable_step, failing_step],
            partition_key="2018-05-01",
            instance=instance,
            raise_on_error=False,
        )
        assert not result.success
        yield instance, result


def sensor_context(instance, result, alert_mail: AlertMail) -> dg.RunFailureSensorContext:
    return dg.build_run_status_sensor_context(
        sensor_name=run_failure_alert.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
        resources={"alert_mail": alert_mail},
    ).for_run_failure()


def test_alert_names_month_step_and_first_error_line(failed_run):
    instance, result = failed_run
    context = sensor_context(instance, result, AlertMail())
    failed = describe_failure(
        context.dagster_run, context.failure_event, list(context.get_step_failure_events())
    )
    assert failed.month == "2018-05"
    assert failed.step == "failing_step"
    # The asset's own exception, first line only, not Dagster's wrapper around it.
    assert failed.error == "OSError: Cannot open the work database: not a DuckDB file"
    assert failed.job_name == result.dagster_run.job_name
    assert (failed.will_retry, failed.attempt) == (False, 1)


def test_sensor_emails_the_data_team(failed_run):
    instance, result = failed_run
    with local_smtp() as mailbox:
        mail = AlertMail(
            host="127.0.0.1",
            port=mailbox.port,
            sender="sr-pipeline@mission.example",
            recipients="data-team@mission.example, chief@mission.example",
            ui_url="https://sr.mission.example/",
        )
        run_failure_alert(sensor_context(instance, result, mail))
        message = mailbox.wait_for(lambda m: True, timeout=10)
    assert message is not None
    assert message["To"] == "data-team@mission.example, chief@mission.example"
    assert message["Subject"] == (
        "[sr-pipeline] Run failed: month 2018-05, step failing_step: "
        "OSError: Cannot open the work database: not a DuckDB file"
    )
    body = message.get_content()
    assert "Month:       2018-05" in body
    assert "Failing step: failing_step" in body
    assert f"https://sr.mission.example/runs/{result.run_id}" in body
    assert "Traceback details" not in body  # the first line only


def test_without_smtp_host_the_alert_is_only_logged(failed_run, monkeypatch):
    instance, result = failed_run
    monkeypatch.delenv("SR_SMTP_HOST", raising=False)
    context = sensor_context(instance, result, AlertMail(recipients="data-team@mission.example"))
    failed = describe_failure(
        context.dagster_run, context.failure_event, list(context.get_step_failure_events())
    )
    assert AlertMail(recipients="data-team@mission.example").send(failed, context.log) is False


@pytest.mark.parametrize(
    ("tags", "month"),
    [
        ({PARTITION_TAG: "2018-06-01"}, "2018-06"),  # one month: the schedule, the UI
        # A range run (the sensor over several months, a single-run backfill).
        ({RANGE_START_TAG: "2018-04-01", RANGE_END_TAG: "2018-06-01"}, "2018-04 … 2018-06"),
        ({RANGE_START_TAG: "2018-04-01", RANGE_END_TAG: "2018-04-01"}, "2018-04"),
        ({}, "no month"),  # an unpartitioned asset materialized on its own
    ],
)
def test_month_of_a_run(tags, month):
    assert run_month(tags) == month
