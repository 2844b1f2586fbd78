"""Sending the printed bulletin after a month is published, through Dagster, to a local SMTP
server the test starts (or to the outbox folder without one).

The mess it guards against: the same bulletin emailed to every reader again on each rebuild
or retry (a sending is recorded and keyed on what the editions print), a draft without its
highlights mailed to the readers as if final, a clone without a mail server that fails the
run instead of writing the message to the outbox, a sending that loses one of the two
editions, and a backfill that mails every month it rebuilds.
"""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from sr_pipeline.bulletin.sending import deliver, delivered
from sr_pipeline.definitions import ASSETS
from sr_pipeline.defs.assets_bulletin import bulletin_sent
from sr_pipeline.mail import SmtpServer
from tests.mail_helpers import local_smtp
from tests.pipeline_helpers import resources

pytestmark = pytest.mark.slow

JUNE = "2018-06-01"


def send_through_dagster(warehouse, partition: str, **env: str) -> dg.ExecuteInProcessResult:
    """Materialize bulletin/sent alone, as the schedule's run does after the publication."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("SR_SMTP_HOST", "SR_SMTP_PORT", "SR_BULLETIN_TO", "SR_SMTP_USER"):
            patch.delenv(variable, raising=False)
        for variable, value in env.items():
            patch.setenv(variable, value)
        return dg.materialize(
            [bulletin_sent],
            partition_key=partition,
            resources=resources(warehouse.parent / "no-trackers", warehouse),
        )


def ledger_for(warehouse, how: str) -> list[dict]:
    return [entry for entry in delivered(warehouse.parent) if entry["how"] == how]


def test_published_month_is_emailed_once_with_both_editions(demo_month):
    assert bulletin_sent in ASSETS
    folder = demo_month.parent
    with local_smtp() as mailbox:
        env = {"SR_SMTP_HOST": "127.0.0.1", "SR_SMTP_PORT": str(mailbox.port),
               "SR_BULLETIN_TO": "section@example.org, partners@example.org"}  # fmt: skip
        assert send_through_dagster(demo_month, JUNE, **env).success
        message = mailbox.wait_for(lambda m: "Monthly Bulletin" in m["Subject"], timeout=30)
        assert message is not None
        assert "30 June 2018" in message["Subject"] and "30 juin 2018" in message["Subject"]
        assert message["To"] == "section@example.org, partners@example.org"
        attachments = {
            part.get_filename(): part.get_content() for part in message.iter_attachments()
        }
        assert sorted(attachments) == ["bulletin-2018-06-en.pdf", "bulletin-2018-06-fr.pdf"]
        for name, data in attachments.items():
            assert data == (folder / "bulletins" / "2018-06" / name).read_bytes()
        # A retry, a rebuild that prints the same bulletin: recorded, never sent twice.
        assert send_through_dagster(demo_month, JUNE, **env).success
        assert len(mailbox.messages) == 1
    (sent,) = ledger_for(demo_month, "smtp")
    assert sent["as_of"] == "2018-06-30" and sent["drafts"] == []
    assert sent["recipients"] == ["section@example.org", "partners@example.org"]


def test_without_a_server_the_message_goes_to_the_outbox_once(demo_month):
    # The package's build ran bulletin/sent with no SMTP server: the outbox holds the message.
    outbox = demo_month.parent / "sending" / "outbox"
    files = sorted(outbox.glob("bulletin-2018-06-*.eml"))
    assert len(files) == 1
    assert b"bulletin-2018-06-fr.pdf" in files[0].read_bytes()
    assert send_through_dagster(demo_month, JUNE).success
    assert sorted(outbox.glob("*.eml")) == files
    assert len(ledger_for(demo_month, "outbox")) == 1


def test_a_draft_never_reaches_the_readers(small_months):
    with local_smtp() as mailbox:
        server = SmtpServer("127.0.0.1", mailbox.port, "none", "", "")
        delivery = deliver(
            small_months.parent, date(2018, 6, 30), server, ["section@example.org"],
            "sr-pipeline@example.org",
        )  # fmt: skip
        assert delivery.how == "already sent"  # to the outbox, by the build's own run
        assert mailbox.messages == []
    assert ledger_for(small_months, "smtp") == []
    (draft,) = ledger_for(small_months, "outbox")
    assert draft["drafts"] == ["en", "fr"]


def test_a_backfill_sends_only_its_newest_month(small_months):
    # The package's small build was May and June as one run: only June was delivered.
    assert [entry["as_of"] for entry in delivered(small_months.parent)] == ["2018-06-30"]
