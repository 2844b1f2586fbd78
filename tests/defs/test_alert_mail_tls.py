"""The alert's SMTP connection gives the password to the mail server and nobody else.

The mess it guards against, each against a real local SMTP server (aiosmtpd) started here:

- a server in the middle with a self-signed certificate: STARTTLS without a verifying context
  (Python's default) accepted it and the login sent ``SR_SMTP_PASSWORD`` to it;
- the same on port 465 (TLS from the first byte), which the alert could not even speak;
- STARTTLS switched off while a user is set: the login went over the network in clear.

Each is refused before any login; the mission's own authority (``SR_SMTP_CA_FILE``) makes the
same server trusted, so the encrypted paths are shown to deliver too.
"""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from sr_pipeline.defs.alerts import AlertMail, FailedRun
from sr_pipeline.mail import MailSecurityError
from tests.mail_helpers import local_smtp

pytestmark = pytest.mark.slow

PASSWORD = "smtp-Secret-41"
FAILED = FailedRun("r1", "build_months", "2018-06", "raw_trackers", "boom", False, 1)


class Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, text, *args) -> None:
        self.lines.append(text % args)

    warning = info


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A self-signed certificate for 127.0.0.1 (as a server in the middle would present)."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / "cert.pem"


def server_context(certificate: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, certificate.with_name("key.pem"))
    return context


def mail(port: int, tls: str, **settings) -> AlertMail:
    return AlertMail(host="127.0.0.1", port=port, tls=tls, user="sr-pipeline",
                     recipients="sr-data-team@mission.example", **settings)  # fmt: skip


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv("SR_SMTP_PASSWORD", PASSWORD)
    for name in ("SR_SMTP_TLS", "SR_SMTP_STARTTLS", "SR_SMTP_CA_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_a_self_signed_server_gets_no_password(certificate, mode):
    context = server_context(certificate)
    with local_smtp(**{mode: context}) as mailbox:
        with pytest.raises(ssl.SSLCertVerificationError, match="self-signed certificate"):
            mail(mailbox.port, mode).send(FAILED, Log())
        assert mailbox.logins == [] and mailbox.messages == []

        # The same server, its certificate now trusted as the mission's authority: delivered.
        trusted = mail(mailbox.port, mode, ca_file=str(certificate))
        assert trusted.send(FAILED, Log()) is True
        assert mailbox.wait_for(lambda m: "r1" in m.get_content(), 10) is not None
        assert mailbox.logins == [PASSWORD.encode()]


def test_a_login_without_tls_is_refused_before_connecting():
    with local_smtp() as mailbox:  # a plain server that would take any login
        with pytest.raises(MailSecurityError, match="in clear"):
            mail(mailbox.port, "none").send(FAILED, Log())
        assert mailbox.logins == [] and mailbox.messages == []
        # STARTTLS asked of a server that offers none: refused, nothing sent.
        with pytest.raises(Exception, match="STARTTLS"):
            mail(mailbox.port, "starttls").send(FAILED, Log())
        assert mailbox.logins == [] and mailbox.messages == []
        # Without a user, a plain relay still gets the alert (no password to expose).
        relay = AlertMail(host="127.0.0.1", port=mailbox.port,
                          recipients="sr-data-team@mission.example")  # fmt: skip
        assert relay.send(FAILED, Log()) is True


def test_settings_say_how_to_encrypt(monkeypatch):
    assert AlertMail(tls="implicit").settings()["port"] == 465
    assert AlertMail(tls="starttls").settings()["port"] == 587
    monkeypatch.setenv("SR_SMTP_STARTTLS", "true")  # the older setting still means STARTTLS
    assert AlertMail().settings()["tls"] == "starttls"
    with pytest.raises(MailSecurityError, match="use one of starttls, implicit, none"):
        AlertMail(tls="ssl-please").settings()
