"""Sending email through the section's SMTP server: where it is (``SR_SMTP_HOST``,
``SR_SMTP_PORT``, ``SR_SMTP_STARTTLS``, ``SR_SMTP_USER``, ``SR_SMTP_PASSWORD``) and how a
message is handed to it. Used by the run-failure alert and the bulletin's sending."""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpServer:
    """An SMTP server; ``host`` empty means none is configured."""

    host: str
    port: int
    starttls: bool
    user: str
    password: str


def _get(value: str | int, variable: str) -> str:
    return str(value) if value else os.environ.get(variable, "")


def smtp_server(host: str = "", port: int = 0, starttls: str = "", user: str = "") -> SmtpServer:
    """The server the arguments name; empty arguments are read from the environment."""
    use_starttls = _get(starttls, "SR_SMTP_STARTTLS").lower() in ("1", "true", "yes")
    port_text = _get(port, "SR_SMTP_PORT")
    return SmtpServer(
        host=_get(host, "SR_SMTP_HOST"),
        port=int(port_text) if port_text else (587 if use_starttls else 25),
        starttls=use_starttls,
        user=_get(user, "SR_SMTP_USER"),
        password=os.environ.get("SR_SMTP_PASSWORD", ""),
    )


def send(server: SmtpServer, message: EmailMessage) -> None:
    """Hand ``message`` to ``server`` (STARTTLS and login when configured)."""
    with smtplib.SMTP(server.host, server.port, timeout=30) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.user:
            smtp.login(server.user, server.password)
        smtp.send_message(message)
