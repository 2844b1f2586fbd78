"""The service's settings and the files it renders, without starting anything.

The mess it guards against: a PostgreSQL URL written the usual way (``postgresql://``) that
SQLAlchemy 2.1 would hand to psycopg 3, which is not installed; a generated password that
other users of the machine can read, or that changes between two starts; a secret file reused
from elsewhere with a mode that let others read it; an nginx site with a setting left
unfilled; a workspace that points elsewhere than the code server's socket; a proxy opened to
the network (``SR_PROXY_ADDRESS=0.0.0.0``) that would take Basic credentials over plain HTTP.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml

from sr_pipeline.service import proxy, stack
from sr_pipeline.service.config import ServiceConfig, normalise_pg_url
from tests.mail_helpers import free_port


@pytest.mark.parametrize(
    ("given", "used"),
    [
        # The usual spelling: the psycopg2 driver is named.
        ("postgresql://dagster:pw@db:5432/dagster", "postgresql+psycopg2://dagster:pw@db:5432/dagster"),
        ("postgres://u@h/d", "postgresql+psycopg2://u@h/d"),  # Heroku-style alias
        # Already explicit: left alone.
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
    ],
)  # fmt: skip
def test_the_psycopg2_driver_is_named(given, used):
    assert normalise_pg_url(given) == used


def test_defaults_listen_on_loopback(tmp_path):
    config = ServiceConfig.from_env({"SR_SERVICE_DIR": str(tmp_path)})
    assert (config.ui_host, config.ui_port, config.readonly_port) == ("127.0.0.1", 3000, 3001)
    assert config.pg_port == 5433
    assert config.code_server_socket == tmp_path / "run" / "private" / "code-server.sock"
    assert config.private_postgres and not config.proxy_enabled
    assert config.dagster_home == tmp_path / "dagster_home"


def test_a_generated_password_is_private_and_stable(tmp_path):
    config = ServiceConfig.from_env({"SR_SECRETS_DIR": str(tmp_path / "secrets")})
    first = config.secret("dagster-pg-password", "SR_DAGSTER_PG_PASSWORD")
    assert len(first) >= 32
    assert config.secret("dagster-pg-password", "SR_DAGSTER_PG_PASSWORD") == first
    assert stat.S_IMODE((tmp_path / "secrets").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "secrets" / "dagster-pg-password").stat().st_mode) == 0o600


def test_a_password_from_the_environment_wins(tmp_path):
    config = ServiceConfig.from_env(
        {"SR_SECRETS_DIR": str(tmp_path), "SR_DAGSTER_PG_PASSWORD": "from-env"}
    )
    assert config.secret("dagster-pg-password", "SR_DAGSTER_PG_PASSWORD") == "from-env"
    assert not (tmp_path / "dagster-pg-password").exists()
    passed = stack.process_env(config)
    assert "SR_DAGSTER_PG_PASSWORD" not in passed  # the URL carries it
    assert passed["SR_DAGSTER_PG_URL"].startswith("postgresql+psycopg2://dagster:from-env@")


def test_rendered_workspace_and_nginx_site(tmp_path):
    editors = tmp_path / "editors.htpasswd"
    config = ServiceConfig.from_env(
        {
            "SR_SERVICE_DIR": str(tmp_path / "service"),
            "SR_SECRETS_DIR": str(tmp_path / "secrets"),
            "SR_PROXY_HTPASSWD": str(editors),
            "SR_PROXY_PORT": "8100",
            "SR_PROXY_VIEW_PORT": "8101",
            "SR_PROXY_PORTAL_PORT": "8102",
            "SR_PORTAL_PORT": "8190",
        }
    )
    stack.render(config)
    workspace = yaml.safe_load((config.dagster_home / "workspace.yaml").read_text())
    socket = tmp_path / "service" / "run" / "private" / "code-server.sock"
    assert workspace["load_from"] == [
        {"grpc_server": {"socket": str(socket), "location_name": "sr_pipeline"}}
    ]
    site = proxy.render_site(config)
    assert re.findall(r"@[A-Z_]+@", site) == []  # every setting filled in
    assert "listen 127.0.0.1:8100;" in site and "listen 127.0.0.1:8101;" in site
    web = tmp_path / "service" / "run" / "web"
    assert f"server unix:{web / 'webserver.sock'};" in site
    assert f"server unix:{web / 'webserver-readonly.sock'};" in site
    assert "ssl" not in site.replace("ssl_", "")  # plain HTTP on loopback: no TLS lines
    # The viewers' file defaults to the editors' one; the portal has its own accounts.
    assert site.count(f"auth_basic_user_file {editors};") == 2
    portal_door = site[site.index("listen 127.0.0.1:8102;") :]
    assert "proxy_pass http://127.0.0.1:8190;" in portal_door
    assert "client_max_body_size 25m;" in portal_door


def test_a_reused_secret_file_that_others_could_read_is_refused(tmp_path):
    config = ServiceConfig.from_env({"SR_SECRETS_DIR": str(tmp_path / "secrets")})
    (tmp_path / "secrets").mkdir(mode=0o700)
    reused = tmp_path / "secrets" / "dagster-pg-password"
    reused.write_text("copied-from-an-old-server\n")
    reused.chmod(0o644)
    with pytest.raises(ValueError, match="mode 0644: other accounts of this machine may have"):
        config.secret("dagster-pg-password", "SR_DAGSTER_PG_PASSWORD")
    reused.chmod(0o600)
    assert config.secret("dagster-pg-password", "SR_DAGSTER_PG_PASSWORD") == (
        "copied-from-an-old-server"
    )
    reused.unlink()
    reused.symlink_to(tmp_path / "elsewhere")  # a link is not followed to a secret
    (tmp_path / "elsewhere").write_text("x\n")
    (tmp_path / "elsewhere").chmod(0o600)
    with pytest.raises(ValueError, match="without following a link"):
        config.secret("dagster-pg-password", "SR_DAGSTER_PG_PASSWORD")


def test_a_proxy_beyond_loopback_without_a_certificate_is_refused(tmp_path):
    env = {
        "SR_SERVICE_DIR": str(tmp_path / "service"),
        "SR_SECRETS_DIR": str(tmp_path / "secrets"),
        "SR_PROXY_HTPASSWD": str(tmp_path / "editors.htpasswd"),
        "SR_PROXY_ADDRESS": "0.0.0.0",
    }
    sentence = "SR_PROXY_ADDRESS is 0.0.0.0 but no certificate is set"
    with pytest.raises(ValueError, match=sentence):
        proxy.render_site(ServiceConfig.from_env(env))
    # make serve refuses before starting anything.
    done = subprocess.run(
        [sys.executable, "-m", "sr_pipeline.service", "start"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("SR_")}, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and sentence in done.stderr, done.stderr
    assert not (tmp_path / "service" / "postgres").exists()


def test_the_tls_doors_answer_https_only(tmp_path):
    """The shipped TLS lines, served by a real nginx with a self-signed certificate: HTTPS
    asks for credentials, plain HTTP on the same port is refused."""
    if shutil.which("nginx", path="/usr/sbin:/usr/bin") is None:
        pytest.skip("Debian's nginx is not installed")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "editors.htpasswd").write_text("amadou:$2y$05$invalidinvalidinvalidinvalidinv\n")
    tmp_path.chmod(0o755)  # nginx's workers (www-data when root) read the files
    for name in ("cert.pem", "editors.htpasswd"):
        (tmp_path / name).chmod(0o644)
    port, view_port = free_port(), free_port()
    config = ServiceConfig.from_env(
        {
            "SR_SERVICE_DIR": str(tmp_path / "service"),
            "SR_PROXY_HTPASSWD": str(tmp_path / "editors.htpasswd"),
            "SR_PROXY_ADDRESS": "0.0.0.0",
            "SR_PROXY_PORT": str(port),
            "SR_PROXY_VIEW_PORT": str(view_port),
            "SR_PROXY_TLS_CERT": str(tmp_path / "cert.pem"),
            "SR_PROXY_TLS_KEY": str(tmp_path / "key.pem"),
        }
    )
    site = proxy.render_site(config)
    assert f"listen 0.0.0.0:{port} ssl;" in site and f"listen 0.0.0.0:{view_port} ssl;" in site
    assert site.count(f"ssl_certificate {tmp_path / 'cert.pem'};") == 3  # the portal's door too
    config.log_dir.mkdir(parents=True)
    conf = proxy.write_private_config(config)
    nginx = subprocess.Popen(proxy.argv(config, conf), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    try:
        trusted = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        deadline = time.monotonic() + 20
        while True:
            try:
                for door in (port, view_port):
                    with pytest.raises(urllib.error.HTTPError) as asked:
                        urllib.request.urlopen(f"https://127.0.0.1:{door}/", context=trusted)
                    assert asked.value.code == 401
                break
            except urllib.error.URLError:
                assert nginx.poll() is None and time.monotonic() < deadline, nginx.stderr
                time.sleep(0.2)  # nginx binding its ports, bounded by the deadline
        with pytest.raises(urllib.error.HTTPError) as plain:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/")
        assert plain.value.code == 400  # "plain HTTP request was sent to HTTPS port"
    finally:
        os.killpg(nginx.pid, signal.SIGTERM)
        nginx.wait(timeout=20)
