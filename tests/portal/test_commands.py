"""``make portal`` and ``make portal-stop`` as a person runs them on one machine.

Guards against a portal that cannot be stopped or leaves processes behind: gunicorn's
workers and the check processes' fork server must all end with ``make portal-stop``. The
portal runs in its own session (``sr_pipeline.processes``), so the session's
processes are what is checked, with a check made in between so the fork server exists.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from sr_pipeline import processes
from tests import ROOT
from tests.portal.helpers import PASSWORD, free_port, planted_tracker, session_processes

pytestmark = pytest.mark.slow


def make(target: str, env: dict[str, str]) -> str:
    done = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_make_portal_serves_and_make_portal_stop_leaves_nothing(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SR_PORTAL_DIR": str(tmp_path / "portal"), "SR_PORTAL_PORT": str(port),
           "SR_TRACKERS_DIR": str(tmp_path / "trackers"),
           "SR_WAREHOUSE": str(tmp_path / "warehouse" / "sr.duckdb")}  # fmt: skip
    password = tmp_path / "password"
    password.write_text(PASSWORD)
    added = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "sr_pipeline.portal", "add-user",
         "clerk@qip.example", "--fund", "QIP", "--password-file", str(password)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    token = added.stdout.strip().splitlines()[-1]
    assert f"127.0.0.1:{port}" in make("portal", env)
    recorded = processes.recorded("portal", tmp_path / "portal" / "run")
    assert recorded is not None
    try:
        with planted_tracker(tmp_path).open("rb") as handle:
            response = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/checks",
                files={"file": ("t.xlsx", handle)},
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            )
        assert response.status_code == 201
        assert len(session_processes(recorded.pid)) >= 3  # gunicorn, workers, fork servers
    finally:
        assert "stopped" in make("portal-stop", env)
    deadline = time.monotonic() + 10
    while session_processes(recorded.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(recorded.pid) == []
    assert "not running" in make("portal-stop", env)
