"""A local SMTP server for tests (aiosmtpd, in a thread of the test process): what the
run-failure alert sends arrives here, parsed, instead of leaving the machine."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Mailbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[bytes] = field(default_factory=list)  # the passwords AUTH received
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, predicate, timeout: float) -> EmailMessage | None:
        """The first message matching ``predicate``, waiting up to ``timeout`` seconds."""
        with self.arrived:
            found = None

            def matched() -> bool:
                nonlocal found
                found = next((m for m in self.messages if predicate(m)), None)
                return found is not None

            self.arrived.wait_for(matched, timeout=timeout)
            return found


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.mailbox.arrived:
            self.mailbox.messages.append(message)
            self.mailbox.arrived.notify_all()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_smtp(
    starttls: ssl.SSLContext | None = None, implicit: ssl.SSLContext | None = None
) -> Iterator[Mailbox]:
    """A local SMTP server: plain, offering STARTTLS with ``starttls``'s certificate, or
    speaking TLS from the first byte with ``implicit``'s. It accepts any login (over plain
    text too, as a server in the middle would) and records what the login carried."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    mailbox = Mailbox(port=free_port())

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        mailbox.logins.append(bytes(getattr(auth_data, "password", b"") or b""))
        return AuthResult(success=True)

    options = {"authenticator": authenticate, "auth_require_tls": False}
    if starttls is not None:
        options["tls_context"] = starttls
    if implicit is not None:
        options.update(ssl_context=implicit, server_hostname="127.0.0.1")
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=mailbox.port, **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
