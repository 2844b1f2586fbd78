"""The section's service end to end, as ``make serve`` runs it: a private PostgreSQL on
loopback, the code server, the daemon, both webservers and the nginx proxy, each its own
process, started once for the module with ``python -m sr_pipeline.service start`` on free
ports, over a trackers folder of real workbooks (tests/pipeline_helpers.py's small set).

The mess it guards against, as it happens on the mission's shared folder and server:

- nobody at the keyboard: a unit drops a revised tracker and the month must be rebuilt by the
  daemon's sensor alone, its run kept in PostgreSQL, the new figures published, the run
  visible in the UI (Chromium, through the proxy);
- a tracker still being copied: the sensor sees a half-written file (refused), then the
  complete one, and the month must end up built from the complete file with no refusal left;
- a run that fails at night: the data team gets an email naming the month, the failing step
  and the first error line (a local SMTP server receives it);
- an open UI on the mission network: nginx refuses anyone without credentials, and the
  viewers' read-only webserver refuses to launch a run even to an authenticated viewer;
- a page an editor opens on another site, sending the door a mutation as a GET or as a
  ``text/plain`` POST (the browser adds the cached credentials): refused by nginx, while the
  Dagster UI itself (Chromium, through the doors) keeps working;
- another account of the machine (``nobody``) going around nginx to the webservers or the code
  server, which have no login: they have no TCP port, and their sockets refuse it;
- the PostgreSQL superuser over TCP, the ``dagster`` database open to PUBLIC;
- logs, the work database (every raw row), feedback workbooks and bulletins readable by every
  account of the machine: the service writes under umask 0027;
- a restart (maintenance, reboot) that loses the run history or leaves processes behind: stop
  and start keep every run, and after the last stop no process this module started remains
  (each carries a marker in its environment; PostgreSQL's by its pid and data folder).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sr_pipeline import processes
from sr_pipeline.defs.alerts import SUBJECT_PREFIX
from sr_pipeline.service import proxy, stack
from sr_pipeline.service.config import LOCATION_NAME, ServiceConfig
from tests import ROOT as PROJECT_ROOT
from tests.builders import contribution_row, qip_row, qip_workbook, tf_row, tf_workbook
from tests.mail_helpers import Mailbox, free_port, local_smtp
from tests.pipeline_helpers import write_small_trackers

pytestmark = pytest.mark.skipif(
    not (Path("/usr/lib/postgresql").is_dir() and shutil.which("nginx", path="/usr/sbin:/usr/bin")),
    reason="Debian's postgresql and nginx are not installed (make debian-packages installs them)",
)
pytestmark = [pytestmark, pytest.mark.slow]

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
EDITOR = ("amadou", "editor-pass-1")
VIEWER = ("fatou", "viewer-pass-2")
MAY = "2018-05-01"
RUN_TIMEOUT_S = 150  # a sensor tick (every 30 s), the queue, a run's process, the build
MAIL_TIMEOUT_S = 120
SENSOR = "tracker_folder_sensor"
MARKER = "SR_SERVICE_TEST_MARKER"


@dataclass
class Service:
    base: Path
    env: dict[str, str]
    config: ServiceConfig
    trackers: Path
    warehouse: Path
    mailbox: Mailbox
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def editors_url(self) -> str:
        return f"http://127.0.0.1:{self.config.proxy_port}"

    @property
    def viewers_url(self) -> str:
        return f"http://127.0.0.1:{self.config.proxy_view_port}"

    def cli(self, command: str) -> float:
        """``python -m sr_pipeline.service <command>`` as ``make serve`` runs it; seconds."""
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "sr_pipeline.service", command],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return time.monotonic() - began


def basic_auth(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def http_status(url: str, credentials: tuple[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=basic_auth(*credentials) if credentials else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_until(condition: Callable[[], object], timeout: float, what: str, service: Service):
    """Poll ``condition`` until it returns something truthy (bounded); its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)  # polling a condition, bounded by the deadline
    daemon_log = (service.config.log_dir / "daemon.log").read_text(errors="replace")[-3000:]
    pytest.fail(f"{what}: not seen after {timeout:.0f} s\n{daemon_log}")


def published(service: Service, sql: str, params: list | None = None) -> list[tuple] | None:
    """Rows from the published warehouse, opened read-only as an analyst would; None while
    there is no published file yet."""
    if not service.warehouse.exists():
        return None
    con = duckdb.connect(str(service.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def runs(service: Service) -> list[dg.DagsterRun]:
    """Every run, read back from PostgreSQL through Dagster's instance API."""
    with stack.instance(service.config) as instance:
        return list(instance.get_runs())


def wait_for_sensor_run(
    service: Service, since: float, what: str, until: Callable[[], object] = lambda: True
) -> dg.DagsterRun:
    """A run of the tracker sensor created after ``since`` that has succeeded (read back from
    PostgreSQL through Dagster's instance API), once ``until`` holds too (the files of one
    drop may land in two sensor ticks); fails the test if such a run failed."""
    created = dg.RunsFilter(
        tags={"dagster/sensor_name": SENSOR},
        created_after=datetime.fromtimestamp(since, tz=UTC),
    )
    with stack.instance(service.config) as instance:

        def succeeded() -> dg.DagsterRun | None:
            found = instance.get_runs(filters=created)
            failed = [run.run_id for run in found if run.status == dg.DagsterRunStatus.FAILURE]
            assert not failed, f"sensor run(s) failed: {failed}"
            done = [run for run in found if run.status == dg.DagsterRunStatus.SUCCESS]
            return done[-1] if done and until() else None  # newest first: oldest last

        return wait_until(succeeded, RUN_TIMEOUT_S, what, service)


def sensor_ticked(service: Service, name: str) -> bool:
    data = stack.graphql(
        service.config.ui_endpoint,
        """query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
             ... on Sensor { sensorState { ticks(limit: 1) { status } } } } }""",
        {
            "s": {
                "repositoryLocationName": LOCATION_NAME,
                "repositoryName": "__repository__",
                "sensorName": name,
            }
        },  # fmt: skip
    )
    ticks = data["sensorOrError"]["sensorState"]["ticks"]
    return bool(ticks) and ticks[0]["status"] in ("SKIPPED", "SUCCESS")


LAUNCH = """mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename
  ... on LaunchRunSuccess { run { runId } } ... on UnauthorizedError { message }
  ... on PythonError { message } ... on RunConfigValidationInvalid { errors { message } } } }"""


def launch_month(url: str, month: str, credentials, run_config: dict | None = None) -> dict:
    """Launch build_months for one month through a webserver's GraphQL API, as the UI does."""
    params = {
        "selector": {
            "repositoryLocationName": LOCATION_NAME,
            "repositoryName": "__repository__",
            "jobName": "build_months",
        },  # fmt: skip
        "runConfigData": run_config or {},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": month}]},
    }
    headers = basic_auth(*credentials) if credentials else {}
    return stack.graphql(url, LAUNCH, {"p": params}, headers=headers)["launchRun"]


def marked_processes(marker: str, base: Path, pids: set[int]) -> list[str]:
    """Live processes carrying the marker in their environment, naming the test's folder on
    their command line, or among (or children of) ``pids``."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if stat[0] == "Z":
                continue
            environ = (proc / "environ").read_bytes()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        pid, ppid = int(proc.name), int(stat[1])
        if marker.encode() in environ or str(base).encode() in cmdline or {pid, ppid} & pids:
            found.append(f"{pid}: {cmdline.decode(errors='replace')[:150]}")
    return found


def recorded_pids(service: Service) -> set[int]:
    pids = {int(path.read_text().split()[0]) for path in service.config.run_dir.glob("*.pid")}
    postmaster = stack.cluster(service.config).postmaster_pid()
    return pids | ({postmaster} if postmaster else set())


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    # Not under pytest's tmp folder: that is private to root, and PostgreSQL runs as
    # 'postgres' when the tests run as root; it must reach its data folder.
    base = Path(tempfile.mkdtemp(prefix="sr-service-test-"))
    base.chmod(0o711)
    trackers = write_small_trackers(base / "trackers")
    editors, viewers = base / "editors.htpasswd", base / "viewers.htpasswd"
    for path, (user, password) in ((editors, EDITOR), (viewers, VIEWER)):
        subprocess.run(["htpasswd", "-B", "-b", "-c", str(path), user, password],
                       check=True, capture_output=True)  # fmt: skip
    marker = uuid.uuid4().hex
    with local_smtp() as mailbox:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SR_", "DAGSTER_"))
        }
        env.update(
            {
                MARKER: marker,
                "SR_SERVICE_DIR": str(base / "service"),
                "DAGSTER_HOME": str(base / "dagster_home"),
                "SR_SECRETS_DIR": str(base / "secrets"),
                "SR_TRACKERS_DIR": str(trackers),
                "SR_WAREHOUSE": str(base / "warehouse" / "sr.duckdb"),
                "SR_PG_PORT": str(free_port()),
                "SR_PROXY_HTPASSWD": str(editors),
                "SR_PROXY_VIEWERS_HTPASSWD": str(viewers),
                "SR_PROXY_PORT": str(free_port()),
                "SR_PROXY_VIEW_PORT": str(free_port()),
                "SR_PORTAL_PORT": str(free_port()),
                "SR_PROXY_PORTAL_PORT": str(free_port()),
                "SR_SMTP_HOST": "127.0.0.1",
                "SR_SMTP_PORT": str(mailbox.port),
                "SR_ALERT_FROM": "sr-pipeline@mission.example",
                "SR_ALERT_TO": "sr-data-team@mission.example",
            }
        )
        running = Service(
            base=base,
            env=env,
            config=ServiceConfig.from_env(env),
            trackers=trackers,
            warehouse=base / "warehouse" / "sr.duckdb",
            mailbox=mailbox,
        )
        pids: set[int] = set()
        try:
            running.timings["start"] = running.cli("start")
            pids = recorded_pids(running)
            yield running
        finally:
            pids |= recorded_pids(running)
            running.timings["stop"] = running.cli("stop")
            print(f"\nservice timings (s): {running.timings}")
    left = marked_processes(marker, base, pids)
    if not left:
        shutil.rmtree(base, ignore_errors=True)
    assert left == [], f"processes left after stop: {left}"


@dataclass
class Dropped:
    at: float  # when the files landed
    failing_run_id: str
    not_a_folder: Path
    tf_may: bytes  # the complete file; only its first half is in the folder


@pytest.fixture(scope="module")
def dropped(service: Service) -> Dropped:
    """Once both sensors have taken stock: a unit drops a revised QIP May tracker, another's
    TF May tracker is still being copied (half of it is there), and someone launches June
    with a warehouse path that runs into a file."""
    for name in (SENSOR, "run_failure_alert"):
        wait_until(lambda: sensor_ticked(service, name), 90, f"first tick of {name}", service)  # noqa: B023
    # The complete TF May file, built aside; the folder gets its first half.
    staging = service.base / "staging"
    tf_may = tf_workbook(
        staging,
        [tf_row(1), tf_row(4, Status="Completed", **{"End Date": date(2018, 5, 1)})],
        contributions=[contribution_row(**{"Amount": 1_000_000, "USD equivalent": 1_150_000})],
        name="TF_Project_Tracker_May2018.xlsx",
        title="as of 31 May 2018",
    ).read_bytes()
    at = time.time()
    qip_workbook(
        service.trackers / "QIP" / "2018",
        [
            qip_row(1),
            qip_row(2, **{"Région": "Kidal", "Budget": 40_000}),
            qip_row(7, **{"Statut": "En cours", "Date de clôture": "", "Budget": 30_000}),
        ],
        name="QIPs_Suivi_2018-05-31_v2.xlsx",
        title_date="31/05/2018",
    )
    (service.trackers / "TF" / "TF_Project_Tracker_May2018.xlsx").write_bytes(
        tf_may[: len(tf_may) // 2]
    )
    not_a_folder = service.base / "not-a-folder"
    not_a_folder.write_text("a file where the warehouse's folder should be\n")
    launched = launch_month(
        service.editors_url,
        "2018-06-01",
        EDITOR,
        {"resources": {"warehouse": {"config": {"path": str(not_a_folder / "sr.duckdb")}}}},
    )
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return Dropped(at, launched["run"]["runId"], not_a_folder, tf_may)


def test_the_sensor_builds_a_revised_tracker_without_anyone(service, dropped):
    # The daemon's sensor run, stored in PostgreSQL, for the one month the revision affects.
    qip_may = (
        "SELECT DISTINCT source_file FROM snapshots.projects "
        "WHERE as_of = DATE '2018-05-31' AND fund = 'QIP'"
    )
    run = wait_for_sensor_run(
        service,
        dropped.at,
        "the sensor's run for QIP May v2",
        until=lambda: published(service, qip_may) == [("QIPs_Suivi_2018-05-31_v2.xlsx",)],
    )
    assert run.tags.get("dagster/partition") == MAY
    figures = dict(
        published(
            service,
            "SELECT figure, value FROM marts.bulletin_figures "
            "WHERE as_of = DATE '2018-05-31' AND fund = 'QIP'",
        )
    )
    # v2: projects 1, 2 (40,000 now) and 7 (ongoing); v1 had 1 and 2 for 50,000.
    assert (figures["projects_total"], figures["projects_completed"]) == (3, 2)
    assert (figures["projects_ongoing"], figures["budget_usd"]) == (1, 25_000 + 40_000 + 30_000)

    # The UI lists it, through the proxy, in Chromium.
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    run_id = run.run_id
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            env={**os.environ, MARKER: service.env[MARKER]},
        )
        try:
            context = browser.new_context(
                http_credentials={"username": EDITOR[0], "password": EDITOR[1]},
                viewport={"width": 1400, "height": 900},
            )
            page = context.new_page()
            page.goto(f"{service.editors_url}/runs")
            expect(page.get_by_role("link", name=run_id[:8])).to_be_visible(timeout=30_000)
            artifacts = PROJECT_ROOT / "test-artifacts" / "service"
            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "runs.png"))

            # A viewer sees the same run on the read-only UI, where launching is disabled.
            viewer = browser.new_context(
                http_credentials={"username": VIEWER[0], "password": VIEWER[1]},
                viewport={"width": 1400, "height": 900},
            ).new_page()
            viewer.goto(f"{service.viewers_url}/runs")
            expect(viewer.get_by_role("link", name=run_id[:8])).to_be_visible(timeout=30_000)
            viewer.goto(f"{service.viewers_url}/asset-groups")
            materialize = viewer.get_by_role("button", name=re.compile(r"Materialize all"))
            expect(materialize).to_be_disabled(timeout=30_000)
            viewer.screenshot(path=str(artifacts / "read-only-lineage.png"))
        finally:
            browser.close()


def test_a_half_copied_tracker_is_refused_then_loaded_once_complete(service, dropped):
    may_refusals = (
        "SELECT source_file, problem FROM dq.rejected_files WHERE as_of = DATE '2018-05-31'"
    )
    wait_for_sensor_run(
        service,
        dropped.at,
        "the sensor's run for the half-copied TF May",
        until=lambda: published(service, may_refusals),
    )
    ((source_file, problem),) = published(service, may_refusals)
    assert source_file == "TF_Project_Tracker_May2018.xlsx"
    assert "damaged" in problem
    tf_may = (
        "SELECT DISTINCT source_file FROM snapshots.projects "
        "WHERE as_of = DATE '2018-05-31' AND fund = 'TF'"
    )
    assert published(service, tf_may) == []  # no older TF version to fall back on

    # The copy completes: same name, now the whole file.
    completed_at = time.time()
    (service.trackers / "TF" / "TF_Project_Tracker_May2018.xlsx").write_bytes(dropped.tf_may)
    run = wait_for_sensor_run(
        service,
        completed_at,
        "the sensor's run for the complete TF May",
        until=lambda: published(service, tf_may) == [("TF_Project_Tracker_May2018.xlsx",)],
    )
    assert run.tags.get("dagster/partition") == MAY
    assert published(service, may_refusals) == []
    tf_figures = dict(
        published(
            service,
            "SELECT figure, value FROM marts.bulletin_figures "
            "WHERE as_of = DATE '2018-05-31' AND fund = 'TF'",
        )
    )
    assert tf_figures["projects_total"] == 2


def test_a_failed_run_emails_the_data_team(service, dropped):
    run_id = dropped.failing_run_id
    message = service.mailbox.wait_for(lambda m: run_id in m.get_content(), MAIL_TIMEOUT_S)
    assert message is not None, "no alert email"
    error = f"FileExistsError: [Errno 17] File exists: '{dropped.not_a_folder}'"
    assert message["Subject"] == (
        f"{SUBJECT_PREFIX} Run failed: month 2018-06, step raw_trackers: {error}"
    )
    assert message["To"] == "sr-data-team@mission.example"
    body = message.get_content()
    assert "Month:       2018-06" in body
    assert "Failing step: raw_trackers" in body
    assert f"Error:       {error}" in body
    # A step that failed is not retried (the same data would fail the same way).
    with stack.instance(service.config) as instance:
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
        retries = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/parent_run_id": run_id}))
    assert retries == []


def test_the_proxy_asks_for_credentials_and_viewers_cannot_launch(service):
    editors, viewers = service.editors_url, service.viewers_url
    assert http_status(f"{editors}/server_info") == 401
    assert http_status(f"{editors}/server_info", (EDITOR[0], "wrong")) == 401
    assert http_status(f"{editors}/server_info", VIEWER) == 401  # a viewer is not an editor
    assert http_status(f"{editors}/server_info", EDITOR) == 200
    assert http_status(f"{viewers}/server_info") == 401
    assert http_status(f"{viewers}/server_info", VIEWER) == 200
    # Viewers can look ...
    listed = stack.graphql(
        viewers,
        "{ runsOrError { ... on Runs { results { runId } } } }",
        headers=basic_auth(*VIEWER),
    )
    assert "results" in listed["runsOrError"]
    # ... but not launch, through the proxy or on the read-only webserver itself.
    for url, credentials in ((viewers, VIEWER), (service.config.readonly_endpoint, None)):
        refused = launch_month(url, "2018-06-01", credentials)
        assert refused["__typename"] == "UnauthorizedError", refused


def test_stop_and_start_keep_the_run_history(service, dropped):
    # Let the runs the other tests caused settle, so history is compared at rest.
    busy = dg.RunsFilter(
        statuses=[
            dg.DagsterRunStatus.QUEUED,
            dg.DagsterRunStatus.STARTING,
            dg.DagsterRunStatus.STARTED,
            dg.DagsterRunStatus.CANCELING,
        ]
    )
    with stack.instance(service.config) as instance:
        wait_until(
            lambda: not instance.get_runs(filters=busy), RUN_TIMEOUT_S, "runs at rest", service
        )
    before = {run.run_id: run.status for run in runs(service)}
    assert before
    pids = recorded_pids(service)
    service.timings["restart_stop"] = service.cli("stop")
    assert marked_processes(service.env[MARKER], service.base, pids) == []
    service.timings["restart_start"] = service.cli("start")
    after = {run.run_id: run.status for run in runs(service)}
    assert {run_id: after.get(run_id) for run_id in before} == before
    assert http_status(f"{service.editors_url}/server_info", EDITOR) == 200


def test_the_daemon_runs_the_schedule_sensors_and_run_queue(service):
    data = stack.graphql(
        service.config.ui_endpoint,
        """query($s: ScheduleSelector!) {
             instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } }
             scheduleOrError(scheduleSelector: $s) { ... on Schedule {
               scheduleState { status } futureTicks(limit: 1) { results { timestamp } } } } }""",
        {
            "s": {
                "repositoryLocationName": LOCATION_NAME,
                "repositoryName": "__repository__",
                "scheduleName": "monthly_snapshot",
            }
        },  # fmt: skip
    )
    statuses = {
        daemon["daemonType"]: daemon["healthy"]
        for daemon in data["instance"]["daemonHealth"]["allDaemonStatuses"]
        if daemon["required"]
    }
    for daemon in ("SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR", "MONITORING"):
        assert statuses.get(daemon) is True, statuses
    schedule = data["scheduleOrError"]
    assert schedule["scheduleState"]["status"] == "RUNNING"
    (tick,) = schedule["futureTicks"]["results"]
    # 06:00 on the 5th in Bamako, which keeps UTC all year.
    next_tick = datetime.fromtimestamp(tick["timestamp"], tz=UTC)
    assert (next_tick.day, next_tick.hour, next_tick.minute) == (5, 6, 0)


def test_the_portal_is_behind_the_same_proxy_and_keeps_its_record_in_postgres(service, tmp_path):
    """The fund units' portal runs with the service: reached through nginx (which refuses an
    upload over 25 MB itself), its accounts and record in its own PostgreSQL database."""
    import psycopg2

    password = tmp_path / "password"
    password.write_text("mot de passe du service 41\n")
    env = stack.process_env(service.config)
    done = subprocess.run(
        [sys.executable, "-m", "sr_pipeline.portal", "add-user", "clerk@qip.example",
         "--fund", "QIP", "--password-file", str(password)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    token = done.stdout.strip().splitlines()[-1]
    door = f"http://127.0.0.1:{service.config.proxy_portal_port}"
    assert http_status(f"{door}/checks/") == 200  # redirected to sign-in, no htpasswd asked
    tracker = qip_workbook(tmp_path, [qip_row(1)], name="upload.xlsx")
    boundary = "sr-service-test"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="u.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + tracker.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Authorization": f"Bearer {token}",
               "Content-Type": f"multipart/form-data; boundary={boundary}"}  # fmt: skip
    request = urllib.request.Request(f"{door}/api/v1/checks", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 201
    big = urllib.request.Request(f"{door}/api/v1/checks", data=b"x" * (26 * 2**20), headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(big, timeout=60)
    assert refused.value.code == 413
    con = psycopg2.connect(env["SR_PORTAL_DB_URL"].replace("+psycopg2", ""))
    try:
        with con.cursor() as cur:
            cur.execute("SELECT upload_name, refused FROM portal_check")
            assert cur.fetchall() == [("u.xlsx", False)]
    finally:
        con.close()


def test_postgres_listens_on_loopback_and_every_account_needs_its_password(service):
    import psycopg2

    private = stack.cluster(service.config)
    refused = {
        # Over TCP, with a wrong password; on the cluster's own socket, the superuser with none.
        "dagster, wrong password": {"host": "127.0.0.1", "user": "dagster", "password": "x"},
        "sr_admin, no password": {"host": str(private.socket_dir), "user": "sr_admin"},
    }
    for case, options in refused.items():
        with pytest.raises(psycopg2.OperationalError, match="password"):
            psycopg2.connect(
                port=service.config.pg_port, dbname="postgres", passfile="/nonexistent", **options
            )
            pytest.fail(case)
    with stack.instance(service.config) as instance:  # the service's own URL works
        assert instance.get_runs(limit=1) is not None
    con = psycopg2.connect(stack.pg_url(service.config).replace("+psycopg2", ""))
    try:
        with con.cursor() as cur:
            cur.execute("SHOW listen_addresses")
            assert cur.fetchone() == ("127.0.0.1",)
    finally:
        con.close()


SENSOR_STATUS = """query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
  ... on Sensor { sensorState { status } } } }"""
STOP_SENSOR = 'mutation { stopSensor(id: "x") { __typename } }'


def door(url: str, path: str, method: str = "GET", body: bytes | None = None,
         headers: dict | None = None, credentials=EDITOR) -> int:  # fmt: skip
    """The status a door answers, with an editor's cached credentials as a browser sends."""
    sent = {**basic_auth(*credentials), **(headers or {})}
    request = urllib.request.Request(f"{url}{path}", data=body, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_cross_site_requests_on_the_doors_are_refused(service):
    editors = service.editors_url
    query = urllib.parse.quote(STOP_SENSOR)
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    refused = {
        "a mutation as a GET": door(editors, f"/graphql?query={query}"),
        "a text/plain POST": door(
            editors,
            f"/graphql?query={query}",
            "POST",
            b"{}",
            {"Content-Type": "text/plain", **evil},
        ),  # fmt: skip
        "a form POST": door(
            editors,
            "/graphql",
            "POST",
            b"query=" + query.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),  # fmt: skip
        "a JSON POST from another origin": door(
            editors,
            "/graphql",
            "POST",
            json.dumps({"query": STOP_SENSOR}).encode(),
            {"Content-Type": "application/json", "Origin": "https://evil.example"},
        ),  # fmt: skip
        "a JSON POST a browser says is cross-site": door(
            editors,
            "/graphql",
            "POST",
            json.dumps({"query": STOP_SENSOR}).encode(),
            {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
        ),  # fmt: skip
        "a report POST from another origin": door(
            editors,
            "/report_asset_materialization/raw/qip",
            "POST",
            b"{}",
            {"Content-Type": "application/json", **evil},
        ),  # fmt: skip
        "a WebSocket from another origin": door(
            editors,
            "/graphql",
            headers={
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Origin": "https://evil.example",
            },
        ),  # fmt: skip
        "the viewers' door, a mutation as a GET": door(
            service.viewers_url, f"/graphql?query={query}", credentials=VIEWER
        ),
    }
    assert refused == dict.fromkeys(refused, 403)
    # What the UI itself sends is let through: a same-origin JSON POST, pages from anywhere.
    same_origin = {"Content-Type": "application/json", "Origin": editors,
                   "Sec-Fetch-Site": "same-origin"}  # fmt: skip
    selector = {"repositoryLocationName": LOCATION_NAME, "repositoryName": "__repository__",
                "sensorName": SENSOR}  # fmt: skip
    body = json.dumps({"query": SENSOR_STATUS, "variables": {"s": selector}}).encode()
    assert door(editors, "/graphql", "POST", body, same_origin) == 200
    assert door(editors, "/runs", headers={"Sec-Fetch-Site": "cross-site"}) == 200  # a link
    state = stack.graphql(editors, SENSOR_STATUS, {"s": selector}, headers=basic_auth(*EDITOR))
    assert state["sensorOrError"]["sensorState"]["status"] == "RUNNING"


CONNECT = "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])"


def connect_as(user: str, path: Path) -> str:
    """Connect to a Unix socket as another account of the machine; its error, or ''."""
    argv = ["runuser", "-u", user, "--", "/usr/bin/python3", "-c", CONNECT, str(path)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd="/")
    return done.stderr.strip().splitlines()[-1] if done.returncode else ""


def test_another_account_cannot_reach_the_webservers_or_the_code_server(service):
    config = service.config
    sockets = {
        "webserver": config.ui_endpoint,
        "webserver-readonly": config.readonly_endpoint,
        "code-server": config.code_server_socket,
    }
    for path in sockets.values():
        assert stat.S_ISSOCK(path.stat().st_mode), path
    # None of them listens on TCP (where every account of the machine could connect).
    pids = {name: processes.recorded(name, config.run_dir).pid for name in sockets}
    listening = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
    for name, pid in pids.items():
        members = processes.session_members(pid)
        assert not any(f"pid={member}," in listening for member in members), (name, listening)
    # The service's own user reaches them (the service answered above); nginx does too.
    assert http_status(f"{service.editors_url}/server_info", EDITOR) == 200
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("another account can only be tried as root (runuser)")
    for name, path in sockets.items():
        assert connect_as("nobody", path).startswith("PermissionError"), name
    # nginx's workers reach the webservers, not the code server.
    assert connect_as(proxy.WORKER_USER, config.ui_endpoint) == ""
    assert connect_as(proxy.WORKER_USER, config.readonly_endpoint) == ""
    assert connect_as(proxy.WORKER_USER, config.code_server_socket).startswith("PermissionError")
    assert stat.S_IMODE(config.web_dir.stat().st_mode) == 0o750
    assert config.web_dir.stat().st_gid == proxy.worker_gid()
    assert stat.S_IMODE(config.private_dir.stat().st_mode) == 0o700


def test_the_postgres_superuser_is_refused_over_tcp(service):
    import psycopg2

    admin = stack.cluster(service.config, administer=True)
    with pytest.raises(psycopg2.OperationalError, match="pg_hba.conf rejects connection"):
        psycopg2.connect(host="127.0.0.1", port=service.config.pg_port, user="sr_admin",
                         password=admin.admin_password, dbname="postgres")  # fmt: skip
    con = admin.admin_connection()  # on its socket, as intended
    try:
        with con.cursor() as cur:
            cur.execute("SELECT type, database FROM pg_hba_file_rules")
            rules = cur.fetchall()
            cur.execute(
                "SELECT datname, has_database_privilege('public', datname, 'CONNECT') "
                "FROM pg_database WHERE datname IN ('dagster', 'postgres') ORDER BY 1"
            )
            public = cur.fetchall()
    finally:
        con.close()
    assert not [rule for rule in rules if "replication" in rule[1]], rules
    assert public == [("dagster", False), ("postgres", False)]


def test_what_the_service_writes_is_not_for_other_accounts(service, dropped):
    wait_for_sensor_run(service, dropped.at, "a sensor run that wrote the month")
    folder = service.warehouse.parent
    written = {
        "logs": list(service.config.log_dir.glob("*.log")),
        "work database": [folder / "sr.work.duckdb"],
        "feedback workbooks": list(folder.glob("feedback/*/*.xlsx")),
        "bulletins": [p for p in folder.glob("bulletins/**/*") if p.is_file()],
        "bulletin folders": [p for p in folder.glob("bulletins/*") if p.is_dir()],
    }
    for kind, paths in written.items():
        assert paths, kind
        opened = {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in paths
                  if stat.S_IMODE(p.stat().st_mode) & 0o007}  # fmt: skip
        assert opened == {}, kind
    # The published file is for analysts, by design: read-only for all.
    assert stat.S_IMODE(service.warehouse.stat().st_mode) == 0o444
