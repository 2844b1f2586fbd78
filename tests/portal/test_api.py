"""The portal's JSON API, driven as a unit's script drives it: a real gunicorn on a free
loopback port, accounts made with ``add-user``, multipart uploads over HTTP, the month built
through Dagster (the sensor evaluated, then the run it asks for).

The mess it guards against: a check that says something else than the pipeline will (each
planted problem must come back at its cell, with the pipeline's sentence and suggestion), a
clerk who sees or sends another fund's tracker, a file stored half-written or under a name
the pipeline does not recognise, a check that leaves a file in the trackers folder, and
hostile uploads: over 25 MB (413 before the body is read, announced or streamed), zip bombs
and encrypted workbooks, a browser file name aimed at a path (``../../x.xlsx``), requests
without a token or session, and forms posted without their CSRF token.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import httpx
import msoffcrypto.format.ooxml
import openpyxl
import pandas as pd
import pytest

from sr_pipeline.definitions import defs
from sr_pipeline.defs.partitions import RANGE_END_TAG, RANGE_START_TAG
from sr_pipeline.defs.sensors import tracker_folder_sensor
from sr_pipeline.portal.checking import run_check
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests import DEMO_TRACKERS
from tests.builders import qip_row, qip_workbook, tf_row, tf_workbook
from tests.pipeline_helpers import resources
from tests.portal.helpers import (
    PASSWORD,
    PLANTED,
    Portal,
    corrected_tracker,
    planted_tracker,
    start_portal,
)

pytestmark = pytest.mark.slow

QIP, TF, TEAM = "clerk@qip.example", "clerk@tf.example", "team@sr.example"
SUGGESTED = {"C6": "Tombouctou", "N8": "En cours"}  # what a clerk most likely meant


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    running = start_portal(tmp_path_factory.mktemp("portal"))
    try:
        yield running
    finally:
        running.stop()


def api(portal: Portal, who: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {portal.tokens[who]}"} if who else {}
    return httpx.Client(base_url=portal.url, headers=headers, timeout=120)


def upload(client: httpx.Client, path: Path, name: str | None = None) -> httpx.Response:
    with path.open("rb") as handle:
        return client.post("/api/v1/checks", files={"file": (name or path.name, handle)})


def tracker_files(portal: Portal) -> list[Path]:
    return sorted(p for p in portal.trackers.rglob("*") if p.is_file())


def test_a_script_checks_sees_every_planted_problem_and_sends_the_corrected_file(
    portal: Portal, tmp_path: Path
) -> None:
    client = api(portal, QIP)
    response = upload(client, planted_tracker(tmp_path))
    assert response.status_code == 201
    check = response.json()
    assert tracker_files(portal) == []  # checking stores nothing in the trackers folder
    assert (check["fund"], check["report_date"], check["revision"]) == ("QIP", "2018-06-30", 1)
    assert check["file"] == "QIPs_Suivi_2018-06-30.xlsx"  # the contract's name, not the upload's
    assert check["refused"] is None
    assert (check["rows_read"], check["rows_loaded"]) == (6, 2)
    found = {(p["column"], p["row"]): p for p in check["problems"]}
    assert set(found) == set(PLANTED)
    for (column, row), (header, value) in PLANTED.items():
        problem = found[(column, row)]
        assert (problem["sheet"], problem["header"], problem["value"]) == (
            "Suivi QIPs", header, value,
        )  # fmt: skip
        assert problem["problem"] and "«" in problem["problem"]  # the French sentence
        assert problem["suggestion"] == SUGGESTED.get(f"{column}{row}")
    assert [(f["column"], f["row"], f["field"]) for f in check["flags"]] == [("H", 10, "budget")]
    assert {f["figure"] for f in check["figures"]} >= {"projects_total", "budget_usd"}

    feedback = client.get(f"/api/v1/checks/{check['id']}/feedback.xlsx")
    assert feedback.status_code == 200
    path = tmp_path / "feedback.xlsx"
    path.write_bytes(feedback.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "À corriger"
    assert book["Suivi QIPs"]["C6"].comment is not None

    # The corrected file: no problem, sent, stored under the contract's name.
    fixed_path = corrected_tracker(tmp_path)
    fixed = upload(client, fixed_path).json()
    assert (fixed["refused"], fixed["problems"], fixed["rows_loaded"]) == (None, [], 6)
    run_resources = resources(portal.trackers, portal.warehouse)
    before = dg.build_sensor_context(cursor=None, resources=run_resources)
    tracker_folder_sensor(before)  # takes stock of the (empty) folder
    sent = client.post(f"/api/v1/checks/{fixed['id']}/submit")
    assert sent.status_code == 201
    assert sent.json() == {"stored_as": "QIPs_Suivi_2018-06-30.xlsx"}
    (stored,) = tracker_files(portal)
    assert stored.name == "QIPs_Suivi_2018-06-30.xlsx"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == fixed["sha256"]
    assert client.get(f"/api/v1/checks/{fixed['id']}").json()["submission"]["state"] == "received"

    # The sensor asks for the month; Dagster builds it; the portal then says so.
    tick = dg.build_sensor_context(cursor=before.cursor, resources=run_resources)
    (request,) = tracker_folder_sensor(tick)
    assert request.tags[RANGE_START_TAG] == "2018-06-01"  # June and every month after it
    tags = {**request.tags, RANGE_END_TAG: "2018-06-01"}  # keep the test short: June only
    job = defs.resolve_job_def("build_months")
    assert job.execute_in_process(tags=tags, resources=run_resources).success
    submission = client.get(f"/api/v1/checks/{fixed['id']}").json()["submission"]
    assert submission["state"] == "published"
    assert "2018-06-30" in submission["bulletins"]

    # The same content again is not sent twice; a new revision gets the next number.
    again = upload(client, fixed_path, name="copie.xlsx").json()
    assert again["revision"] == 2
    assert client.post(f"/api/v1/checks/{again['id']}/submit").status_code == 409


def test_another_funds_account_gets_404_and_the_data_team_sees_all(
    portal: Portal, tmp_path: Path
) -> None:
    check = upload(api(portal, QIP), planted_tracker(tmp_path)).json()
    other = api(portal, TF)
    for url in (f"/api/v1/checks/{check['id']}", f"/api/v1/checks/{check['id']}/feedback.xlsx"):
        assert other.get(url).status_code == 404
    assert other.post(f"/api/v1/checks/{check['id']}/submit").status_code == 404
    assert other.get("/api/v1/checks/not-a-check").status_code == 404
    assert api(portal, TEAM).get(f"/api/v1/checks/{check['id']}").status_code == 200


def test_a_trust_fund_account_sending_a_qip_tracker_is_told_which_fund_it_may_send(
    portal: Portal, tmp_path: Path
) -> None:
    check = upload(api(portal, TF), planted_tracker(tmp_path)).json()
    assert check["refused"] == (
        "this workbook is a QIP tracker; this account may check and send TF trackers only"
    )
    assert api(portal, TF).post(f"/api/v1/checks/{check['id']}/submit").status_code == 409
    assert tracker_files(portal) == [] or all("TF_" not in p.name for p in tracker_files(portal))
    own = upload(api(portal, TF), tf_workbook(tmp_path, [tf_row(1)], name="tf.xlsx")).json()
    assert (own["fund"], own["file"], own["refused"]) == (
        "TF", "TF_Project_Tracker_Jun2018.xlsx", None,
    )  # fmt: skip


def test_without_a_token_or_a_session_every_api_and_page_answers_401_or_sign_in(
    portal: Portal, tmp_path: Path
) -> None:
    anonymous = httpx.Client(base_url=portal.url, timeout=30)
    forged = httpx.Client(
        base_url=portal.url, headers={"Authorization": "Bearer forged"}, timeout=30
    )
    some_id = "00000000-0000-0000-0000-000000000000"
    for client in (anonymous, forged):
        assert client.get(f"/api/v1/checks/{some_id}").status_code == 401
        assert client.post(f"/api/v1/checks/{some_id}/submit").status_code == 401
        assert client.get(f"/api/v1/checks/{some_id}/feedback.xlsx").status_code == 401
        assert upload(client, planted_tracker(tmp_path)).status_code == 401
    for page in ("/", "/checks/", f"/checks/{some_id}/", f"/checks/{some_id}/feedback.xlsx"):
        response = anonymous.get(page, follow_redirects=True)
        assert response.url.path == "/login/", page
    assert anonymous.post(f"/checks/{some_id}/send").status_code in (302, 403)


def test_forms_are_refused_without_their_csrf_token(portal: Portal, tmp_path: Path) -> None:
    client = httpx.Client(base_url=portal.url, timeout=60)
    client.get("/login/")
    token = client.cookies["csrftoken"]
    # without the token even the sign-in form is refused
    bare = httpx.Client(base_url=portal.url, timeout=60)
    assert bare.post("/login/", data={"username": QIP, "password": PASSWORD}).status_code == 403
    signed = client.post(
        "/login/",
        data={"username": QIP, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed.status_code == 302
    with planted_tracker(tmp_path).open("rb") as handle:
        refused = client.post("/checks/", files={"file": ("x.xlsx", handle)})
    assert refused.status_code == 403
    with planted_tracker(tmp_path).open("rb") as handle:
        accepted = client.post(
            "/checks/",
            files={"file": ("x.xlsx", handle)},
            data={"csrfmiddlewaretoken": client.cookies["csrftoken"]},
        )
    assert accepted.status_code == 302 and accepted.headers["location"].startswith("/checks/")


def test_uploads_over_25_mb_get_413_before_the_body_is_read(portal: Portal) -> None:
    client = api(portal, QIP)
    big = b"x" * (26 * 1024 * 1024)
    announced = client.post("/api/v1/checks", files={"file": ("big.xlsx", big)})
    assert announced.status_code == 413

    def streamed() -> Iterator[bytes]:  # chunked: no Content-Length to look at
        boundary = b"--sr-boundary"
        yield boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="b.xlsx"\r\n'
        yield b"Content-Type: application/octet-stream\r\n\r\n"
        for _ in range(26):
            yield b"x" * (1024 * 1024)
        yield b"\r\n" + boundary + b"--\r\n"

    chunked = client.post(
        "/api/v1/checks",
        content=streamed(),
        headers={"Content-Type": "multipart/form-data; boundary=sr-boundary"},
    )
    assert chunked.status_code == 413


def test_zip_bombs_and_encrypted_workbooks_are_refused(portal: Portal, tmp_path: Path) -> None:
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet2.xml":
                with dst.open(item.filename, "w", force_zip64=True) as stream:
                    stream.write(b'<?xml version="1.0"?><worksheet><sheetData>')
                    for _ in range(600):
                        stream.write(b" " * (1 << 20))
            else:
                dst.writestr(item, src.read(item.filename))
    encrypted = tmp_path / "locked.xlsx"
    with good.open("rb") as plain, encrypted.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("secret", out)
    client = api(portal, QIP)
    bombed = upload(client, bomb).json()
    assert "bombe" in bombed["refused"] or "zip" in bombed["refused"]
    locked = upload(client, encrypted).json()
    assert locked["refused"] and "mot de passe" in locked["refused"]
    assert client.get(f"/api/v1/checks/{locked['id']}").json()["refused"] == locked["refused"]


def test_a_browser_file_name_is_never_used_as_a_path(portal: Portal, tmp_path: Path) -> None:
    before = {p for p in portal.root.rglob("*")}
    check = upload(api(portal, QIP), planted_tracker(tmp_path), name="../../../../evil.xlsx")
    assert check.status_code == 201
    body = check.json()
    assert body["uploaded_as"] == "evil.xlsx"
    created = {p for p in portal.root.rglob("*")} - before
    check_folder = portal.portal_dir / "checks" / body["id"]
    assert created and all(p == check_folder or check_folder in p.parents for p in created)
    assert not any("evil" in p.name for p in portal.root.parent.rglob("*"))


def test_a_check_over_its_limits_is_refused_in_its_own_process(tmp_path: Path) -> None:
    path = planted_tracker(tmp_path)
    slow = tmp_path / "slow"
    slow.mkdir()
    timed_out = run_check(path, slow, "QIP", tmp_path / "none", timeout=0.05)
    assert timed_out["refused"].startswith("le contrôle de ce fichier a dépassé les limites")
    small = tmp_path / "small"
    small.mkdir()
    starved = run_check(path, small, "QIP", tmp_path / "none", memory_mb=64)
    assert "64 MB" in starved["refused"]


def test_the_record_keeps_who_when_which_file_its_sha256_and_the_result(
    portal: Portal, tmp_path: Path
) -> None:
    path = planted_tracker(tmp_path, name="relevé.xlsx")
    body = upload(api(portal, QIP), path).json()
    with sqlite3.connect(portal.portal_dir / "portal.sqlite3") as db:
        row = db.execute(
            "SELECT u.username, c.created, c.upload_name, c.sha256, c.refused, c.result "
            "FROM portal_check c JOIN auth_user u ON u.id = c.user_id WHERE c.id = ?",
            [body["id"].replace("-", "")],
        ).fetchone()
    assert row[0] == QIP and row[1]
    assert (row[2], row[3], row[4]) == (
        "relevé.xlsx", hashlib.sha256(path.read_bytes()).hexdigest(), 0,
    )  # fmt: skip
    assert '"rows_read": 6' in row[5]


@pytest.mark.parametrize(
    "tracker",
    [
        "qips/2018/juin/QIPs_Suivi_2018-06-30.xlsx",  # French, grouped by region, planted errors
        "trust_fund/TF_Project_Tracker_Jun2018.xlsx",  # English, two header rows, contributions
        "pbf/PBF_Portefeuille_20180228.xlsx",  # MPTF numbers, multi-region projects
    ],
)
def test_the_api_gives_every_problem_the_pipeline_finds_in_a_tracker_it_was_not_built_for(
    portal: Portal, tracker: str
) -> None:
    """The demo's trackers were generated with their own mistakes, not for these tests: the
    data team's account checks each (any fund) and gets, line for line, what the month's run
    records for that file."""
    path = DEMO_TRACKERS / tracker
    check = upload(api(portal, TEAM), path).json()
    read = read_tracker(recognise(path))
    assert check["refused"] is None and read.refused is None
    assert check["rows_read"] == read.rows_read

    def lines(frame) -> set[tuple]:
        return {
            (r.sheet, int(r.source_row), r.excel_column or None, r.field)
            for r in frame.itertuples()
        }

    assert {(p["sheet"], p["row"], p["column"], p["field"]) for p in check["problems"]} == lines(
        read.rejected_rows
    )
    assert {(f["sheet"], f["row"], f["column"], f["field"]) for f in check["flags"]} == lines(
        read.rule_flags
    )
    # How the sheet was read (an unknown column, a subtotal, a merge): listed, nothing rejected.
    notes = read.notes if read.notes is not None else pd.DataFrame(columns=["sheet"])
    assert {(n["sheet"], n["row"], n["column"]) for n in check["notes"]} == {
        (r.sheet, int(r.source_row), r.excel_column or None) for r in notes.itertuples()
    }
