"""The service's settings, all from the environment, with defaults that work on one machine.

| variable | default | what it sets |
| --- | --- | --- |
| ``SR_SERVICE_DIR`` | ``.service/`` | private PostgreSQL cluster, PID files, logs |
| ``DAGSTER_HOME`` | ``.service/dagster_home`` | the instance config the service renders |
| ``SR_DAGSTER_PG_URL`` | (private cluster) | PostgreSQL for Dagster's history, if not private |
| ``SR_DAGSTER_PG_PASSWORD`` | (generated) | the private cluster's ``dagster`` password |
| ``SR_PG_ADMIN_PASSWORD`` | (generated) | the private cluster's superuser password |
| ``SR_SECRETS_DIR`` | ``~/.config/sr-pipeline`` | where generated passwords are kept (0600) |
| ``SR_PG_PORT`` | 5433 | the private cluster's port, on 127.0.0.1 |
| ``SR_UI_HOST`` | 127.0.0.1 | address of both webservers, without a proxy only |
| ``SR_UI_PORT`` | 3000 | the webserver (launch, re-execute), without a proxy only |
| ``SR_UI_READONLY_PORT`` | 3001 | the read-only webserver (look, not launch), idem |
| ``SR_PROXY_HTPASSWD`` | (none: no proxy) | editors' credentials file: starts nginx |
| ``SR_PROXY_VIEWERS_HTPASSWD`` | editors' file | viewers' credentials file |
| ``SR_PROXY_ADDRESS`` | 127.0.0.1 | where nginx listens (``0.0.0.0``: every interface) |
| ``SR_PROXY_PORT`` | 8080 | nginx → the webserver, for editors |
| ``SR_PROXY_VIEW_PORT`` | 8081 | nginx → the read-only webserver, for viewers |
| ``SR_WEB_SOCKET_DIR`` | ``<SR_SERVICE_DIR>/run/web`` | the webservers' sockets (behind a proxy) |
| ``SR_PROXY_TLS_CERT`` | (none) | nginx's certificate (PEM chain): both doors speak HTTPS |
| ``SR_PROXY_TLS_KEY`` | (none) | its private key |
| ``SR_STOP_RUN_TIMEOUT`` | 120 | seconds ``stop`` lets a run in progress finish |
| ``SR_PORTAL_PORT`` | 8090 | the fund units' portal (gunicorn, on 127.0.0.1) |
| ``SR_PROXY_PORTAL_PORT`` | 8082 | nginx → the portal (its own accounts: no htpasswd) |
| ``SR_PORTAL_DIR`` | ``.service/portal`` | the portal's uploads being checked, secret key |
| ``SR_PORTAL_DB_URL`` | (private cluster) | the portal's PostgreSQL database, if not private |

Who can reach what: the code server listens on a Unix socket in a folder only the service's
user can open; with a proxy, so do both webservers, in a folder only that user and nginx's
workers can open, and they have no TCP port at all (another account of the machine cannot
reach them; nginx, which asks for credentials, is the only door). Without a proxy (one person's
machine) the webservers listen on ``SR_UI_HOST`` with no login. A proxy on an address other
than loopback needs a certificate: Basic authentication over plain HTTP is refused.

``SR_TRACKERS_DIR``, ``SR_WAREHOUSE`` (with ``SR_LAKE_DATA`` and ``SR_WORK_DIR`` for a lake)
and the alert settings (``SR_SMTP_*``, ``SR_ALERT_*``) are passed to every process unchanged.
Relative paths are taken from the project root.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sr_pipeline.settings import project_root

PROJECT_ROOT = project_root()

LOCATION_NAME = "sr_pipeline"  # the code location, as the workspace and the UI name it
DEFINITIONS_MODULE = "sr_pipeline.definitions"
DEPLOY_DIR = PROJECT_ROOT / "deploy"


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class ServiceConfig:
    """Everything the service needs to know, read once from an environment mapping."""

    environ: Mapping[str, str] = field(repr=False)
    service_dir: Path
    dagster_home: Path
    secrets_dir: Path
    pg_url: str | None  # SR_DAGSTER_PG_URL; None: the private cluster
    pg_port: int
    ui_host: str
    ui_port: int
    readonly_port: int
    proxy_htpasswd: Path | None
    viewers_htpasswd: Path | None
    proxy_address: str
    proxy_port: int
    proxy_view_port: int
    proxy_tls_cert: Path | None
    proxy_tls_key: Path | None
    web_socket_dir: Path | None  # SR_WEB_SOCKET_DIR; None: <run dir>/web
    stop_run_timeout: float
    portal_port: int = 8090
    proxy_portal_port: int = 8082
    portal_dir: Path = Path(".service/portal")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceConfig:
        env = dict(os.environ if environ is None else environ)

        def get(name: str, default: str = "") -> str:
            return env.get(name) or default

        service_dir = _path(get("SR_SERVICE_DIR", ".service"))
        htpasswd = get("SR_PROXY_HTPASSWD")
        viewers = get("SR_PROXY_VIEWERS_HTPASSWD") or htpasswd
        return cls(
            environ=env,
            service_dir=service_dir,
            dagster_home=_path(get("DAGSTER_HOME", str(service_dir / "dagster_home"))),
            secrets_dir=_path(get("SR_SECRETS_DIR", "~/.config/sr-pipeline")),
            pg_url=normalise_pg_url(get("SR_DAGSTER_PG_URL")) or None,
            pg_port=int(get("SR_PG_PORT", "5433")),
            ui_host=get("SR_UI_HOST", "127.0.0.1"),
            ui_port=int(get("SR_UI_PORT", "3000")),
            readonly_port=int(get("SR_UI_READONLY_PORT", "3001")),
            proxy_htpasswd=_path(htpasswd) if htpasswd else None,
            viewers_htpasswd=_path(viewers) if viewers else None,
            proxy_address=get("SR_PROXY_ADDRESS", "127.0.0.1"),
            proxy_port=int(get("SR_PROXY_PORT", "8080")),
            proxy_view_port=int(get("SR_PROXY_VIEW_PORT", "8081")),
            proxy_tls_cert=_path(get("SR_PROXY_TLS_CERT")) if get("SR_PROXY_TLS_CERT") else None,
            proxy_tls_key=_path(get("SR_PROXY_TLS_KEY")) if get("SR_PROXY_TLS_KEY") else None,
            web_socket_dir=_path(get("SR_WEB_SOCKET_DIR")) if get("SR_WEB_SOCKET_DIR") else None,
            stop_run_timeout=float(get("SR_STOP_RUN_TIMEOUT", "120")),
            portal_port=int(get("SR_PORTAL_PORT", "8090")),
            proxy_portal_port=int(get("SR_PROXY_PORTAL_PORT", "8082")),
            portal_dir=_path(get("SR_PORTAL_DIR", str(service_dir / "portal"))),
        )

    @property
    def postgres_dir(self) -> Path:
        return self.service_dir / "postgres"

    @property
    def run_dir(self) -> Path:
        return self.service_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.service_dir / "log"

    @property
    def private_dir(self) -> Path:
        """The code server's socket: only the service's user may open this folder (0700)."""
        return self.run_dir / "private"

    @property
    def web_dir(self) -> Path:
        """The webservers' sockets: the service's user and nginx's workers (0750)."""
        return self.web_socket_dir or self.run_dir / "web"

    @property
    def code_server_socket(self) -> Path:
        return self.private_dir / "code-server.sock"

    @property
    def ui_endpoint(self) -> str | Path:
        """Where the editors' webserver answers: its socket behind a proxy, else its URL."""
        return self.web_dir / "webserver.sock" if self.proxy_enabled else self.ui_url

    @property
    def readonly_endpoint(self) -> str | Path:
        return self.web_dir / "webserver-readonly.sock" if self.proxy_enabled else self.readonly_url

    @property
    def proxy_tls(self) -> bool:
        return self.proxy_tls_cert is not None

    @property
    def proxy_scheme(self) -> str:
        return "https" if self.proxy_tls else "http"

    @property
    def people_url(self) -> str:
        """Where people open the UI: the editors' door, or the webserver without a proxy."""
        if not self.proxy_enabled:
            return self.ui_url
        return f"{self.proxy_scheme}://{connectable(self.proxy_address)}:{self.proxy_port}"

    def check(self) -> None:
        """Refuse settings that would expose a password: Basic authentication over plain
        HTTP beyond this machine, half a TLS setting."""
        if (self.proxy_tls_cert is None) != (self.proxy_tls_key is None):
            raise ValueError("set both SR_PROXY_TLS_CERT and SR_PROXY_TLS_KEY, or neither")
        if self.proxy_enabled and not self.proxy_tls and not _loopback(self.proxy_address):
            raise ValueError(
                f"SR_PROXY_ADDRESS is {self.proxy_address} but no certificate is set: the "
                "doors ask for passwords, which would cross the network in clear; set "
                "SR_PROXY_TLS_CERT and SR_PROXY_TLS_KEY (both doors then speak HTTPS), or keep "
                "the proxy on 127.0.0.1"
            )

    @property
    def private_postgres(self) -> bool:
        return self.pg_url is None

    @property
    def proxy_enabled(self) -> bool:
        return self.proxy_htpasswd is not None

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.portal_port}"

    @property
    def ui_url(self) -> str:
        return f"http://{connectable(self.ui_host)}:{self.ui_port}"

    @property
    def readonly_url(self) -> str:
        return f"http://{connectable(self.ui_host)}:{self.readonly_port}"

    def secret(self, name: str, variable: str) -> str:
        """A password: from ``variable`` when set, otherwise generated once into
        ``SR_SECRETS_DIR/<name>`` (a folder only this user can open; never the repository).
        A file found there that others could read (or that is a link) is refused, not used."""
        if self.environ.get(variable):
            return self.environ[variable]
        path = self.secrets_dir / name
        if not os.path.lexists(path):
            self.secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.secrets_dir, 0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(24) + "\n")
        return _private_text(path)


def _private_text(path: Path) -> str:
    """The content of a secret file that only its owner can read; refused otherwise (its
    password may have been read already: make a new one)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise ValueError(f"{path}: cannot open the secret file without following a link") from exc
    with os.fdopen(fd) as handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        if mode & 0o077:
            raise ValueError(
                f"{path} is mode {mode:04o}: other accounts of this machine may have read the "
                f"password in it. Change the password, then chmod 600 {path}"
            )
        return handle.read().strip()


def _loopback(address: str) -> bool:
    return address == "localhost" or address.startswith("127.") or address in ("::1", "[::1]")


def normalise_pg_url(url: str) -> str:
    """Name the psycopg2 driver in a PostgreSQL URL: SQLAlchemy 2.1 takes a bare
    ``postgresql://`` for psycopg 3, which dagster-postgres does not install."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url[len(bare) :]
    return url


def connectable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host
