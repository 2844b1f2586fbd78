"""The service's settings and the files it renders, without starting anything.

The mess it guards against: a PostgreSQL URL written the usual way (``postgresql://``) that
SQLAlchemy 2.1 would hand to psycopg 3, which is not installed; a generated password that
other users of the machine can read, or that changes between two starts; an nginx site with a
setting left unfilled; a workspace that points at another port than the code server's.
"""

from __future__ import annotations

import re
import stat

import pytest
import yaml

from sr_pipeline.service import proxy, stack
from sr_pipeline.service.config import ServiceConfig, normalise_pg_url


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
    assert (config.code_server_port, config.pg_port) == (4000, 5433)
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
            "SR_CODE_SERVER_PORT": "4100",
            "SR_UI_PORT": "3100",
            "SR_UI_READONLY_PORT": "3101",
            "SR_PROXY_HTPASSWD": str(editors),
            "SR_PROXY_PORT": "8100",
            "SR_PROXY_VIEW_PORT": "8101",
            "SR_PROXY_PORTAL_PORT": "8102",
            "SR_PORTAL_PORT": "8190",
        }
    )
    stack.render(config)
    workspace = yaml.safe_load((config.dagster_home / "workspace.yaml").read_text())
    assert workspace["load_from"] == [
        {"grpc_server": {"host": "127.0.0.1", "port": 4100, "location_name": "sr_pipeline"}}
    ]
    site = proxy.render_site(config)
    assert re.findall(r"@[A-Z_]+@", site) == []  # every setting filled in
    assert "listen 127.0.0.1:8100;" in site and "listen 127.0.0.1:8101;" in site
    assert "proxy_pass http://127.0.0.1:3100;" in site
    assert "proxy_pass http://127.0.0.1:3101;" in site
    # The viewers' file defaults to the editors' one; the portal has its own accounts.
    assert site.count(f"auth_basic_user_file {editors};") == 2
    portal_door = site[site.index("listen 127.0.0.1:8102;") :]
    assert "proxy_pass http://127.0.0.1:8190;" in portal_door
    assert "client_max_body_size 25m;" in portal_door
