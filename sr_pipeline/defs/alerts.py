"""Alerts: a failed run emails the data team, naming the month, the failing step and the first
line of the error, so whoever reads it knows what to look at before opening the UI.

Dagster's run-failure sensor watches every run of the code location (the schedule's, the
sensor's and anyone's launch from the UI); the daemon evaluates it, so it works only where
``dagster-daemon`` runs (``make serve``, the systemd units), not in a plain ``dg launch``.

SMTP settings and how the connection is secured: ``sr_pipeline.mail`` (shared with the
bulletin's sending); the alert's own are ``SR_ALERT_FROM``, ``SR_ALERT_TO`` and
``SR_UI_PUBLIC_URL``. Without ``SR_SMTP_HOST`` the alert is logged on the sensor's tick and no
mail is sent: a clone without a mail server still works.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from email.message import EmailMessage

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from sr_pipeline.defs.partitions import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG

SUBJECT_PREFIX = "[sr-pipeline]"
# Dagster sets this tag on a failed run that run retries will launch again.
WILL_RETRY_TAG = "dagster/will_retry"
RETRY_NUMBER_TAG = "dagster/retry_number"


@dataclass(frozen=True)
class FailedRun:
    """What the data team needs to know about a failed run."""

    run_id: str
    job_name: str
    month: str  # "2018-05", "2018-04 … 2018-06", or "no month"
    step: str | None  # the first step that failed; None when the run failed outside a step
    error: str  # the first line of the error
    will_retry: bool
    attempt: int  # 1 for the first run, 2 for its first retry, ...


def run_month(tags: dict[str, str]) -> str:
    """The month(s) a run builds, from the tags Dagster puts on partitioned runs."""

    def month(key: str) -> str:
        return key[:7]  # partition keys are the first day of the month: 2018-05-01

    if RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        start, end = month(tags[RANGE_START_TAG]), month(tags[RANGE_END_TAG])
        return start if start == end else f"{start} … {end}"
    if PARTITION_TAG in tags:
        return month(tags[PARTITION_TAG])
    return "no month"


def first_line(error: SerializableErrorInfo | None, fallback: str) -> str:
    """The first line of the innermost error: Dagster wraps the exception an asset raised
    ("Error occurred while executing op ..."), and the wrapped one is what tells what broke."""
    while error is not None and error.cause is not None:
        error = error.cause
    text = error.message if error is not None else fallback
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else "(no error message)"


def describe_failure(
    run: dg.DagsterRun, failure_event: dg.DagsterEvent, step_failures: list[dg.DagsterEvent]
) -> FailedRun:
    tags = dict(run.tags)
    if step_failures:
        first = step_failures[0]
        step = first.step_key
        error = first.step_failure_data.error if first.step_failure_data else None
        message = first.message or ""
    else:
        step = None
        data = failure_event.event_specific_data
        error = getattr(data, "error", None)
        message = failure_event.message or ""
    return FailedRun(
        run_id=run.run_id,
        job_name=run.job_name,
        month=run_month(tags),
        step=step,
        error=first_line(error, message),
        will_retry=tags.get(WILL_RETRY_TAG) == "true",
        attempt=int(tags.get(RETRY_NUMBER_TAG, "0")) + 1,
    )


def compose(failed: FailedRun, sender: str, recipients: list[str], ui_url: str) -> EmailMessage:
    """The alert: subject and first lines say month, step and error; then where to look."""
    step = failed.step or "the run itself (no step failed)"
    message = EmailMessage()
    message["Subject"] = (
        f"{SUBJECT_PREFIX} Run failed: month {failed.month}, step {step}: {failed.error}"
    )[:300]
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    link = f"{ui_url.rstrip('/')}/runs/{failed.run_id}" if ui_url else f"run {failed.run_id}"
    retry = (
        "Dagster will retry it automatically (it died rather than failed in a step)."
        if failed.will_retry
        else "It will not be retried automatically: fix the cause, then re-execute it from the UI."
    )
    message.set_content(
        "\n".join(
            [
                "A run of the S&R pipeline failed.",
                "",
                f"Month:       {failed.month}",
                f"Failing step: {step}",
                f"Error:       {failed.error}",
                "",
                f"Job:         {failed.job_name} (attempt {failed.attempt})",
                f"Run:         {link}",
                "",
                retry,
                "The warehouse analysts open still shows the last successful build.",
            ]
        )
    )
    return message


class AlertMail(dg.ConfigurableResource):
    """Where run-failure alerts go. Empty fields are read from the environment."""

    host: str = ""  # SR_SMTP_HOST; none: alerts are only logged
    port: int = 0  # SR_SMTP_PORT; default 587 (starttls), 465 (implicit) or 25 (none)
    tls: str = ""  # SR_SMTP_TLS: starttls, implicit or none (default none)
    starttls: str = ""  # SR_SMTP_STARTTLS: "true" is SR_SMTP_TLS=starttls (older setting)
    ca_file: str = ""  # SR_SMTP_CA_FILE: the authorities to trust instead of the system's
    user: str = ""  # SR_SMTP_USER; its password only from SR_SMTP_PASSWORD
    sender: str = ""  # SR_ALERT_FROM; default sr-pipeline@<this host>
    recipients: str = ""  # SR_ALERT_TO, comma-separated
    ui_url: str = ""  # SR_UI_PUBLIC_URL: the UI as people reach it (the proxy), for a link

    def _get(self, value: str | int, variable: str) -> str:
        return str(value) if value else os.environ.get(variable, "")

    def settings(self) -> dict[str, object]:
        from sr_pipeline.mail import smtp_server  # the mail client: when an alert is sent

        server = smtp_server(self.host, self.port, self.tls, self.starttls, self.ca_file, self.user)
        return {
            "server": server,
            "host": server.host,
            "port": server.port,
            "tls": server.tls,
            "sender": self._get(self.sender, "SR_ALERT_FROM") or f"sr-pipeline@{socket.getfqdn()}",
            "recipients": [
                address.strip()
                for address in self._get(self.recipients, "SR_ALERT_TO").split(",")
                if address.strip()
            ],
            "ui_url": self._get(self.ui_url, "SR_UI_PUBLIC_URL"),
        }

    def send(self, failed: FailedRun, log) -> bool:
        """Email the alert; False (and a log line) when no SMTP host or recipient is set."""
        settings = self.settings()
        message = compose(failed, settings["sender"], settings["recipients"], settings["ui_url"])
        if not settings["host"] or not settings["recipients"]:
            log.warning("No SR_SMTP_HOST/SR_ALERT_TO: alert not emailed: %s", message["Subject"])
            return False
        from sr_pipeline.mail import send

        send(settings["server"], message)
        log.info("Alert emailed to %s: %s", ", ".join(settings["recipients"]), message["Subject"])
        return True


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Email the data team when a run fails: month, failing step, first error line.",
)
def run_failure_alert(context: dg.RunFailureSensorContext, alert_mail: AlertMail) -> None:
    """Email the data team about a failed run (SMTP settings from the environment)."""
    failed = describe_failure(
        context.dagster_run, context.failure_event, list(context.get_step_failure_events())
    )
    # If sending raises (mail server down), Dagster records the error in the failed run's own
    # event log ("Error occurred during the execution sensor"); the alert is not retried.
    alert_mail.send(failed, context.log)
