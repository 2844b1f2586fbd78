"""A real portal for the tests: gunicorn started on a free loopback port with its own store,
trackers folder and warehouse in a temporary folder, accounts made with the command line
(``add-user``, whose last line is the token), and stopped after with no process left."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests import ROOT
from tests.builders import qip_row, qip_workbook

PASSWORD = "mot de passe du test 2018"
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_processes(sid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


@dataclass
class Portal:
    root: Path
    port: int
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def trackers(self) -> Path:
        return self.root / "trackers"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "sr.duckdb"

    @property
    def portal_dir(self) -> Path:
        return self.root / "portal"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SR_PORTAL_DIR=str(self.portal_dir), SR_TRACKERS_DIR=str(self.trackers),
            SR_WAREHOUSE=str(self.warehouse), SR_PORTAL_PORT=str(self.port),
            SR_PORTAL_WORKERS="2",
        )  # fmt: skip
        env.pop("DAGSTER_HOME", None)
        return env

    def add_user(self, email: str, fund: str) -> str:
        password_file = self.root / "password"
        password_file.write_text(PASSWORD + "\n")
        done = subprocess.run(
            [sys.executable, "-m", "sr_pipeline.portal", "add-user", email, "--fund", fund,
             "--password-file", str(password_file)],
            env=self.env(), cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        token = done.stdout.strip().splitlines()[-1]
        self.tokens[email] = token
        return token

    def start(self) -> None:
        log = (self.root / "portal.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sr_pipeline.portal", "serve"],
            env=self.env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.root / "portal.log").read_text()
            try:
                urllib.request.urlopen(f"{self.url}/login/", timeout=2).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError("the portal did not answer")

    def stop(self) -> None:
        """SIGTERM to gunicorn's session; then nothing of it may be left."""
        if self.process is None:
            return
        sid = self.process.pid
        os.killpg(sid, signal.SIGTERM)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while session_processes(sid) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = session_processes(sid)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"processes left behind: {left}"


# The other accounts in one process (the command line's own function): one interpreter and
# Django start-up instead of one per account keeps the modules' set-up short.
MORE_USERS = """
import sys
from pathlib import Path
from sr_pipeline.portal.__main__ import add_user
for email, fund in zip(sys.argv[2::2], sys.argv[3::2]):
    print(email, add_user(email, fund, Path(sys.argv[1])))
"""


def start_portal(root: Path) -> Portal:
    """A running portal with a QIP clerk (made by the ``add-user`` command), a TF clerk and a
    data-team account."""
    portal = Portal(root, free_port())
    portal.trackers.mkdir(parents=True)
    portal.add_user("clerk@qip.example", "QIP")
    more = subprocess.run(
        [sys.executable, "-c", MORE_USERS, str(root / "password"),
         "clerk@tf.example", "TF", "team@sr.example", "ALL"],
        env=portal.env(), cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    for line in more.stdout.splitlines():
        email, token = line.split()
        portal.tokens[email] = token
    portal.start()
    return portal


# A QIP tracker with problems planted at known cells. The table starts at row 4 (two title
# rows, a blank row, the header), so the n-th data row is Excel row 4 + n.
PLANTED = {
    ("C", 6): ("Région", "Tombouctouu"),  # a typo of a gazetteer region
    ("J", 7): ("Date d'approbation", "31/06/2018"),  # no 31 June
    ("N", 8): ("Statut", "En cour"),  # not in the status vocabulary
    ("H", 9): ("Budget", "quarante mille"),  # not a number
}


def planted_tracker(folder: Path, name: str = "mon suivi.xlsx") -> Path:
    rows = [
        qip_row(1),
        qip_row(2, **{"Région": "Tombouctouu"}),
        qip_row(3, **{"Date d'approbation": "31/06/2018"}),
        qip_row(4, **{"Statut": "En cour"}),
        qip_row(5, **{"Budget": "quarante mille"}),
        qip_row(6, **{"Budget": 60_000}),  # over the QIP ceiling: flagged, still loaded
    ]
    return qip_workbook(folder, rows, name=name)


def corrected_tracker(folder: Path, name: str = "mon suivi corrigé.xlsx") -> Path:
    rows = [qip_row(n) for n in range(1, 7)]
    return qip_workbook(folder, rows, name=name)
