"""Sending the printed bulletin once it is published: both PDF editions by email to
``SR_BULLETIN_TO`` (comma-separated), through the SMTP server of ``sr_pipeline.mail``; with
no ``SR_SMTP_HOST`` the message is written to the outbox folder instead (a dry run, one
``.eml`` file per publication) so it can be read before a server is configured.

A publication is identified by its key (``edition.json`` in the month's folder: what both
editions print). Every delivery is recorded in ``sending/sent.jsonl`` beside the warehouse
(the outbox is ``sending/outbox/``); a key already delivered the same way (``smtp`` or
``outbox``) is never delivered again, so a rebuild that prints the same bulletin sends
nothing. A draft edition (no highlights written) goes to the outbox only, never to the
readers; once the highlights are written and the month rebuilt, the final edition is a new
publication and is sent. The record is written after the server accepted the message: a
crash between the two may send it again, never lose it.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

from sr_pipeline.bulletin.pdf import pdf_name
from sr_pipeline.bulletin.render import EDITION_NAME, bulletin_folder
from sr_pipeline.bulletin.words import LANGUAGES, date_text, text
from sr_pipeline.mail import SmtpServer, send

SENDING = "sending"  # beside the warehouse: sent.jsonl and outbox/
LEDGER = "sent.jsonl"
OUTBOX = "outbox"


@dataclass(frozen=True)
class Delivery:
    """What happened to one month's bulletin."""

    as_of: date
    key: str
    how: str  # "smtp", "outbox", "already sent", "no recipients"
    recipients: tuple[str, ...]
    path: Path | None = None  # the outbox file, for a dry run


def recipients_setting() -> list[str]:
    """``SR_BULLETIN_TO``, one address per comma."""
    value = os.environ.get("SR_BULLETIN_TO", "")
    return [address.strip() for address in value.split(",") if address.strip()]


def sender_setting() -> str:
    return (
        os.environ.get("SR_BULLETIN_FROM")
        or os.environ.get("SR_ALERT_FROM")
        or f"sr-pipeline@{socket.getfqdn()}"
    )


def ledger_path(folder: Path) -> Path:
    return Path(folder) / SENDING / LEDGER


def delivered(folder: Path) -> list[dict]:
    """Every delivery recorded, oldest first."""
    path = ledger_path(folder)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _record(folder: Path, entry: dict) -> None:
    path = ledger_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(entry, ensure_ascii=False) + "\n")
        ledger.flush()
        os.fsync(ledger.fileno())


def compose(as_of: date, month_folder: Path, sender: str, recipients: list[str]) -> EmailMessage:
    """The email: subject and body in both languages, both PDFs attached."""
    message = EmailMessage()
    message["Subject"] = (
        f"{text('title', 'en')} — {date_text(as_of, 'en')} / "
        f"{text('title', 'fr')} — {date_text(as_of, 'fr')}"
    )
    message["From"] = sender
    message["To"] = ", ".join(recipients) or "undisclosed-recipients:;"
    message.set_content(
        f"{text('section', 'en')}: the {text('title', 'en').lower()} on "
        f"{date_text(as_of, 'en')}, in English and in French (attached).\n\n"
        f"{text('section', 'fr')} : le {text('title', 'fr').lower()} au "
        f"{date_text(as_of, 'fr')}, en anglais et en français (pièces jointes).\n"
    )
    for language in LANGUAGES:
        name = pdf_name(as_of, language)
        message.add_attachment(
            (month_folder / name).read_bytes(), maintype="application", subtype="pdf",
            filename=name,
        )  # fmt: skip
    return message


def deliver(
    folder: Path, as_of: date, server: SmtpServer, recipients: list[str], sender: str
) -> Delivery:
    """Send ``as_of``'s published bulletin (or write it to the outbox without a server),
    unless this publication was already delivered the same way."""
    month_folder = bulletin_folder(folder, as_of)
    edition = json.loads((month_folder / EDITION_NAME).read_text(encoding="utf-8"))
    key = edition["key"]
    # A draft (highlights not written yet) never goes to the readers: only to the outbox.
    how = "smtp" if server.host and not edition["drafts"] else "outbox"
    if how == "smtp" and not recipients:
        return Delivery(as_of, key, "no recipients", ())
    if any(e["key"] == key and e["how"] == how for e in delivered(folder)):
        return Delivery(as_of, key, "already sent", tuple(recipients))
    message = compose(as_of, month_folder, sender, recipients)
    path = None
    if how == "smtp":
        send(server, message)
    else:
        path = Path(folder) / SENDING / OUTBOX / f"bulletin-{as_of:%Y-%m}-{key[:12]}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(message))
    _record(
        folder,
        {
            "as_of": str(as_of), "key": key, "how": how, "recipients": recipients,
            "drafts": edition["drafts"], "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "outbox_file": path.name if path else None,
        },
    )  # fmt: skip
    return Delivery(as_of, key, how, tuple(recipients), path)
