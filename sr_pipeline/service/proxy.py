"""The nginx proxy: ``deploy/nginx/sr-pipeline.conf`` filled with the service's settings, and,
on one machine, a private nginx (its own config, PID file, logs and temp folders under the
service folder) running it in the foreground, so it is a process like the others.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from sr_pipeline.service.config import DEPLOY_DIR, ServiceConfig

SITE_TEMPLATE = DEPLOY_DIR / "nginx" / "sr-pipeline.conf"
WORKER_USER = "www-data"  # Debian's nginx workers; they read the htpasswd files


def render_site(config: ServiceConfig) -> str:
    """The server blocks, with the settings in place of the ``@...@`` words; the ``#@TLS@``
    lines switched on with a certificate, left out without one (refused beyond loopback)."""
    config.check()
    if config.proxy_htpasswd is None or config.viewers_htpasswd is None:
        raise ValueError("SR_PROXY_HTPASSWD is not set: no credentials for the proxy")
    values = {
        "PROXY_ADDRESS": config.proxy_address,
        "PROXY_PORT": str(config.proxy_port),
        "PROXY_VIEW_PORT": str(config.proxy_view_port),
        "LISTEN_TLS": " ssl" if config.proxy_tls else "",
        "TLS_CERT": str(config.proxy_tls_cert),
        "TLS_KEY": str(config.proxy_tls_key),
        "EDITORS_HTPASSWD": str(config.proxy_htpasswd),
        "VIEWERS_HTPASSWD": str(config.viewers_htpasswd),
        "UI_SOCKET": str(config.ui_endpoint),
        "READONLY_SOCKET": str(config.readonly_endpoint),
        "PROXY_PORTAL_PORT": str(config.proxy_portal_port),
        "PORTAL_PORT": str(config.portal_port),
    }
    lines = []
    for line in SITE_TEMPLATE.read_text().splitlines(keepends=True):
        if line.lstrip().startswith("#@TLS@"):
            if not config.proxy_tls:
                continue
            line = line.replace("#@TLS@ ", "", 1)
        lines.append(line)
    text = "".join(lines)
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def worker_gid() -> int:
    """The group of nginx's workers (www-data), which must reach the webservers' sockets."""
    return pwd.getpwnam(WORKER_USER).pw_gid


def nginx_binary() -> str:
    # Debian puts it in /usr/sbin, which is not on every user's PATH.
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if not found:
        raise RuntimeError("nginx not found: install Debian's nginx package (make serve does it)")
    return found


def write_private_config(config: ServiceConfig) -> Path:
    """A whole nginx.conf for a private nginx that serves the site and nothing else."""
    for path in (config.proxy_htpasswd, config.viewers_htpasswd):
        if path is None or not path.is_file():
            raise FileNotFoundError(f"proxy credentials file not found: {path}")
    folder = config.run_dir / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o711)  # the workers reach their temp folders, list nothing
    site = folder / "sr-pipeline.conf"
    site.write_text(render_site(config))
    lines = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam(WORKER_USER)
        lines.append(f"user {WORKER_USER} {_group_name(entry.pw_gid)};")
    lines += [
        "worker_processes 1;",
        "daemon off;",  # a foreground process: stopped like the others
        f"pid {folder / 'nginx.pid'};",
        f"error_log {config.log_dir / 'nginx-error.log'} warn;",
        "events { worker_connections 256; }",
        "http {",
        f"    access_log {config.log_dir / 'nginx-access.log'};",
        *(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
        f"    include {site};",
        "}",
    ]
    conf = folder / "nginx.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


def argv(config: ServiceConfig, conf: Path) -> list[str]:
    return [
        nginx_binary(),
        "-p", str(conf.parent),
        "-c", str(conf),
        "-e", str(config.log_dir / "nginx-error.log"),
    ]  # fmt: skip


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name
