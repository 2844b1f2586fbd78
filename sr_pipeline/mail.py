"""Sending email through the section's SMTP server: where it is and how a message is handed to
it, for the run-failure alert and the bulletin's sending alike.

Settings come from the environment (``SR_SMTP_HOST``, ``SR_SMTP_PORT``, ``SR_SMTP_TLS``,
``SR_SMTP_CA_FILE``, ``SR_SMTP_USER``, ``SR_SMTP_PASSWORD``); an argument given to
``smtp_server`` wins over its variable.

The connection is encrypted as ``SR_SMTP_TLS`` says: ``starttls`` (port 587 by default; the
older ``SR_SMTP_STARTTLS=true`` means the same), ``implicit`` (TLS from the first byte, port
465) or ``none`` (port 25, a relay on the machine or the mission's network). With TLS the
server's certificate is verified against the system's authorities (or ``SR_SMTP_CA_FILE``, the
mission's own) and its name checked: a server that cannot prove it is the mail server gets
nothing. The password is never sent over a connection that is not encrypted: a user without
TLS is refused before connecting.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

TLS_MODES = ("starttls", "implicit", "none")
DEFAULT_PORTS = {"starttls": 587, "implicit": 465, "none": 25}


class MailSecurityError(ValueError):
    """SMTP settings that would expose the password; the message says which to change."""


@dataclass(frozen=True)
class SmtpServer:
    """An SMTP server; ``host`` empty means none is configured."""

    host: str
    port: int
    tls: str  # one of TLS_MODES
    user: str
    password: str
    ca_file: str = ""


def _get(value: str | int, variable: str) -> str:
    return str(value) if value else os.environ.get(variable, "")


def tls_mode(tls: str, starttls: str) -> str:
    """``SR_SMTP_TLS`` (or the older ``SR_SMTP_STARTTLS=true``) as one of ``TLS_MODES``."""
    mode = tls.strip().lower()
    if not mode:
        return "starttls" if starttls.strip().lower() in ("1", "true", "yes") else "none"
    if mode not in TLS_MODES:
        raise MailSecurityError(f"SR_SMTP_TLS is {tls!r}: use one of {', '.join(TLS_MODES)}")
    return mode


def smtp_server(
    host: str = "",
    port: int | str = 0,
    tls: str = "",
    starttls: str = "",
    ca_file: str = "",
    user: str = "",
) -> SmtpServer:
    """The server the arguments name; empty arguments are read from the environment."""
    mode = tls_mode(_get(tls, "SR_SMTP_TLS"), _get(starttls, "SR_SMTP_STARTTLS"))
    port_text = _get(port, "SR_SMTP_PORT")
    return SmtpServer(
        host=_get(host, "SR_SMTP_HOST"),
        port=int(port_text) if port_text else DEFAULT_PORTS[mode],
        tls=mode,
        user=_get(user, "SR_SMTP_USER"),
        password=os.environ.get("SR_SMTP_PASSWORD", ""),
        ca_file=_get(ca_file, "SR_SMTP_CA_FILE"),
    )


def connect(server: SmtpServer) -> smtplib.SMTP:
    """An SMTP connection, encrypted as ``server.tls`` says and logged in when a user is set;
    the certificate is verified (``ssl.create_default_context``) before any password goes."""
    if server.user and server.tls == "none":
        raise MailSecurityError(
            "SR_SMTP_USER is set but SR_SMTP_TLS is none: the password would cross the network "
            "in clear; set SR_SMTP_TLS=starttls (port 587) or implicit (port 465)"
        )
    context = ssl.create_default_context(cafile=server.ca_file or None)
    if server.tls == "implicit":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=30)
    try:
        if server.tls == "starttls":
            smtp.starttls(context=context)  # SMTPNotSupportedError if the server offers none
        if server.user:
            smtp.login(server.user, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def send(server: SmtpServer, message: EmailMessage) -> None:
    """Hand ``message`` to ``server`` over a connection made by ``connect``."""
    with connect(server) as smtp:
        smtp.send_message(message)
