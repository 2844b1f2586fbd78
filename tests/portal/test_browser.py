"""The portal in a browser, as a QIP clerk uses it: sign in, see the pages in French, upload
a tracker with planted problems, find each at its cell with its suggestion, download the
feedback workbook, send the corrected file, and see it built once Dagster has run the month
(the sensor evaluated, then the run it requests). A Trust Fund clerk then signs in and cannot
open that check.

Playwright drives Debian's Chromium (``make browser``; Playwright cannot download browsers
here) against a real gunicorn started by the test on a free port and stopped after. The mess
it guards against: a page that works through the API but not in a browser (CSRF on the real
forms, file inputs, downloads), English shown to a French-speaking unit, a state that is
claimed rather than read from the warehouse. Screenshots go to ``test-artifacts/portal/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import openpyxl
import pytest

from sr_pipeline.definitions import defs
from sr_pipeline.defs.partitions import RANGE_END_TAG
from sr_pipeline.defs.sensors import tracker_folder_sensor
from tests import ROOT
from tests.pipeline_helpers import resources
from tests.portal.helpers import (
    PASSWORD,
    PLANTED,
    Portal,
    corrected_tracker,
    planted_tracker,
    start_portal,
)

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make browser installs it)"
)
pytestmark = [pytestmark, pytest.mark.slow]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ARTIFACTS = ROOT / "test-artifacts" / "portal"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    running = start_portal(tmp_path_factory.mktemp("portal"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def sign_in(browser, portal: Portal, email: str):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{portal.url}/checks/")
    assert page.url.startswith(f"{portal.url}/login/")  # no session: sign in first
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{portal.url}/checks/")
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_qip_clerk_checks_fixes_sends_and_sees_it_built(
    portal: Portal, browser, tmp_path: Path
) -> None:
    page = sign_in(browser, portal, "clerk@qip.example")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Contrôler un suivi" in page.content()
    shot(page, "1-signed-in")

    page.set_input_files("#file", str(planted_tracker(tmp_path)))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(f"{portal.url}/checks/*/")
    check_url = page.url
    assert "Lisible, avec des problèmes" in page.inner_text("#verdict")
    rows = page.locator("#problems tr").all_inner_texts()[1:]
    cells = {line.split("\t")[1]: line.split("\t") for line in rows}
    assert set(cells) == {f"{column}{row}" for column, row in PLANTED}
    for (column, row), (header, value) in PLANTED.items():
        line = cells[f"{column}{row}"]
        assert (line[0], line[2], line[4]) == ("Suivi QIPs", header, value)
    assert cells["C6"][6] == "Tombouctou" and cells["N8"][6] == "En cours"  # the suggestions
    assert "n'est pas une date réelle" in cells["J7"][5]
    assert page.locator("#flags tr").count() == 2  # header + the budget over the ceiling
    shot(page, "2-problems")

    with page.expect_download() as download:
        page.click("#feedback")
    saved = tmp_path / "retour.xlsx"
    download.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames[0] == "À corriger"
    assert "Tombouctou" in book["Suivi QIPs"]["C6"].comment.text  # the suggestion, at the cell

    run_resources = resources(portal.trackers, portal.warehouse)
    before = dg.build_sensor_context(cursor=None, resources=run_resources)
    tracker_folder_sensor(before)

    page.goto(f"{portal.url}/checks/")
    page.set_input_files("#file", str(corrected_tracker(tmp_path)))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(f"{portal.url}/checks/*/")
    assert "Accepté" in page.inner_text("#verdict")
    page.click("#send")  # not confirmed yet: refused with a sentence
    assert "Cochez d'abord la confirmation" in page.inner_text("#message")
    page.check("#confirm")
    page.click("#send")
    page.wait_for_selector("#sent")
    assert "QIPs_Suivi_2018-06-30.xlsx" in page.inner_text("#sent")
    assert "en attente du calcul" in page.inner_text("#state")
    sent_url = page.url
    shot(page, "3-sent")

    tick = dg.build_sensor_context(cursor=before.cursor, resources=run_resources)
    (request,) = tracker_folder_sensor(tick)
    job = defs.resolve_job_def("build_months")
    assert job.execute_in_process(
        tags={**request.tags, RANGE_END_TAG: "2018-06-01"}, resources=run_resources
    ).success
    page.goto(sent_url)
    assert "publié dans le bulletin de juin 2018" in page.inner_text("#state")
    history = page.goto(f"{portal.url}/checks/")
    assert history.ok and "publié dans le bulletin de juin 2018" in page.inner_text("#history")
    shot(page, "4-published")

    other = sign_in(browser, portal, "clerk@tf.example")
    assert other.locator("html").get_attribute("lang") == "en"
    assert "Check a tracker" in other.content()
    assert check_url.removeprefix(portal.url) not in other.content()  # not in its history
    response = other.goto(check_url)
    assert response.status == 404
