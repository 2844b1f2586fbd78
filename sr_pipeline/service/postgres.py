"""A private PostgreSQL cluster from Debian's ``postgresql`` binaries, for one machine.

The cluster lives in one folder (data, its log and its unix socket), listens on 127.0.0.1 only,
and every account logs in with a password (scram-sha-256), given by the caller (from the
environment or a file outside the repository) and never written anywhere else:

- the superuser (``sr_admin``) administers it through the unix socket, which sits inside the
  cluster's folder (mode 0700), so only the folder's owner (and root) can even try; over TCP
  it is refused whatever the password (``pg_hba.conf``, written at every start);
- each application role (``dagster``; a DuckLake catalog can add its own) logs in over TCP,
  to the databases it was granted (PUBLIC may connect to none); no replication.

``initdb`` and ``pg_ctl`` refuse to run as root: as root they run as the ``postgres`` user
(``runuser``), which then owns the folder; its parent folders must let ``postgres`` through.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ADMIN = "sr_admin"
SERVER_USER = "postgres"  # the Debian account the server runs as when we are root
START_TIMEOUT_S = 60
HBA = """\
# Written by sr_pipeline.service.postgres at every start; edits here are lost.
# The superuser only on the cluster's own socket (its folder is 0700); nobody over TCP as it.
local   all   {admin}                    scram-sha-256
host    all   {admin}   0.0.0.0/0        reject
host    all   {admin}   ::/0             reject
# The application roles over loopback, each with its password. No replication lines.
host    all   all       127.0.0.1/32     scram-sha-256
"""


class PostgresError(RuntimeError):
    pass


def bin_dir() -> Path:
    """Debian's newest installed PostgreSQL server binaries (``SR_PG_BIN`` overrides)."""
    if os.environ.get("SR_PG_BIN"):
        return Path(os.environ["SR_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresError(
        "PostgreSQL server binaries not found: install Debian's postgresql package "
        "(make serve does it) or set SR_PG_BIN"
    )


@dataclass(frozen=True)
class PrivateCluster:
    """A PostgreSQL cluster in ``folder``, served on 127.0.0.1:``port``."""

    folder: Path
    port: int
    admin_password: str = field(default="", repr=False)  # needed to create it and to administer
    host: str = "127.0.0.1"

    @property
    def log_file(self) -> Path:
        return self.folder / "postgresql.log"

    @property
    def socket_dir(self) -> Path:
        return self.folder  # the socket inherits the folder's 0700

    def _as_server_user(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError as exc:
            raise PostgresError(
                f"running as root, and there is no '{SERVER_USER}' user to run PostgreSQL as "
                "(install Debian's postgresql package)"
            ) from exc
        return ["runuser", "-u", SERVER_USER, "--", *argv]

    def _run(self, argv: list[str], what: str) -> str:
        done = subprocess.run(
            self._as_server_user(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd="/",  # the server user may not be allowed into our working directory
        )
        if done.returncode != 0:
            log = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise PostgresError(f"{what} failed:\n{done.stdout}{done.stderr}{log}")
        return done.stdout

    def initialised(self) -> bool:
        return (self.folder / "PG_VERSION").exists()

    def init(self) -> None:
        """Create the cluster (once), every login by password."""
        if self.initialised():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        owner = pwd.getpwnam(SERVER_USER) if os.geteuid() == 0 else None
        if owner:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        # initdb reads the superuser's password from a file: a private one, gone right after.
        with tempfile.TemporaryDirectory(prefix="sr-initdb-") as private:
            pwfile = Path(private) / "pwfile"
            pwfile.write_text(self.admin_password + "\n")
            os.chmod(pwfile, 0o600)
            if owner:
                os.chmod(private, 0o711)
                os.chown(pwfile, owner.pw_uid, owner.pw_gid)
            initdb = [str(bin_dir() / "initdb"), "-D", str(self.folder), "-U", ADMIN]
            initdb += [f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale"]
            self._run(initdb, "initdb")
        self._write_hba()

    def _write_hba(self) -> None:
        """``pg_hba.conf`` as :data:`HBA` says (initdb's own allows replication and the
        superuser over TCP)."""
        hba = self.folder / "pg_hba.conf"
        owner = hba.stat()
        hba.write_text(HBA.format(admin=ADMIN))
        os.chown(hba, owner.st_uid, owner.st_gid)
        os.chmod(hba, 0o600)

    def running(self) -> bool:
        if not self.initialised():
            return False
        argv = self._as_server_user([str(bin_dir() / "pg_ctl"), "-D", str(self.folder), "status"])
        done = subprocess.run(argv, capture_output=True, cwd="/", stdin=subprocess.DEVNULL)
        return done.returncode == 0

    def postmaster_pid(self) -> int | None:
        """The server's process id while it runs (first line of postmaster.pid)."""
        try:
            return int((self.folder / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self) -> None:
        """Start the server (no-op when it runs) and wait until it accepts connections."""
        self.init()
        self._write_hba()  # a cluster made by an earlier version gets the same rules
        if self.running():
            self._run([str(bin_dir() / "pg_ctl"), "-D", str(self.folder), "reload"], "reload")
            return
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses={self.host} "
            "-c unix_socket_permissions=0700"
        )
        self._run(
            [
                str(bin_dir() / "pg_ctl"),
                "-D",
                str(self.folder),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "start",
            ],
            "pg_ctl start",
        )

    def stop(self) -> None:
        """Fast shutdown (open sessions are rolled back), waiting until the server is gone."""
        if not self.running():
            return
        pid = self.postmaster_pid()
        self._run(
            [str(bin_dir() / "pg_ctl"), "-D", str(self.folder), "-m", "fast", "-w", "stop"],
            "pg_ctl stop",
        )
        deadline = time.monotonic() + 10
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)

    def admin_connection(self, database: str = "postgres"):
        """A superuser connection through the unix socket (autocommit)."""
        import psycopg2

        con = psycopg2.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=ADMIN,
            password=self.admin_password,
            dbname=database,
        )
        con.autocommit = True
        return con

    def ensure_database(self, role: str, password: str, database: str) -> None:
        """A login role with this password (set again each time: a changed password takes
        effect), owning ``database``."""
        from psycopg2 import sql

        con = self.admin_connection()
        try:
            with con.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                verb = "ALTER" if cur.fetchone() else "CREATE"
                cur.execute(
                    sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(role)),
                    (password,),
                )
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if not cur.fetchone():
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} OWNER {}").format(
                            sql.Identifier(database), sql.Identifier(role)
                        )
                    )
                # Only its owner connects to it; nobody to the maintenance database.
                for name in (database, "postgres"):
                    cur.execute(
                        sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(
                            sql.Identifier(name)
                        )
                    )
        finally:
            con.close()

    def url(self, role: str, password: str, database: str) -> str:
        """SQLAlchemy URL with the psycopg2 driver named (see ``config.normalise_pg_url``)."""
        return (
            f"postgresql+psycopg2://{quote(role, safe='')}:{quote(password, safe='')}"
            f"@{self.host}:{self.port}/{quote(database, safe='')}"
        )


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
