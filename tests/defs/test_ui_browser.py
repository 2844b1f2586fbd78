"""End to end, as the data team works: ``dagster dev`` started on a free port, the June 2018
month launched from the UI (Materialize all, partition 2018-06-01, Launch), the run watched
until it succeeds, the reconciliation warning found on the asset's checks, the bulletin's
charts in the asset's metadata, and the rendered page opened in the browser.

Playwright drives Debian's Chromium (``make browser``; Playwright cannot download browsers
here) offline. The mess it guards against: a UI launch that differs from the command line
(the run worker imports the code location afresh), a page that renders in a test but not in
a browser, and a ``dagster dev`` left running after the test: started from a script it
inherits an ignored SIGINT and Dagster copies it onto SIGTERM (STACK-NOTES.md), so it is
started through a launcher that restores SIGINT, in its own session, and the whole session
is stopped and checked for leftovers at the end. Screenshots of every step are saved in
``test-artifacts/ui/``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import ROOT as PROJECT_ROOT

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make browser installs it)"
)
pytestmark = [pytestmark, pytest.mark.slow]

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "ui"
DAGSTER = Path(sys.executable).parent / "dagster"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
# Restores the default SIGINT (a background shell ignores it, and Dagster would copy that
# onto SIGTERM), then becomes dagster itself.
LAUNCHER = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)
# Resolves once every finite CSS animation or transition of the page has finished.
SETTLED = """() => Promise.all(document.getAnimations()
    .filter(a => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
    .map(a => a.finished.catch(() => null)))"""
SERVER_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 120_000
UI_TIMEOUT_MS = 30_000
POPUP_TIMEOUT_MS = 15_000


@dataclass
class DagsterDev:
    url: str
    process: subprocess.Popen
    warehouse: Path
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_processes(sid: int) -> list[int]:
    """Every live process of a session (Linux /proc), zombies excluded."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole session, then SIGKILL for whatever is still there."""
    sid = process.pid
    if process.poll() is None:
        os.killpg(sid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    deadline = time.monotonic() + 10
    while session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if session_processes(sid):
        os.killpg(sid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for_server(dev: DagsterDev) -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT_S
    while time.monotonic() < deadline:
        if dev.process.poll() is not None:
            pytest.fail(f"dagster dev exited: {dev.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{dev.url}/server_info", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)  # polling for a condition, bounded by the deadline
    pytest.fail(
        f"dagster dev did not answer in {SERVER_TIMEOUT_S} s: {dev.log.read_text()[-3000:]}"
    )


@pytest.fixture()
def dagster_dev(tmp_path) -> Iterator[DagsterDev]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "sr_pipeline" / "defs" / "dagster.yaml", home / "dagster.yaml")
    trackers = shutil.copytree(PROJECT_ROOT / "sources" / "trackers", tmp_path / "trackers")
    warehouse = tmp_path / "warehouse" / "sr.duckdb"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SR_TRACKERS_DIR": str(trackers),
        "SR_WAREHOUSE": str(warehouse),
    }
    port = free_port()
    log = tmp_path / "dagster-dev.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                LAUNCHER,
                str(DAGSTER),
                "dev",  # no -m: the repo root's workspace.yaml names the code location
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],  # fmt: skip
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    dev = DagsterDev(f"http://127.0.0.1:{port}", process, warehouse, log)
    try:
        wait_for_server(dev)
        yield dev
    finally:
        stop(process)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS / "dagster-dev.log")
    assert session_processes(process.pid) == [], "dagster dev left processes behind"


def test_june_2018_from_the_ui(dagster_dev):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    url = dagster_dev.url

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(UI_TIMEOUT_MS)

            def shot(name: str, full_page: bool = False) -> None:
                page.evaluate(SETTLED)  # dialogs fade in: capture them, not the fade
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

            # 1. The asset lineage, then Materialize all for the June 2018 partition.
            page.goto(f"{url}/asset-groups")
            materialize = page.get_by_role("button", name=re.compile(r"Materialize all"))
            expect(materialize).to_be_enabled()
            # A fresh DAGSTER_HOME shows the community pop-up once, shortly after the first
            # load: wait for it (bounded) and skip it before touching the page.
            skip = page.get_by_role("button", name="Skip")
            try:
                skip.wait_for(state="visible", timeout=POPUP_TIMEOUT_MS)
            except PlaywrightTimeout:
                pass
            else:
                shot("00-community-popup")
                skip.click()
                expect(skip).to_be_hidden()
            shot("01-lineage")
            materialize.click()
            dialog = page.get_by_role("dialog")
            expect(dialog.get_by_text("Partition selection")).to_be_visible()
            # The dialog lists the last 90 days; the months since 2013 are one click away.
            dialog.get_by_text("Show all partitions").click()
            partitions = dialog.get_by_placeholder(re.compile(r"^ex: "))
            partitions.fill("2018-06-01")
            partitions.press("Enter")
            expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
            shot("02-launch-dialog")
            dialog.get_by_role("button", name="Launch 1 run").click()

            # 2. The run, watched from its own page until it succeeds.
            view = page.get_by_role("link", name="View").or_(
                page.get_by_role("button", name="View")
            )
            expect(page.get_by_text(re.compile(r"Launched run"))).to_be_visible()
            view.first.click()
            expect(page).to_have_url(re.compile(r"/runs/[0-9a-f-]+"))
            expect(page.get_by_text("partition: 2018-06-01").first).to_be_visible()
            status = page.get_by_text(re.compile(r"^(Success|Failure)$")).first
            expect(status).to_be_visible(timeout=RUN_TIMEOUT_MS)
            shot("03-run")
            assert status.inner_text() == "Success", dagster_dev.log.read_text()[-3000:]

            # 3. The reconciliation check: a warning, with the mismatch it found.
            page.goto(f"{url}/assets/marts/reconciliation?view=checks")
            check = page.get_by_text("published_figures_match").first
            expect(check).to_be_visible()
            check.click()
            expect(
                page.get_by_text("1 published figure that differs from the computed one").first
            ).to_be_visible()
            # A WARN-severity check that did not pass: "Failed" under a warning icon (an
            # ERROR-severity one has an error icon).
            expect(page.get_by_role("img", name="warning_outline").first).to_be_visible()
            shot("04-reconciliation-check")
            page.get_by_role("row").filter(has_text="rows").get_by_text("[Show Markdown]").click()
            mismatch = page.get_by_role("dialog").get_by_role("row").filter(has_text="66")
            expect(mismatch).to_contain_text("projects_ongoing")
            expect(mismatch).to_contain_text("mismatch")
            shot("05-reconciliation-mismatch")
            page.keyboard.press("Escape")

            # 4. The bulletin asset: its Main Figures and charts in the metadata.
            page.goto(f"{url}/assets/bulletin/monthly")
            html_path = page.get_by_role("row").filter(has_text=re.compile(r"^html"))
            expect(html_path).to_contain_text("bulletins/2018-06/index.html")
            shot("06-bulletin-asset", full_page=True)
            # The Main Figures box is short enough to show inline, each fund with its date.
            main_figures = page.get_by_role("row").filter(has_text="main_figures")
            expect(main_figures).to_contain_text(
                "Peacebuilding Fund (PBF), as of 28 February 2018:"
            )
            main_figures.scroll_into_view_if_needed()
            shot("07-bulletin-main-figures")
            # The charts sit behind "[Show Markdown]", rendered from their data URIs.
            page.get_by_role("row").filter(has_text="charts_preview").get_by_text(
                "[Show Markdown]"
            ).click()
            charts = page.get_by_role("dialog").locator('img[src^="data:image/png;base64,"]')
            expect(charts).to_have_count(5)
            expect(charts.first).to_be_visible()
            assert charts.first.evaluate("img => img.naturalWidth") > 500  # decoded, shown
            shot("08-bulletin-charts")
            page.keyboard.press("Escape")

            # 5. The rendered page, opened from the file the run wrote.
            html = dagster_dev.warehouse.parent / "bulletins" / "2018-06" / "index.html"
            assert html.is_file()
            page.goto(html.as_uri())
            expect(page.get_by_role("heading", name="Main Figures")).to_be_visible()
            # The demo trackers reproduce bulletin #41 (but for the TF's inconsistent 66
            # ongoing): its Main Figures, as the bulletin words them.
            box = page.locator("#main-figures")
            expect(box).to_contain_text(
                "298 projects completed and 139 under implementation of a budget of "
                "15.9 million USD (441 projects in total since 2013)"
            )
            expect(box).to_contain_text(
                "79 projects completed and 53 projects under implementation out of 132 projects "
                "approved for a cost of 52.6 million USD over a budget of 62.5 million USD "
                "(contributions from Australia, Austria,"
            )
            expect(box).to_contain_text(
                "Peacebuilding Fund (PBF) as of 28 February 2018: 14 projects"
            )
            pbf_date = "28 February 2018"
            expect(page.locator("#fund-pbf h2")).to_contain_text(f"as of {pbf_date}")
            expect(page.locator("#changes")).to_contain_text("What changed since last month")
            images = page.locator("img")
            assert images.count() == 5
            for i in range(images.count()):  # every chart decoded by the browser
                assert images.nth(i).evaluate("img => img.complete && img.naturalWidth") > 500
            shot("09-bulletin-page", full_page=True)
        finally:
            browser.close()
