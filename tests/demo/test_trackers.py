"""The demo trackers reproduce bulletin #41, and survive being read by plain openpyxl.

The demo workbooks in ``sources/trackers/`` stand in for the fund units' hand-kept Excel files
(docs/trackers.md), with their real-world mess: merged title rows and blank rows above a header
row that moves, two header rows (TF), header aliases with odd case / NBSP / line breaks,
reordered and unknown extra columns, region group-header rows, TOTAL rows with cached
``=SUM()`` formulas, budgets as numbers, formulas and French / English / ``USD`` / ``$`` text,
dates as Excel dates, day-first text, ISO text and bare serials, vocabulary spelled every
which way, MPTF numbers turned into numbers by Excel, XOF and EUR amounts, hidden sheets,
and deliberately bad rows (unknown region, 31 June, duplicate code, over-cap budget, ...).

These tests read the June 2018 files (PBF: February 2018) with openpyxl only -- never with
``sr_pipeline``'s reader -- using small independent parsing helpers, and check that

- every figure of the published bulletin #41 (``reference/published/bulletin-41-2018-06.csv``)
  comes out under its precision rule (the one documented exception: the TF's printed 66
  ongoing contradicts 79 completed of 132; the demo data are consistent, so ongoing =
  total - completed = 53);
- the generator's ground truth (``demo.truth``) agrees with what is read back,
  file by file (status counts, codes, rejected rows, rule flags, budgets);
- regenerating the workbooks gives byte-identical files (the committed ones are reproducible).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache

import openpyxl
import pytest

from demo.generate import write_all
from demo.truth import tracker_files, tracker_truth
from tests import ROOT

TRACKERS = ROOT / "sources" / "trackers"
REFERENCE = ROOT / "sr_pipeline" / "reference"
PUBLISHED = REFERENCE / "published" / "bulletin-41-2018-06.csv"

# ---- independent parsing helpers ------------------------------------------------------------


def fold(value) -> str:
    s = unicodedata.normalize("NFKD", str(value))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.replace("\u00a0", " ").replace("\u202f", " ").split()).casefold()


def _ref(name: str, key: str, val: str) -> dict[str, str]:
    with (REFERENCE / name).open(encoding="utf-8") as fh:
        return {fold(r[key]): r[val] for r in csv.DictReader(fh)}


STATUS = _ref("statuses.csv", "spelling", "status")
REGION = _ref("region_spellings.csv", "spelling", "region")
SECTOR = _ref("qip_sectors.csv", "spelling", "sector")
WINDOW = _ref("pbf_windows.csv", "spelling", "window")
OBJECTIVE_NAMES = _ref("tf_objectives.csv", "name", "objective")
with (REFERENCE / "regions.csv").open(encoding="utf-8") as _fh:
    GROUP = {r["region"]: r["region_group"] for r in csv.DictReader(_fh)}
with (REFERENCE / "fx_rates.csv").open(encoding="utf-8") as _fh:
    FX = {(r["month"], r["currency"]): float(r["units_per_usd"]) for r in csv.DictReader(_fh)}

HEADERS = {  # field -> aliases (docs/trackers.md)
    "QIP": {
        "project_code": ["Code QIP", "Code projet", "N° QIP"],
        "title": ["Intitulé du projet", "Titre du projet"],
        "region": ["Région"],
        "sector": ["Secteur"],
        "budget": ["Budget", "Montant approuvé", "Budget approuvé"],
        "currency": ["Devise"],
        "approval_date": ["Date d'approbation"],
        "start_date": ["Date de démarrage", "Date de début"],
        "duration_months": ["Durée (mois)"],
        "end_date": ["Date de clôture", "Date de fin effective"],
        "status": ["Statut"],
    },
    "TF": {
        "project_code": ["Project ID", "Project No."],
        "title": ["Project Title"],
        "objective": ["Objective", "Strategic objective"],
        "region": ["Region", "Location"],
        "budget": ["Approved Budget", "Approved budget (USD)"],
        "expenditure": ["Expenditure to date", "Spent"],
        "approval_date": ["Approval Date"],
        "end_date": ["End Date", "Completion Date"],
        "status": ["Status"],
    },
    "PBF": {
        "project_code": ["Numéro MPTF", "N° Gateway", "Projet MPTF"],
        "title": ["Titre du projet", "Intitulé"],
        "window": ["Fenêtre", "Phase", "Fenêtre / Phase"],
        "regions": ["Régions", "Zones d'intervention"],
        "budget": ["Budget total (USD)", "Montant total"],
        "start_date": ["Date de démarrage"],
        "status": ["Statut"],
    },
    "contributions": {
        "donor": ["Donor"],
        "date_received": ["Date received"],
        "amount": ["Amount"],
        "currency": ["Currency"],
        "usd_equivalent": ["USD equivalent"],
    },
}
SHEETS = {"QIP": "Suivi QIPs", "TF": "Projects", "PBF": "Portefeuille"}
REQUIRED = {
    "QIP": ["project_code", "title", "region", "sector", "budget", "approval_date", "status"],
    "TF": ["project_code", "title", "objective", "region", "budget", "approval_date", "status"],
    "PBF": ["project_code", "title", "window", "regions", "budget", "start_date", "status"],
}
EXCEL_EPOCH = date(1899, 12, 30)
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Bad(ValueError):
    pass


def parse_amount(v) -> float:
    if isinstance(v, int | float):
        return float(v)
    s = str(v).replace("USD", "").replace("$", "")
    s = re.sub(r"[\s\u00a0\u202f]", "", s)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", s):
        s = s.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        raise Bad(v)
    return float(s)


def parse_date(v) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, int | float):
        return EXCEL_EPOCH + timedelta(days=int(v))
    s = str(v).strip()
    if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", s):
        d, mo, y = map(int, m.groups())
    elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        y, mo, d = map(int, m.groups())
    else:
        raise Bad(v)
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise Bad(v) from exc


def parse_objective(v) -> str:
    if isinstance(v, int | float):
        return str(int(v))
    f = fold(v)
    if m := re.fullmatch(r"(?:obj\. ?)?([1-5])", f):
        return m.group(1)
    return OBJECTIVE_NAMES[f]


def vocab(table: dict[str, str], v) -> str:
    if fold(v) not in table:
        raise Bad(v)
    return table[fold(v)]


def usd(amount: float, currency: str, day: date) -> float:
    return amount if currency == "USD" else amount / FX[(f"{day:%Y-%m}", currency)]


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31][m - 1]))  # fmt: skip


def read_sheet(ws, aliases: dict[str, list[str]]):
    """(header row, {field: column}, [(excel row, {field: raw})]) for one data sheet."""
    wanted = {fold(a): f for f, names in aliases.items() for a in names}
    rows = list(ws.iter_rows(values_only=True))
    for i, row in enumerate(rows):  # noqa: B007 (i is used after the loop)
        cols = {wanted[fold(c)]: j for j, c in enumerate(row) if c and fold(c) in wanted}
        if len(cols) == len(aliases):
            break
    else:
        raise AssertionError(f"no header row in {ws.title}")
    out = []
    title_col = cols.get("title")
    for n, row in enumerate(rows[i + 1 :], start=i + 2):
        cells = [c for c in row if c is not None and str(c).strip()]
        if not cells:
            continue
        if fold(cells[0]) in ("total", "total general", "grand total"):
            break
        if len(cells) == 1 and title_col is not None and row[title_col] is not None:
            if fold(row[title_col]) in REGION:
                continue  # region group header
        out.append((n, {f: row[j] for f, j in cols.items()}))
    return i + 1, cols, out


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def parse_project(fund: str, raw: dict) -> dict:
    """Canonical-ish values of one project row; raises Bad(field) on a row error."""
    out = {}
    for f in REQUIRED[fund]:
        if _blank(raw.get(f)):
            raise Bad(f)
    for f, v in raw.items():
        try:
            if _blank(v):
                out[f] = None
            elif f in ("approval_date", "start_date", "end_date"):
                out[f] = parse_date(v)
            elif f in ("budget", "expenditure", "duration_months"):
                out[f] = parse_amount(v)
            elif f == "status":
                out[f] = vocab(STATUS, v)
            elif f == "region":
                out[f] = vocab(REGION, v)
            elif f == "regions":
                parts = re.split(r"\s*(?:[,;/]|\bet\b)\s*", " ".join(str(v).split()))
                out[f] = [vocab(REGION, p) for p in parts if p]
            elif f == "sector":
                out[f] = vocab(SECTOR, v)
            elif f == "window":
                out[f] = vocab(WINDOW, v)
            elif f == "objective":
                out[f] = parse_objective(v)
            elif f == "currency":
                out[f] = fold(v).upper()
            elif f == "project_code":
                out[f] = f"{int(v):08d}" if isinstance(v, int | float) else str(v).strip()
            else:
                out[f] = " ".join(str(v).split())
        except (Bad, KeyError) as exc:
            raise Bad(f) from exc
    if out["status"] == "completed" and out.get("end_date") is None and fund != "PBF":
        raise Bad("end_date")
    cur = out.get("currency") or "USD"
    if fund == "QIP":
        out["budget_usd"] = round(usd(out["budget"], cur, out["approval_date"]), 2)  # cents
    else:
        out["budget_usd"] = out["budget"]
    return out


@cache
def read_tracker(relpath: str) -> dict:
    """Accepted rows, rejected (row, field) and flags (row, rule) of one workbook."""
    path = TRACKERS / relpath
    fund = {"QIPs": "QIP", "TF": "TF", "PBF": "PBF"}[path.name.split("_")[0]]
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = next(w for w in wb.worksheets if fold(w.title) == fold(SHEETS[fund]))
    _, _, raw_rows = read_sheet(ws, HEADERS[fund])
    accepted, rejected, flags = [], [], []
    for n, raw in raw_rows:
        try:
            accepted.append((n, parse_project(fund, raw)))
        except Bad as exc:
            rejected.append((n, str(exc)))
    codes = Counter(p["project_code"] for _, p in accepted)
    dup = [(n, p) for n, p in accepted if codes[p["project_code"]] > 1]
    rejected += [(n, "project_code") for n, _ in dup]
    accepted = [(n, p) for n, p in accepted if codes[p["project_code"]] == 1]
    for n, p in accepted:
        if fund == "QIP" and p["budget_usd"] > 50_000:
            flags.append((n, "budget_over_cap"))
        if fund == "QIP":
            dur, start, end = p.get("duration_months"), p.get("start_date"), p.get("end_date")
            if (dur is not None and dur > 6) or (
                dur is None and start and end and end > add_months(start, 6)
            ):
                flags.append((n, "duration_over_6_months"))
        if fund == "TF" and (p.get("expenditure") or 0) > p["budget"]:
            flags.append((n, "expenditure_over_budget"))
    contributions = []
    if fund == "TF":
        ws = next(w for w in wb.worksheets if fold(w.title) == "contributions")
        for _, raw in read_sheet(ws, HEADERS["contributions"])[2]:
            d = parse_date(raw["date_received"])
            cur = fold(raw["currency"]).upper()
            eq = raw["usd_equivalent"]
            amt = parse_amount(eq) if not _blank(eq) else usd(parse_amount(raw["amount"]), cur, d)
            # Donors compare case-insensitively, a leading "the" ignored (the Netherlands).
            donor = " ".join(str(raw["donor"]).split()).lower().removeprefix("the ")
            contributions.append({"date_received": d, "amount_usd": round(amt, 2), "donor": donor})
    return {
        "fund": fund,
        "projects": [p for _, p in accepted],
        "rows": [n for n, _ in accepted],
        "rejected": sorted(rejected),
        "flags": sorted(flags),
        "contributions": contributions,
    }


# ---- figures --------------------------------------------------------------------------------


def figures(fund: str, data: dict, as_of: date) -> dict[str, float]:
    rows = data["projects"]
    projects = [p for p in rows if not (fund == "PBF" and p["window"] == "Secrétariat")]
    figs: dict[str, float] = {"projects_total": len(projects)}
    for st in ("completed", "ongoing", "not_started", "suspended", "cancelled"):
        figs[f"projects_{st}"] = sum(p["status"] == st for p in projects)
    live = [p for p in rows if p["status"] != "cancelled"]
    total = sum(p["budget_usd"] for p in live)
    if fund == "QIP":
        figs["budget_usd"] = total
        for g in set(GROUP.values()):
            part = sum(p["budget_usd"] for p in live if GROUP[p["region"]] == g)
            figs[f"share_pct:region_group:{g}"] = part / total * 100
    elif fund == "TF":
        figs["cost_usd"] = total
        received = [c for c in data["contributions"] if c["date_received"] <= as_of]
        figs["budget_usd"] = sum(c["amount_usd"] for c in received)
        figs["donors"] = len({c["donor"] for c in received})
        for obj in "12345":
            part = sum(p["budget_usd"] for p in live if p["objective"] == obj)
            figs[f"share_pct:objective:{obj}"] = part / total * 100
    else:
        figs["budget_usd"] = total
        by_window = Counter()
        for p in live:
            by_window[p["window"]] += p["budget_usd"]
        for w in list(by_window):
            figs[f"budget_usd:window:{w}"] = by_window[w]
        figs["budget_usd:window:GYPI + Transfrontalier + Autorités intérimaires"] = sum(
            by_window[w] for w in ("GYPI", "Transfrontalier", "Autorités intérimaires")
        )
    return figs


def _published() -> list[dict[str, str]]:
    with PUBLISHED.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _file_for(fund: str, as_of: date) -> str:
    """The tracker version a snapshot uses: highest revision with that report date."""
    name = {
        "QIP": f"QIPs_Suivi_{as_of:%Y-%m-%d}",
        "TF": f"TF_Project_Tracker_{MONTH_ABBR[as_of.month - 1]}{as_of.year}",
        "PBF": f"PBF_Portefeuille_{as_of:%Y%m%d}",
    }[fund]
    found = sorted(TRACKERS.rglob(f"{name}*.xlsx"))
    assert found, f"no {fund} tracker for {as_of} under {TRACKERS}"
    return str(found[-1].relative_to(TRACKERS))


def _matches(computed: float, published: float, precision: str) -> bool:
    if precision == "count":
        return computed == published
    if precision.startswith("millions_"):
        nd = int(precision.split("_")[1])
        return round(computed / 1e6, nd) == round(published / 1e6, nd)
    if precision == "percent_0":
        return abs(computed - published) <= 0.5
    raise AssertionError(precision)


PUBLISHED_ROWS = _published()


@pytest.mark.parametrize(
    "row", PUBLISHED_ROWS, ids=[f"{r['fund']}-{r['figure']}" for r in PUBLISHED_ROWS]
)
def test_demo_trackers_reproduce_published_figures(row):
    fund, as_of = row["fund"], date.fromisoformat(row["data_as_of"])
    figs = figures(fund, read_tracker(_file_for(fund, as_of)), as_of)
    computed, published = figs[row["figure"]], float(row["published"])
    if fund == "TF" and row["figure"] == "projects_ongoing":
        # The printed bulletin contradicts itself (79 completed + 66 ongoing > 132 approved).
        # The demo data are consistent: every TF project is completed or ongoing, so ongoing
        # is what the published completed and total leave: this row must show a mismatch.
        pub = {r["figure"]: float(r["published"]) for r in PUBLISHED_ROWS if r["fund"] == "TF"}
        assert computed == pub["projects_total"] - pub["projects_completed"]
        assert computed != published
        return
    assert _matches(computed, published, row["precision"]), (computed, published)
    if row["precision"] == "percent_0":  # kept well inside the window, not on its edge
        assert abs(computed - published) <= 0.25, (computed, published)


@pytest.mark.parametrize("spec", tracker_files(), ids=lambda s: s.file_name)
def test_truth_agrees_with_what_openpyxl_reads(spec):
    truth = tracker_truth(spec.fund, spec.report_date, spec.revision)
    data = read_tracker(spec.relpath)
    rows = truth["tables"]["projects"]
    assert Counter(r["status"] for r in rows) == Counter(p["status"] for p in data["projects"])
    assert [r["project_code"] for r in rows] == [p["project_code"] for p in data["projects"]]
    assert truth["source_rows"]["projects"] == data["rows"]
    bad = truth["bad_rows"]
    rejected = sorted((b["source_row"], b["field"]) for b in bad if b["outcome"] == "rejected")
    flagged = sorted((b["source_row"], b["rule"]) for b in bad if b["outcome"] == "flagged")
    assert rejected == data["rejected"]
    assert flagged == data["flags"]
    assert sum(r["budget_usd"] for r in rows) == pytest.approx(
        sum(p["budget_usd"] for p in data["projects"]), abs=0.01
    )
    if spec.fund == "TF":
        contrib = truth["tables"]["contributions"]
        assert len(contrib) == len(data["contributions"])
        assert sum(c["amount_usd"] for c in contrib) == pytest.approx(
            sum(c["amount_usd"] for c in data["contributions"]), abs=0.01
        )


def test_truth_respects_tracker_rules():
    """Dates ordered, completed projects dated, caps kept except the deliberate flag rows."""
    for spec in tracker_files():
        truth = tracker_truth(spec.fund, spec.report_date, spec.revision)
        flagged = {b["project_code"] for b in truth["bad_rows"] if b["outcome"] == "flagged"}
        codes = [r["project_code"] for r in truth["tables"]["projects"]]
        assert len(codes) == len(set(codes)), spec.file_name
        for r in truth["tables"]["projects"]:
            if r["status"] == "completed":
                assert r["end_date"] is not None, r
            start, end = r["start_date"], r["end_date"]
            if r.get("approval_date") and start:
                assert start >= r["approval_date"], r
            if start and end:
                assert end >= start, r
            if spec.fund == "QIP" and r["project_code"] not in flagged:
                assert r["budget_usd"] <= 50_000 and r["duration_months"] <= 6, r
                assert re.fullmatch(r"QIP/[A-Z]{3}/\d{4}/\d{3,}", r["project_code"])
            if spec.fund == "TF":
                assert re.fullmatch(r"TF-\d{4}-\d{3,}", r["project_code"])
            if spec.fund == "PBF":
                assert re.fullmatch(r"\d{8}", r["project_code"])


def test_regeneration_is_byte_identical(tmp_path):
    written = write_all(tmp_path)
    assert len(written) == len(tracker_files())
    for path in written:
        rel = path.relative_to(tmp_path)
        committed = TRACKERS / rel
        assert committed.exists(), f"{rel} missing: run python -m demo"
        assert path.read_bytes() == committed.read_bytes(), f"{rel} differs from the committed file"
