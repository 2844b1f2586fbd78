"""The Dagster deployment of ``deploy/`` on one machine, as Dagster's own deployment model
has it: PostgreSQL storage, a code server, the daemon, a webserver, a read-only webserver, and
(when credentials are configured) nginx in front; each its own process.

Start order: PostgreSQL, the instance's tables (while the code server loads the code), the
code server, then the daemon, the webservers and nginx together; ``start`` returns once the
UI answers and shows the code location loaded. Stop order: the daemon (nothing new is
dequeued, no sensor ticks), then runs still in progress get ``SR_STOP_RUN_TIMEOUT`` seconds to
finish before they are terminated as the UI's Terminate button does (they end canceled, to be
re-executed), then nginx, the webservers and the code server together, then PostgreSQL. A run
launched meanwhile, and any queued run, waits in PostgreSQL for the next ``start``.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import stat
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from sr_pipeline import processes
from sr_pipeline.service import proxy
from sr_pipeline.service.config import (
    DEFINITIONS_MODULE,
    DEPLOY_DIR,
    LOCATION_NAME,
    ServiceConfig,
    connectable,
)
from sr_pipeline.service.postgres import PrivateCluster
from sr_pipeline.settings import project_root

PROJECT_ROOT = project_root()

BIN = Path(sys.executable).parent
PG_ROLE = PG_DATABASE = "dagster"
PASSWORD_FILE = "dagster-pg-password"
# The fund units' portal keeps its accounts and record in a database of its own.
PORTAL_ROLE = PORTAL_DATABASE = "portal"
PORTAL_PASSWORD_FILE = "portal-pg-password"
ADMIN_PASSWORD_FILE = "pg-admin-password"
READY_TIMEOUT_S = 120
UMASK = 0o027  # as the systemd units' UMask=
# Settings the Dagster processes do not need: the password is already in SR_DAGSTER_PG_URL.
_NOT_PASSED = ("SR_DAGSTER_PG_PASSWORD", "SR_PG_ADMIN_PASSWORD", "SR_PORTAL_PG_PASSWORD")

Say = Callable[[str], None]


class ServiceError(RuntimeError):
    pass


@dataclass(frozen=True)
class Component:
    name: str  # also its PID file and log file
    argv: list[str]
    address: str  # what to show the user


def cluster(config: ServiceConfig, administer: bool = False) -> PrivateCluster:
    """The private cluster; with its superuser's password when it is to be created or
    administered (starting, stopping and status need none)."""
    password = config.secret(ADMIN_PASSWORD_FILE, "SR_PG_ADMIN_PASSWORD") if administer else ""
    return PrivateCluster(config.postgres_dir, config.pg_port, password)


def pg_url(config: ServiceConfig) -> str:
    """Dagster's PostgreSQL URL: ``SR_DAGSTER_PG_URL``, or the private cluster's."""
    if config.pg_url:
        return config.pg_url
    password = config.secret(PASSWORD_FILE, "SR_DAGSTER_PG_PASSWORD")
    return cluster(config).url(PG_ROLE, password, PG_DATABASE)


def portal_db_url(config: ServiceConfig) -> str | None:
    """The portal's database: ``SR_PORTAL_DB_URL``, or its database in the private cluster
    (None with an external PostgreSQL and no URL: the portal's embedded SQLite)."""
    if config.environ.get("SR_PORTAL_DB_URL"):
        return config.environ["SR_PORTAL_DB_URL"]
    if not config.private_postgres:
        return None
    password = config.secret(PORTAL_PASSWORD_FILE, "SR_PORTAL_PG_PASSWORD")
    return cluster(config).url(PORTAL_ROLE, password, PORTAL_DATABASE)


def process_env(config: ServiceConfig) -> dict[str, str]:
    env = {k: v for k, v in config.environ.items() if k not in _NOT_PASSED}
    env.update(DAGSTER_HOME=str(config.dagster_home), SR_DAGSTER_PG_URL=pg_url(config))
    env.update(
        SR_PORTAL_HOST="127.0.0.1", SR_PORTAL_PORT=str(config.portal_port),
        SR_PORTAL_DIR=str(config.portal_dir),
    )  # fmt: skip
    portal_db = portal_db_url(config)
    if portal_db:
        env["SR_PORTAL_DB_URL"] = portal_db
    return env


def workspace_file(config: ServiceConfig) -> Path:
    return config.dagster_home / "workspace.yaml"


def render(config: ServiceConfig) -> None:
    """DAGSTER_HOME/dagster.yaml (deploy/dagster.yaml as is) and workspace.yaml (pointing at
    this service's code server socket)."""
    config.dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEPLOY_DIR / "dagster.yaml", config.dagster_home / "dagster.yaml")
    workspace = yaml.safe_load((DEPLOY_DIR / "workspace.yaml").read_text())
    (server,) = (entry["grpc_server"] for entry in workspace["load_from"])
    server.update(socket=str(config.code_server_socket), location_name=LOCATION_NAME)
    workspace_file(config).write_text(
        "# Written by python -m sr_pipeline.service from deploy/workspace.yaml.\n"
        + yaml.safe_dump(workspace, sort_keys=False)
    )


def prepare_folders(config: ServiceConfig) -> None:
    """The service's folder and its run folder let other accounts through, without listing
    them (PostgreSQL's user to its data, nginx's workers to the sockets); the sockets' folders:
    the code server's for the service's user alone (0700), the webservers' for it and nginx's
    workers (0750, group www-data when we are root; otherwise nginx's workers are this very
    user)."""
    for folder in (config.service_dir, config.run_dir):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, stat.S_IMODE(folder.stat().st_mode) | 0o711)
    for folder, mode in ((config.private_dir, 0o700), (config.web_dir, 0o750)):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
    if os.geteuid() == 0:
        os.chown(config.web_dir, 0, proxy.worker_gid())


def _webserver(config: ServiceConfig, endpoint: str | Path, port: int) -> list[str]:
    workspace = str(workspace_file(config))
    if isinstance(endpoint, Path):  # behind the proxy: a socket, no TCP port
        prefix = [sys.executable, "-m", "sr_pipeline.service.webserver", "--socket", str(endpoint)]
        return [*prefix, "-w", workspace]
    return [str(BIN / "dagster-webserver"), "-h", config.ui_host, "-p", str(port), "-w", workspace]


def components(config: ServiceConfig) -> list[Component]:
    """The long-running processes, in start order."""
    workspace = str(workspace_file(config))
    found = [
        Component(
            "code-server",
            [
                str(BIN / "dagster"),
                "code-server",
                "start",
                "--socket",
                str(config.code_server_socket),
                "-m",
                DEFINITIONS_MODULE,
                "--location-name",
                LOCATION_NAME,
            ],  # fmt: skip
            f"unix:{config.code_server_socket}",
        ),
        Component("daemon", [str(BIN / "dagster-daemon"), "run", "-w", workspace], "-"),
        Component(
            "webserver",
            _webserver(config, config.ui_endpoint, config.ui_port),
            str(config.ui_endpoint),
        ),
        Component(
            "webserver-readonly",
            [*_webserver(config, config.readonly_endpoint, config.readonly_port), "--read-only"],
            str(config.readonly_endpoint),
        ),
        Component(
            "portal", [sys.executable, "-m", "sr_pipeline.portal", "serve"], config.portal_url
        ),  # fmt: skip
    ]
    if config.proxy_enabled:
        conf = config.run_dir / "nginx" / "nginx.conf"
        found.append(
            Component(
                "proxy",
                proxy.argv(config, conf),
                f"{config.proxy_scheme}://{config.proxy_address}:{config.proxy_port} (editors), "
                f"{config.proxy_scheme}://{config.proxy_address}:{config.proxy_view_port} "
                "(viewers), "
                f"{config.proxy_scheme}://{config.proxy_address}:{config.proxy_portal_port} "
                "(fund units' portal)",
            )
        )
    return found


@contextmanager
def instance(config: ServiceConfig) -> Iterator:
    """The service's DagsterInstance (as its processes see it), for runs and their history."""
    import dagster as dg

    previous = os.environ.get("SR_DAGSTER_PG_URL")
    os.environ["SR_DAGSTER_PG_URL"] = pg_url(config)
    try:
        with dg.DagsterInstance.from_config(str(config.dagster_home)) as found:
            yield found
    finally:
        if previous is None:
            os.environ.pop("SR_DAGSTER_PG_URL", None)
        else:
            os.environ["SR_DAGSTER_PG_URL"] = previous


def start_postgres(config: ServiceConfig, say: Say) -> None:
    if not config.private_postgres:
        import sqlalchemy

        engine = sqlalchemy.create_engine(config.pg_url)
        _wait(lambda: _connects(engine), 30, "PostgreSQL at SR_DAGSTER_PG_URL")
        say("postgres: SR_DAGSTER_PG_URL answers")
        return
    private = cluster(config, administer=True)
    private.start()
    password = config.secret(PASSWORD_FILE, "SR_DAGSTER_PG_PASSWORD")
    private.ensure_database(PG_ROLE, password, PG_DATABASE)
    portal_password = config.secret(PORTAL_PASSWORD_FILE, "SR_PORTAL_PG_PASSWORD")
    private.ensure_database(PORTAL_ROLE, portal_password, PORTAL_DATABASE)
    say(
        f"postgres: private cluster on 127.0.0.1:{config.pg_port} "
        f"(pid {private.postmaster_pid()}, data {private.folder})"
    )


def start(config: ServiceConfig, say: Say = print) -> None:
    """Start every part that is not running. On failure, stop every part: a service half up
    (a daemon without its code server, say) is worse than none. Everything the service and
    its runs write (logs, the work database, feedback, bulletins) is made under umask 0027:
    the service's group may read it, other accounts nothing."""
    config.check()
    os.umask(UMASK)
    try:
        prepare_folders(config)
        start_postgres(config, say)
        render(config)
        env = process_env(config)
        todo = [c for c in components(config) if not processes.running(c.name, config.run_dir)]
        for component in components(config):
            if component not in todo:
                say(f"{component.name}: already running")
        code_server = [c for c in todo if c.name == "code-server"]
        rest = [c for c in todo if c.name != "code-server"]

        def launch(component: Component) -> None:
            if component.name == "proxy":
                proxy.write_private_config(config)
            processes.start(
                component.name,
                component.argv,
                run_dir=config.run_dir,
                log_dir=config.log_dir,
                env=env,
                cwd=PROJECT_ROOT,
            )

        for component in code_server:
            launch(component)
        # Dagster's tables, created once here (a first start) while the code server loads the
        # code, rather than by several processes racing.
        with instance(config):
            pass
        for component in code_server:
            _wait_ready(config, component)
            say(f"{component.name}: {component.address}")
        # The others only need the code server: start them together, then wait for each.
        for component in rest:
            launch(component)
        for component in rest:
            _wait_ready(config, component)
            say(f"{component.name}: {component.address}")
        _wait_location_loaded(config)
        for component in components(config):  # e.g. a daemon that died on a bad config
            if not processes.running(component.name, config.run_dir):
                raise ServiceError(f"{component.name} exited:\n{_log_tail(config, component.name)}")
    except BaseException:
        stop(config, say=lambda line: None)
        raise


def stop(config: ServiceConfig, say: Say = print) -> None:
    """Stop every part, in the order that lets runs in progress end cleanly."""
    if processes.stop("daemon", config.run_dir):
        say("daemon: stopped (no more launches, no sensor ticks)")
    if processes.running("webserver", config.run_dir):
        _finish_runs(config, say)
    for name in processes.stop_many(
        ["proxy", "portal", "webserver-readonly", "webserver", "code-server"], config.run_dir
    ):
        say(f"{name}: stopped")
    if config.private_postgres and cluster(config).running():
        cluster(config).stop()
        say("postgres: stopped")


def any_running(config: ServiceConfig) -> bool:
    return any(processes.running(c.name, config.run_dir) for c in components(config))


def status(config: ServiceConfig) -> dict[str, str]:
    found = {}
    if config.private_postgres:
        private = cluster(config)
        found["postgres"] = (
            f"running, pid {private.postmaster_pid()}, 127.0.0.1:{config.pg_port}"
            if private.running()
            else "stopped"
        )
    else:
        found["postgres"] = "external (SR_DAGSTER_PG_URL)"
    for component in components(config):
        process = processes.recorded(component.name, config.run_dir)
        found[component.name] = (
            f"running, pid {process.pid}, {component.address}" if process else "stopped"
        )
    return found


IN_PROGRESS_QUERY = """{ runsOrError(filter: {statuses: [STARTING, STARTED, CANCELING]}) {
  ... on Runs { results { runId } } } }"""
TERMINATE_MUTATION = """mutation($runId: String!) { terminateRun(runId: $runId) {
  __typename } }"""


def _finish_runs(config: ServiceConfig, say: Say) -> None:
    """Let runs in progress finish (up to SR_STOP_RUN_TIMEOUT), then terminate the rest the
    way the UI's Terminate button does (they end canceled: re-execute them from the UI)."""

    def in_progress() -> list[str]:
        data = graphql(config.ui_endpoint, IN_PROGRESS_QUERY)["runsOrError"]
        return [run["runId"] for run in data.get("results", [])]

    try:
        runs = in_progress()
        if runs:
            say(f"waiting up to {config.stop_run_timeout:.0f} s for {len(runs)} run(s)")
        deadline = time.monotonic() + config.stop_run_timeout
        while runs and time.monotonic() < deadline:
            time.sleep(1)
            runs = in_progress()
        for run_id in runs:
            say(f"terminating run {run_id}")
            graphql(config.ui_endpoint, TERMINATE_MUTATION, {"runId": run_id})
    except (OSError, ServiceError) as exc:
        say(f"could not check the runs in progress: {exc}")


def _connects(engine) -> bool:
    try:
        engine.connect().close()
        return True
    except Exception:
        return False


def _wait(ready: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.25)
    raise ServiceError(f"{what} not ready after {timeout:.0f} s")


def _log_tail(config: ServiceConfig, name: str) -> str:
    log = config.log_dir / f"{name}.log"
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def _wait_ready(config: ServiceConfig, component: Component) -> None:
    """Until the process answers (the daemon has no port: until it is still alive after its
    start-up)."""
    checks: dict[str, Callable[[], bool]] = {
        "code-server": lambda: _grpc_serving(config.code_server_socket),
        "daemon": lambda: True,
        "webserver": lambda: _http_status(config.ui_endpoint, "/server_info") == 200,
        "webserver-readonly": lambda: _http_status(config.readonly_endpoint, "/server_info") == 200,
        "portal": lambda: _http_status(config.portal_url, "/login/") == 200,
        "proxy": lambda: _accepts(connectable(config.proxy_address), config.proxy_port),
    }

    def ready() -> bool:
        if not processes.running(component.name, config.run_dir):
            raise ServiceError(
                f"{component.name} exited during start-up:\n{_log_tail(config, component.name)}"
            )
        return checks[component.name]()

    try:
        _wait(ready, READY_TIMEOUT_S, component.name)
    except ServiceError as exc:
        raise ServiceError(f"{exc}\n{_log_tail(config, component.name)}") from None


def _grpc_serving(socket_path: Path) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"unix:{socket_path}") as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="DagsterApi"), timeout=2
            )
        except grpc.RpcError:
            return False
    return response.status == health_pb2.HealthCheckResponse.SERVING


def _accepts(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over a webserver's Unix socket."""

    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self.socket_path))
        except OSError:
            sock.close()
            raise
        self.sock = sock


def request(
    endpoint: str | Path, path: str, body: bytes | None = None, headers: dict | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:  # fmt: skip
    """``(status, body)`` of a request to a webserver: a URL, or its Unix socket."""
    if isinstance(endpoint, Path):
        connection = _UnixConnection(endpoint, timeout)
        try:
            connection.request("POST" if body is not None else "GET", path, body, headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()
    call = urllib.request.Request(f"{endpoint}{path}", data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _http_status(endpoint: str | Path, path: str) -> int | None:
    try:
        return request(endpoint, path, timeout=2)[0]
    except OSError:
        return None


LOCATION_QUERY = """{ workspaceOrError { __typename ... on Workspace { locationEntries {
  name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def graphql(
    endpoint: str | Path, query: str, variables: dict | None = None, headers: dict | None = None
):
    """POST a GraphQL query to a webserver (its URL or its socket); the decoded ``data``."""
    status, raw = request(
        endpoint,
        "/graphql",
        json.dumps({"query": query, "variables": variables or {}}).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )
    if status != 200:
        raise ServiceError(f"GraphQL answered {status}: {raw[:300]!r}")
    body = json.loads(raw)
    if body.get("errors"):
        raise ServiceError(f"GraphQL errors: {body['errors']}")
    return body["data"]


def _wait_location_loaded(config: ServiceConfig) -> None:
    """Until the UI shows the code location loaded; its load error if it failed."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        data = graphql(config.ui_endpoint, LOCATION_QUERY)["workspaceOrError"]
        entries = {e["name"]: e for e in data.get("locationEntries", [])}
        entry = entries.get(LOCATION_NAME)
        if entry and entry["loadStatus"] == "LOADED":
            loaded = entry["locationOrLoadError"] or {}
            if loaded.get("__typename") == "PythonError":
                raise ServiceError(f"the code location failed to load: {loaded['message']}")
            return
        time.sleep(0.5)
    raise ServiceError(f"code location {LOCATION_NAME} not loaded after {READY_TIMEOUT_S} s")
