"""Canonical ground truth of the demo trackers.

One project population per fund, each project with its own timeline (approval, start, end,
suspension, cancellation), from which every tracker version is derived: what a tracker dated
``report_date`` lists, and with which status, is a function of that date. The renderer
(``generate.py``) spells this truth messily; a correct reader must get back exactly what
:func:`tracker_truth` returns.

Public API (stable; the reader's round-trip test calls it):

``TRACKER_FILES`` / :func:`tracker_files`
    every demo workbook as a :class:`TrackerSpec` (fund, report_date, revision, file_name,
    subdir; ``relpath`` is the path under the trackers folder).
:func:`tracker_truth` ``(fund, report_date, revision=None) -> dict``
    the expected read result of one tracker version (``revision=None``: the highest revision
    of that report date). Keys:

    - ``fund``, ``report_date`` (date), ``revision`` (int), ``file_name``, ``relpath``
    - ``sheets``: ``{table: sheet name}``
    - ``header_rows``: ``{table: 1-based Excel row of the (lower) column-header row}``
    - ``tables``: ``{table: [row dict, ...]}`` accepted rows (flagged rows included, rejected
      rows excluded), keys exactly ``model.CANONICAL_COLUMNS[(fund, table)]`` in that order.
      Dates are ``datetime.date``; money ``float``; ``duration_months`` ``int``; text ``str``
      with white space collapsed (stripped, runs of spaces / U+00A0 / U+202F / line breaks
      -> one space); absent values ``None``. QIP ``currency`` is ``'USD'`` where the cell is
      blank. Vocabulary values are canonical (status from statuses.csv, region = admin-1 name
      or ``'National'``, QIP sector in English, TF objective ``'1'``..``'5'``, PBF window
      from pbf_windows.csv, PBF recipients/regions ``'; '``-joined in the order written).
    - ``source_rows``: ``{table: [Excel row, ...]}`` parallel to ``tables``.
    - ``extras``: ``{table: [dict of unknown-column header -> str value, ...]}`` parallel.
    - ``bad_rows``: list of dicts ``{table, sheet, source_row, project_code, outcome,
      field, rule, value, note}``: ``outcome`` is ``'rejected'`` (``field`` set, ``rule``
      None; the row is not in ``tables``) or ``'flagged'`` (``rule`` set, ``field`` None; the
      row is in ``tables``). ``value`` is the offending cell's text.
    - ``changes``: for a revision, what it corrects relative to the previous one.
:func:`bulletin_figures` ``(truth) -> dict[str, float]``
    the bulletin figures of one tracker version, named as in
    ``sr_pipeline/reference/published/bulletin-41-2018-06.csv``.
:func:`fx_rate` ``(currency, day) -> float`` units per USD (the reference ``fx_rates.csv``).
"""

from __future__ import annotations

import calendar
import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from sr_pipeline.language.wording import MONTH_NAMES
from sr_pipeline.model import CANONICAL_COLUMNS
from sr_pipeline.reference import REFERENCE_DIR
from sr_pipeline.settings import project_root

TRACKERS_DIR = project_root() / "sources" / "trackers"
SEED = 41


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackerSpec:
    fund: str
    report_date: date
    revision: int
    file_name: str
    subdir: str

    @property
    def relpath(self) -> str:
        return f"{self.subdir}/{self.file_name}"


TRACKER_FILES: tuple[TrackerSpec, ...] = (
    TrackerSpec("QIP", date(2018, 4, 30), 1, "QIPs_Suivi_2018-04-30.xlsx", "qips/2018"),
    TrackerSpec("QIP", date(2018, 5, 31), 1, "QIPs_Suivi_2018-05-31.xlsx", "qips/2018"),
    TrackerSpec("QIP", date(2018, 5, 31), 2, "QIPs_Suivi_2018-05-31_v2.xlsx", "qips/2018"),
    TrackerSpec("QIP", date(2018, 6, 30), 1, "QIPs_Suivi_2018-06-30.xlsx", "qips/2018/juin"),
    TrackerSpec("TF", date(2018, 4, 30), 1, "TF_Project_Tracker_Apr2018.xlsx", "trust_fund"),
    TrackerSpec("TF", date(2018, 5, 31), 1, "TF_Project_Tracker_May2018.xlsx", "trust_fund"),
    TrackerSpec("TF", date(2018, 6, 30), 1, "TF_Project_Tracker_Jun2018.xlsx", "trust_fund"),
    TrackerSpec("PBF", date(2017, 11, 30), 1, "PBF_Portefeuille_20171130.xlsx", "pbf/archives"),
    TrackerSpec("PBF", date(2018, 2, 28), 1, "PBF_Portefeuille_20180228.xlsx", "pbf"),
)


def tracker_files() -> list[TrackerSpec]:
    """Every demo workbook, in a fixed order."""
    return list(TRACKER_FILES)


def _spec(fund: str, report_date: date, revision: int | None) -> TrackerSpec:
    found = [s for s in TRACKER_FILES if s.fund == fund and s.report_date == report_date]
    if not found:
        raise KeyError(f"no demo tracker for {fund} as of {report_date}")
    if revision is None:
        return max(found, key=lambda s: s.revision)
    for s in found:
        if s.revision == revision:
            return s
    raise KeyError(f"no revision {revision} of the {fund} tracker as of {report_date}")


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def _fx() -> dict[tuple[str, str], float]:
    return {
        (r["month"], r["currency"]): float(r["units_per_usd"]) for r in _read_csv("fx_rates.csv")
    }


def fx_rate(currency: str, day: date) -> float:
    """Units of ``currency`` per USD in the month of ``day`` (USD: 1.0)."""
    if currency == "USD":
        return 1.0
    return _fx()[(f"{day.year}-{day.month:02d}", currency)]


def to_usd(amount: float, currency: str, day: date) -> float:
    return amount / fx_rate(currency, day)


@cache
def region_groups() -> dict[str, str]:
    return {r["region"]: r["region_group"] for r in _read_csv("regions.csv")}


@cache
def spellings(kind: str) -> dict[str, list[str]]:
    """canonical value -> spellings, from the reference CSVs (kind: status, region, sector,
    window)."""
    name, col = {
        "status": ("statuses.csv", "status"),
        "region": ("region_spellings.csv", "region"),
        "sector": ("qip_sectors.csv", "sector"),
        "window": ("pbf_windows.csv", "window"),
    }[kind]
    out: dict[str, list[str]] = {}
    for r in _read_csv(name):
        out.setdefault(r[col], []).append(r["spelling"])
    return out


@cache
def tf_objective_names() -> dict[str, str]:
    return {r["objective"]: r["name"] for r in _read_csv("tf_objectives.csv")}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _rand_date(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _months_needed(start: date, end: date) -> int:
    m = 1
    while add_months(start, m) < end:
        m += 1
    return m


@dataclass
class Project:
    """One project's life. ``values`` holds the static canonical fields (no status/dates)."""

    code: str
    values: dict
    approval: date | None
    start: date | None
    end: date | None = None
    suspended_on: date | None = None
    cancelled_on: date | None = None
    listed_from: date | None = None  # PBF (no approval date): first report that lists it
    extras: dict = field(default_factory=dict)
    tag: str = ""

    def listed(self, rd: date) -> bool:
        first = self.listed_from or self.approval
        return first is not None and first <= rd

    def status(self, rd: date) -> str:
        if self.cancelled_on and rd >= self.cancelled_on:
            return "cancelled"
        if self.suspended_on and rd >= self.suspended_on:
            return "suspended"
        if self.end and self.end <= rd:
            return "completed"
        if self.start and self.start <= rd:
            return "ongoing"
        return "not_started"


# --------------------------------------------------------------------------------------------
# QIP population
# --------------------------------------------------------------------------------------------

QIP_REGION_CODE = {
    "Tombouctou": "TBT", "Taoudénit": "TDN", "Gao": "GAO", "Ménaka": "MNK", "Kidal": "KDL",
    "Mopti": "MPT", "Ségou": "SEG", "Bamako": "BKO", "National": "NAT",
}  # fmt: skip
QIP_REGION_COUNTS = {
    "Tombouctou": 100, "Taoudénit": 10, "Gao": 82, "Ménaka": 15, "Kidal": 70,
    "Mopti": 80, "Ségou": 13, "Bamako": 45, "National": 26,
}  # fmt: skip
# Non-cancelled QIP budget (USD) by reporting group in June 2018: bulletin 15.9M and
# 25 / 22 / 21 / 16 / 16 per cent, placed well inside the rounding windows.
QIP_BUDGET_TOTAL = 15_903_640.0
QIP_GROUP_SHARES = {
    "Timbuktu / Taoudénit": 25.10,
    "Gao / Ménaka": 21.90,
    "Mopti": 21.05,
    "Kidal": 15.95,
    "Bamako / Countrywide": 16.00,
}
LOCALITIES = {
    "Tombouctou": ["Tombouctou", "Goundam", "Diré", "Niafunké", "Gourma-Rharous", "Ber", "Léré"],
    "Taoudénit": ["Taoudénit", "Araouane", "Boujbeha", "Foum-Elba", "Achourat"],
    "Gao": ["Gao", "Ansongo", "Bourem", "Tessit", "Bamba", "Gabero", "Ouatagouna"],
    "Ménaka": ["Ménaka", "Andéramboukane", "Inékar", "Tidermène"],
    "Kidal": ["Kidal", "Tessalit", "Aguelhok", "Anéfis", "Abeïbara", "Tin-Essako"],
    "Mopti": ["Mopti", "Sévaré", "Bandiagara", "Douentza", "Djenné", "Bankass", "Koro",
              "Ténenkou", "Youwarou", "Boni"],
    "Ségou": ["Ségou", "Niono", "Macina", "Markala", "San"],
    "Bamako": ["Commune I", "Commune II", "Commune III", "Commune IV", "Commune V",
               "Commune VI"],
    "National": [],
}  # fmt: skip
QIP_SECTOR_WEIGHTS = {
    "Public Infrastructures": 20, "Education": 12, "Water": 12, "Health": 10, "Agriculture": 9,
    "Conflict Management": 7, "Security": 6, "Justice": 5, "Public Information": 4,
    "Culture": 4, "Sports": 4, "Handicraft": 3, "Waste Management": 2, "Human Rights": 2,
}  # fmt: skip
QIP_TITLES = {
    "Security": ["Construction d'un poste de sécurité à {loc}",
                 "Équipement du commissariat de police de {loc}"],
    "Justice": ["Réhabilitation de la justice de paix de {loc}",
                "Équipement du tribunal d'instance de {loc}"],
    "Public Infrastructures": ["Réhabilitation de la mairie de {loc}",
                               "Construction d'un marché à bétail à {loc}",
                               "Installation de lampadaires solaires à {loc}",
                               "Réhabilitation de la maison des jeunes de {loc}"],
    "Agriculture": ["Appui aux femmes maraîchères de {loc}",
                    "Aménagement d'un périmètre irrigué à {loc}",
                    "Appui en aliment bétail aux éleveurs de {loc}"],
    "Health": ["Réhabilitation du CSCOM de {loc}", "Équipement de la maternité de {loc}"],
    "Public Information": ["Appui à la radio communautaire de {loc}",
                           "Sensibilisation sur l'Accord pour la paix à {loc}"],
    "Education": ["Réhabilitation de l'école fondamentale de {loc}",
                  "Construction de trois salles de classe à {loc}"],
    "Water": ["Réalisation d'un forage équipé à {loc}",
              "Réhabilitation du château d'eau de {loc}"],
    "Handicraft": ["Appui aux artisans de {loc}", "Équipement d'un centre de couture à {loc}"],
    "Culture": ["Réhabilitation du centre culturel de {loc}",
                "Appui au festival culturel de {loc}"],
    "Sports": ["Réhabilitation du terrain de football de {loc}",
               "Tournoi sportif pour la paix à {loc}"],
    "Conflict Management": ["Renforcement des commissions foncières de {loc}",
                            "Dialogue intercommunautaire à {loc}"],
    "Waste Management": ["Assainissement et gestion des déchets à {loc}"],
    "Human Rights": ["Sensibilisation aux droits de l'homme à {loc}"],
}  # fmt: skip
QIP_PARTNERS = [
    "AMSS", "ONG Tassaght", "GARDL", "ONG Karkara", "AFAD", "APIL", "Stop Sahel",
    "ONG AMPRODE Sahel", "ARDIL", "Groupement féminin Benkadi", "Association Tumast",
    "ONG Delta Survie", "Entreprise Maïga et Frères", "ASG Ansongo", "Mairie de {loc}",
    "Conseil de cercle de {loc}", "Coopérative des maraîchères de {loc}",
    "Association des jeunes de {loc}",
]  # fmt: skip
QIP_SPONSORS = [
    "Affaires civiles", "Civil Affairs", "UNPOL", "Force", "Division des droits de l'homme",
    "Section Stabilisation et Relèvement", "Genre", "Communication stratégique", "RSS-DDR",
    "Political Affairs Division",
]  # fmt: skip
QIP_REMARKS = [
    "Retard dû à l'insécurité",
    "Réception provisoire effectuée",
    "Travaux à 80 %",
    "Remise officielle effectuée",
    "Rapport final reçu",
    "Suivi conjoint avec la mairie",
]
FOCALS = ["A. Maïga", "F. Touré", "M. Ag Ahmed", "S. Cissé", "K. Diallo", "B. Traoré",
          "H. Walet Mohamed", "O. Coulibaly"]  # fmt: skip

GAO_WOMEN_QIP = "Mobilisation des femmes de Gao pour les élections de 2018"


@cache
def qip_population() -> tuple[list[Project], dict]:
    """All QIPs (441 by June 2018) and the special ones by role (``specials`` dict)."""
    rng = random.Random(f"{SEED}:qip")
    cats: list[tuple[str, int]] = [
        ("c_old", 283), ("c_may", 8), ("c_jun", 7), ("o_old", 120), ("o_may", 9),
        ("o_jun", 9), ("gao_women", 1), ("ns", 2), ("susp", 1), ("canc", 1),
    ]  # fmt: skip
    raw: list[dict] = []
    for cat, n in cats:
        for _ in range(n):
            raw.append({"cat": cat})
    # Dates per category.
    for r in raw:
        cat = r["cat"]
        dur = rng.randint(2, 6)
        susp = canc = end = start = None
        if cat == "c_old":
            appr = _rand_date(rng, date(2013, 7, 1), date(2017, 9, 30))
            start = appr + timedelta(days=rng.randint(5, 45))
            end = add_months(start, dur) - timedelta(days=rng.randint(0, 25))
            end = min(end, date(2018, 4, 27))
            end = max(end, start + timedelta(days=20))
            dur = _months_needed(start, end) if end > add_months(start, dur) else dur
        elif cat == "c_may":
            appr = _rand_date(rng, date(2017, 11, 25), date(2017, 12, 20))
            start = appr + timedelta(days=rng.randint(7, 20))
            end = _rand_date(rng, date(2018, 5, 2), min(date(2018, 5, 31), add_months(start, 6)))
            dur = _months_needed(start, end)
        elif cat == "c_jun":
            appr = _rand_date(rng, date(2017, 12, 20), date(2018, 1, 25))
            start = appr + timedelta(days=rng.randint(7, 20))
            end = _rand_date(rng, date(2018, 6, 1), min(date(2018, 6, 29), add_months(start, 6)))
            dur = _months_needed(start, end)
        elif cat == "o_old":
            appr = _rand_date(rng, date(2017, 6, 1), date(2018, 4, 15))
            start = min(appr + timedelta(days=rng.randint(5, 30)), date(2018, 4, 30))
        elif cat == "o_may":
            appr = _rand_date(rng, date(2018, 4, 16), date(2018, 5, 25))
            start = appr + timedelta(days=rng.randint(3, 20))
        elif cat == "o_jun":
            appr = _rand_date(rng, date(2018, 6, 1), date(2018, 6, 22))
            start = appr + timedelta(days=rng.randint(1, 6))
        elif cat == "gao_women":
            appr, start, dur = date(2018, 6, 12), date(2018, 6, 29), 4
        elif cat == "ns":
            appr = _rand_date(rng, date(2018, 6, 11), date(2018, 6, 26))
        elif cat == "susp":
            appr, start, susp, dur = date(2017, 8, 10), date(2017, 9, 4), date(2018, 2, 15), 5
        else:  # canc
            appr, canc, dur = date(2017, 11, 20), date(2018, 1, 10), 3
        r.update(appr=appr, start=start, end=end, dur=dur, susp=susp, canc=canc)

    # Deliberate flag rows (kept, counted): an 8-month QIP (completed) and an over-cap one.
    eight = next(r for r in raw if r["cat"] == "c_old" and date(2016, 1, 1) <= r["appr"])
    eight.update(appr=date(2016, 2, 10), start=date(2016, 3, 1), end=date(2016, 10, 27), dur=8)
    eight["role"] = "duration_8_months"
    over = next(r for r in raw if r["cat"] == "o_old" and r["appr"] >= date(2018, 1, 1))
    over.update(appr=date(2018, 3, 14), start=date(2018, 3, 26))
    over["role"] = "over_cap"
    for r in raw:
        if r["cat"] == "gao_women":
            r["role"] = "gao_women"

    raw.sort(key=lambda r: (r["appr"], r["cat"]))

    # Regions: Taoudénit and Ménaka only exist as regions from 2016.
    fixed_region = {"gao_women": "Gao", "over_cap": "Mopti", "duration_8_months": "Kidal"}
    counts = dict(QIP_REGION_COUNTS)
    for r in raw:
        if r.get("role") in fixed_region:
            r["region"] = fixed_region[r["role"]]
            counts[r["region"]] -= 1
    young = [r for r in raw if "region" not in r and r["appr"] >= date(2016, 6, 1)]
    for r in rng.sample(young, counts["Taoudénit"] + counts["Ménaka"]):
        r["region"] = "Taoudénit" if counts["Taoudénit"] else "Ménaka"
        counts[r["region"]] -= 1
    pool = [reg for reg, n in counts.items() for _ in range(n)]
    rng.shuffle(pool)
    rest = [r for r in raw if "region" not in r]
    assert len(rest) == len(pool)
    for r, reg in zip(rest, pool, strict=True):
        r["region"] = reg

    # Codes: QIP/<REG>/<YYYY>/<NNN>, numbered by approval order within the year.
    per_year: dict[int, int] = {}
    for r in raw:
        per_year[r["appr"].year] = per_year.get(r["appr"].year, 0) + 1
        r["code"] = (
            f"QIP/{QIP_REGION_CODE[r['region']]}/{r['appr'].year}/{per_year[r['appr'].year]:03d}"
        )

    sectors = list(QIP_SECTOR_WEIGHTS)
    weights = list(QIP_SECTOR_WEIGHTS.values())
    projects: list[Project] = []
    specials: dict[str, Project] = {}
    for r in raw:
        region = r["region"]
        locs = LOCALITIES[region]
        loc = rng.choice(locs) if locs else None
        sector = rng.choices(sectors, weights)[0]
        title = rng.choice(QIP_TITLES[sector]).format(loc=loc or "Bamako")
        if region == "National":
            title = title.replace("à Bamako", "au niveau national").replace(
                "de Bamako", "des régions du Nord"
            )
        partner = rng.choice(QIP_PARTNERS).format(loc=loc or "Bamako")
        sponsor = rng.choice(QIP_SPONSORS) if rng.random() < 0.85 else None
        # Budget (USD-equivalent target first); ~6 % in XOF, ~3 % in EUR.
        u = rng.uniform(16_000, 49_000)
        x = rng.random()
        currency = "XOF" if x < 0.06 else "EUR" if x < 0.09 else "USD"
        if currency == "USD":
            budget = float(round(u)) if rng.random() > 0.06 else round(u) + 0.5
        elif currency == "XOF":
            budget = float(round(u * fx_rate("XOF", r["appr"]) / 1000) * 1000)
        else:
            budget = float(round(u * fx_rate("EUR", r["appr"]) / 10) * 10)
        remarks = rng.choice(QIP_REMARKS) if rng.random() < 0.2 else None
        role = r.get("role")
        if role == "gao_women":
            title = GAO_WOMEN_QIP
            loc, sector, currency, budget = "Gao", "Human Rights", "USD", 41_970.0
            partner = "Plateforme des femmes leaders de Gao pour la sécurité et la stabilisation"
            sponsor = "Political Affairs Division"
            remarks = "Lancement officiel le 29/06/2018"
        elif role == "over_cap":
            currency, budget = "EUR", 47_500.0  # 58,569 USD at the March 2018 rate
            remarks = "Dépassement du plafond approuvé par le Chef de mission"
        elif role == "duration_8_months":
            remarks = "Prolongation de deux mois accordée"
            currency = "USD"
        if r["cat"] == "susp":
            remarks = "Suspendu pour raisons sécuritaires"
        elif r["cat"] == "canc":
            remarks = "Annulé à la demande du partenaire"
        p = Project(
            code=r["code"],
            values={
                "title": title,
                "region": region,
                "locality": loc,
                "sector": sector,
                "partner": partner,
                "sponsor": sponsor,
                "budget": budget,
                "currency": currency,
                "duration_months": r["dur"],
                "remarks": remarks,
            },  # fmt: skip
            approval=r["appr"],
            start=r["start"],
            end=r["end"],
            suspended_on=r["susp"],
            cancelled_on=r["canc"],
            extras={"Point focal": rng.choice(FOCALS)},
            tag=r["cat"],
        )
        projects.append(p)
        if role:
            specials[role] = p
        if r["cat"] in ("susp", "canc"):
            specials[r["cat"]] = p

    _balance_qip(projects, rng)
    june = date(2018, 6, 30)
    # The May v1 mistakes corrected by v2 (see QIP_REVISION_CHANGES).
    specials["may_status_fix"] = next(p for p in projects if p.tag == "c_may")
    specials["may_budget_fix"] = next(
        p
        for p in projects
        if p.tag == "o_old"
        and p.values["currency"] == "USD"
        and p.code not in _special_codes(specials)
    )
    # April: one project keyed in twice (same code) -> both rows rejected.
    specials["april_duplicate"] = next(
        p for p in projects if p.tag == "c_old" and p.values["region"] == "Tombouctou"
    )
    assert sum(p.listed(june) for p in projects) == 441
    return projects, specials


def _special_codes(specials: dict) -> set[str]:
    return {p.code for p in specials.values()}


def _budget_usd(p: Project) -> float:
    return to_usd(p.values["budget"], p.values["currency"], p.approval)


def _balance_qip(projects: list[Project], rng: random.Random) -> None:
    """Adjust plain USD budgets so each reporting group hits its June 2018 target."""
    groups = region_groups()
    for group, share in QIP_GROUP_SHARES.items():
        target = QIP_BUDGET_TOTAL * share / 100
        members = [
            p for p in projects if groups[p.values["region"]] == group and p.cancelled_on is None
        ]
        adj = [
            p
            for p in members
            if p.values["currency"] == "USD"
            and float(p.values["budget"]).is_integer()
            and p.values["title"] != GAO_WOMEN_QIP
            and p.values["duration_months"] <= 6
        ]
        for _ in range(50):
            diff = target - sum(_budget_usd(p) for p in members)
            if abs(diff) < 1:
                break
            per = diff / len(adj)
            for p in adj:
                p.values["budget"] = float(min(49_950, max(9_000, round(p.values["budget"] + per))))
        diff = round(target - sum(_budget_usd(p) for p in members))
        for p in rng.sample(adj, len(adj)):
            new = p.values["budget"] + diff
            if 9_000 <= new <= 49_950:
                p.values["budget"] = float(new)
                break


QIP_REVISION_CHANGES = (
    "QIPs_Suivi_2018-05-31_v2.xlsx corrects two rows of QIPs_Suivi_2018-05-31.xlsx: "
    "{status} (v1 'En cours' without end date -> v2 completed with its end date) and "
    "{budget} (v1 budget {wrong:,.0f} -> v2 {right:,.0f} USD)."
)


def _qip_values(p: Project, rd: date) -> dict:
    v = p.values
    status = p.status(rd)
    start = p.start if p.start and p.start <= rd else None
    return {
        "project_code": p.code,
        "title": v["title"],
        "region": v["region"],
        "locality": v["locality"],
        "sector": v["sector"],
        "partner": v["partner"],
        "sponsor": v["sponsor"],
        "budget": float(v["budget"]),
        "currency": v["currency"],
        "budget_usd": round(to_usd(v["budget"], v["currency"], p.approval), 2),  # to the cent
        "approval_date": p.approval,
        "start_date": start,
        "duration_months": v["duration_months"],
        "end_date": p.end if status == "completed" else None,
        "status": status,
        "remarks": v["remarks"],
    }


# --------------------------------------------------------------------------------------------
# TF population
# --------------------------------------------------------------------------------------------

TF_COST_TOTAL = 52_612_480.0
TF_OBJECTIVE_SHARES = {"5": 39.10, "3": 22.90, "2": 18.05, "1": 16.95, "4": 3.00}
TF_OBJECTIVE_COUNTS = {"1": 40, "2": 25, "3": 45, "4": 8, "5": 14}
TF_CONTRIBUTIONS_TOTAL = 62_500_000.0
DONORS = (
    "Australia", "Austria", "Canada", "Denmark", "Germany", "Ireland", "Italy", "Luxembourg",
    "Netherlands", "Norway", "Switzerland", "Sweden", "Turkey", "United Kingdom", "UN DOCO",
)  # fmt: skip
TF_PARTNERS = {
    "1": ["UNDP", "IOM", "FAO", "UNICEF", "MINUSMA S&R"],
    "2": ["UNOPS", "MINUSMA UNPOL", "UNDP", "MINUSMA S&R"],
    "3": ["UNOPS", "UNDP", "MINUSMA DDR", "MINUSMA SSR", "MINUSMA Justice and Corrections"],
    "4": ["UNDP", "MINUSMA Electoral Affairs", "UN Women"],
    "5": ["MINUSMA Mission Support Division", "UNOPS", "UNMAS"],
}
TF_TITLES = {
    "1": ["Rehabilitation of the water supply system in {loc}",
          "Support to the return of displaced families in {loc}",
          "Emergency employment for at-risk youth in {loc}",
          "Solar street lighting in {loc}"],
    "2": ["Rehabilitation of the gendarmerie brigade of {loc}",
          "Training of Malian police officers in {loc}",
          "Equipment of the National Guard post of {loc}"],
    "3": ["Rehabilitation of the court of first instance of {loc}",
          "Rehabilitation of the prefecture of {loc}",
          "Support to the cantonment site of {loc}",
          "Rehabilitation of the prison of {loc}",
          "Support to the return of civil servants in {loc}"],
    "4": ["Support to voter registration in {loc}",
          "Support to the communal elections in {loc}",
          "Support to the national reconciliation conference ({loc})"],
    "5": ["Provision of vehicles to the Malian Defence and Security Forces ({loc})",
          "Equipment of FAMa units in {loc}",
          "Supply of communication equipment to the MDSF ({loc})"],
}  # fmt: skip
TF_REGION_WEIGHTS = {
    "Gao": 25, "Tombouctou": 22, "Kidal": 15, "Mopti": 15, "Bamako": 15, "National": 20,
    "Ménaka": 5, "Taoudénit": 3, "Ségou": 5,
}  # fmt: skip

POLICE_GAO = "Construction and equipment of the police station of the 2nd District of Gao (Château)"
INFIRMARY_GAO = (
    "Construction and equipment of the infirmary of the Regional Directorate of Civil "
    "Protection of Gao"
)
ARMOURED = "Provision of 20 armoured vehicles for the protected mobility of MINUSMA contingents"


@cache
def tf_population() -> tuple[list[Project], dict]:
    rng = random.Random(f"{SEED}:tf")
    cats = [("c_old", 75), ("c_may", 1), ("c_jun", 1), ("o_old", 49), ("o_may", 2), ("o_jun", 1)]
    raw = [{"cat": c} for c, n in cats for _ in range(n)]
    for r in raw:
        cat = r["cat"]
        end = None
        if cat == "c_old":
            appr = _rand_date(rng, date(2013, 9, 1), date(2017, 6, 30))
            start = appr + timedelta(days=rng.randint(15, 90))
            end = min(add_months(start, rng.randint(4, 24)), date(2018, 4, 25))
            end = max(end, start + timedelta(days=60))
        elif cat == "c_may":
            appr, start, end = date(2017, 2, 14), date(2017, 4, 3), date(2018, 5, 24)
        elif cat == "c_jun":
            appr, start, end = date(2017, 3, 21), date(2017, 5, 15), date(2018, 6, 18)
        elif cat == "o_old":
            appr = _rand_date(rng, date(2016, 1, 1), date(2018, 4, 10))
            start = min(appr + timedelta(days=rng.randint(10, 60)), date(2018, 4, 30))
        elif cat == "o_may":
            appr = _rand_date(rng, date(2018, 5, 2), date(2018, 5, 20))
            start = appr + timedelta(days=rng.randint(5, 25))
        else:
            appr, start = date(2018, 6, 14), date(2018, 6, 25)
        r.update(appr=appr, start=start, end=end)
    raw += [
        {"cat": "police", "appr": date(2018, 4, 20), "start": date(2018, 6, 5), "end": None,
         "obj": "3", "region": "Gao", "title": POLICE_GAO, "partner": "UNOPS",
         "donor": "Italy", "budget": 181_320.0},
        {"cat": "infirmary", "appr": date(2017, 9, 12), "start": date(2017, 10, 16),
         "end": date(2018, 6, 5), "obj": "2", "region": "Gao", "title": INFIRMARY_GAO,
         "partner": "MINUSMA S&R", "donor": "Denmark", "budget": 100_000.0},
        {"cat": "armoured", "appr": date(2017, 1, 16), "start": date(2017, 3, 1),
         "end": date(2018, 6, 22), "obj": "5", "region": "National", "title": ARMOURED,
         "partner": "MINUSMA Mission Support Division", "donor": "Germany",
         "budget": float(round(to_usd(3_500_000, "EUR", date(2016, 12, 15))))},
    ]  # fmt: skip
    raw.sort(key=lambda r: (r["appr"], r["cat"]))

    counts = dict(TF_OBJECTIVE_COUNTS)
    for r in raw:
        if "obj" in r:
            counts[r["obj"]] -= 1
    pool = [o for o, n in counts.items() for _ in range(n)]
    rng.shuffle(pool)
    it = iter(pool)
    regions = list(TF_REGION_WEIGHTS)
    rweights = list(TF_REGION_WEIGHTS.values())
    donors_w = [3, 1, 4, 6, 5, 1, 3, 1, 8, 3, 2, 2, 1, 4, 1]
    per_year: dict[int, int] = {}
    projects: list[Project] = []
    specials: dict[str, Project] = {}
    for r in raw:
        y = r["appr"].year
        per_year[y] = per_year.get(y, 0) + 1
        code = f"TF-{y}-{per_year[y]:03d}"
        if "obj" not in r:
            obj = next(it)
            while True:
                region = rng.choices(regions, rweights)[0]
                if region not in ("Ménaka", "Taoudénit") or r["appr"] >= date(2016, 6, 1):
                    break
            loc = region if region != "National" else "Bamako"
            if region in LOCALITIES and LOCALITIES[region] and rng.random() < 0.4:
                loc = rng.choice(LOCALITIES[region])
            title = rng.choice(TF_TITLES[obj]).format(loc=loc)
            partner = rng.choice(TF_PARTNERS[obj])
            donor = rng.choices(DONORS, donors_w)[0]
            if rng.random() < 0.15:
                other = rng.choices(DONORS, donors_w)[0]
                if other != donor:
                    donor = f"{donor}; {other}"
            r.update(obj=obj, region=region, title=title, partner=partner, donor=donor)
        p = Project(
            code=code,
            values={
                "title": r["title"],
                "objective": r["obj"],
                "region": r["region"],
                "partner": r["partner"],
                "donor": r["donor"],
                "budget": r.get("budget"),
                "exp_ratio": None,
            },  # fmt: skip
            approval=r["appr"],
            start=r["start"],
            end=r["end"],
            tag=r["cat"],
        )
        projects.append(p)
        if r["cat"] in ("police", "infirmary", "armoured", "c_may"):
            specials[r["cat"]] = p

    # Budgets: lognormal weights scaled to each objective's share of the cost.
    for obj, share in TF_OBJECTIVE_SHARES.items():
        members = [p for p in projects if p.values["objective"] == obj]
        free = [p for p in members if p.values["budget"] is None]
        fixed_sum = sum(p.values["budget"] for p in members if p.values["budget"] is not None)
        target = TF_COST_TOTAL * share / 100 - fixed_sum
        w = [min(4.0, max(0.3, rng.lognormvariate(0, 0.8))) for _ in free]
        scale = target / sum(w)
        for p, wi in zip(free, w, strict=True):
            p.values["budget"] = float(round(wi * scale / 10) * 10)
        big = max(free, key=lambda p: p.values["budget"])
        big.values["budget"] = round(
            big.values["budget"] + target - sum(p.values["budget"] for p in free), 2
        )
    for p in projects:
        p.values["exp_ratio"] = (
            rng.uniform(0.9, 1.0) if p.end else rng.uniform(0.05, 0.75)
        ) if rng.random() > 0.12 else None  # fmt: skip
    # Deliberate flag row: a completed project spent more than its approved budget.
    over = next(p for p in projects if p.tag == "c_old" and p.approval.year == 2015)
    over.values["exp_ratio"] = 1.035
    specials["overspent"] = over
    assert len(projects) == 132
    return projects, specials


def _tf_values(p: Project, rd: date) -> dict:
    v = p.values
    status = p.status(rd)
    budget = float(v["budget"])
    exp = None
    if v["exp_ratio"] is not None and status != "not_started":
        frac = v["exp_ratio"]
        if status == "ongoing" and p.start:
            # spending grows with time: scale by elapsed share of a nominal 18 months
            frac *= min(1.0, max(0.1, (rd - p.start).days / 540))
        exp = round(budget * frac, 2)
    return {
        "project_code": p.code,
        "title": v["title"],
        "objective": v["objective"],
        "region": v["region"],
        "partner": v["partner"],
        "donor": v["donor"],
        "budget": budget,
        "budget_usd": budget,
        "expenditure": exp,
        "approval_date": p.approval,
        "start_date": p.start if p.start and p.start <= rd else None,
        "end_date": p.end if status == "completed" else None,
        "status": status,
    }


# (donor as written, date received, amount, currency, USD equivalent recorded?, earmarked
# objective). The unit writes some donors as the bulletin does ("the Netherlands"): one donor.
_CONTRIBUTIONS = [
    ("Canada", date(2013, 8, 20), 5_000_000, "CAD", True, None),
    ("Australia", date(2013, 9, 12), 1_000_000, "AUD", False, None),
    ("Luxembourg", date(2013, 10, 8), 500_000, "EUR", False, "3"),
    ("Denmark", date(2013, 11, 25), 30_000_000, "DKK", True, None),
    ("Netherlands", date(2013, 12, 16), 5_000_000, "EUR", True, None),
    ("United Kingdom", date(2014, 3, 10), 2_000_000, "GBP", False, "2"),
    ("Italy", date(2014, 6, 23), 1_000_000, "EUR", False, None),
    ("Germany", date(2014, 9, 30), 2_000_000, "EUR", True, None),
    ("Norway", date(2014, 11, 14), 20_000_000, "NOK", False, None),
    ("Switzerland", date(2015, 3, 2), 1_500_000, "CHF", True, "1"),
    ("the Netherlands", date(2015, 6, 18), 4_000_000, "EUR", False, None),
    ("Sweden", date(2015, 10, 5), 15_000_000, "SEK", True, None),
    ("Ireland", date(2015, 12, 1), 500_000, "EUR", False, None),
    ("Turkey", date(2016, 2, 11), 1_000_000, "TRY", False, None),
    ("Denmark", date(2016, 4, 26), 20_000_000, "DKK", False, "2"),
    ("Austria", date(2016, 6, 7), 300_000, "EUR", True, None),
    ("the United Kingdom", date(2016, 11, 21), 1_500_000, "GBP", False, None),
    ("Germany", date(2016, 12, 13), 3_500_000, "EUR", False, "5"),
    ("Netherlands", date(2017, 3, 9), 3_000_000, "EUR", True, "3"),
    ("Canada", date(2017, 6, 29), 3_000_000, "CAD", False, None),
    ("UN DOCO", date(2017, 9, 18), 250_000, "USD", False, "1"),
    ("Norway", date(2017, 10, 12), 10_000_000, "NOK", True, None),
    ("Italy", date(2017, 11, 28), 1_000_000, "EUR", False, "3"),
    ("Denmark", date(2018, 2, 6), 10_000_000, "DKK", True, None),
    ("Netherlands", date(2018, 3, 22), None, "EUR", True, None),  # balancing entry
    ("Germany", date(2018, 5, 17), 1_500_000, "EUR", False, None),
    ("Sweden", date(2018, 6, 11), 10_000_000, "SEK", False, "2"),
]


@cache
def tf_contributions() -> list[dict]:
    """Every contribution received up to June 2018, canonical columns."""
    rng = random.Random(f"{SEED}:contrib")
    rows = []
    for donor, d, amount, cur, recorded, ear in _CONTRIBUTIONS:
        usd_eq = None
        if amount is not None and recorded:
            usd_eq = round(to_usd(amount, cur, d) * rng.uniform(0.992, 1.008), 2)
        rows.append(
            {
                "donor": donor,
                "date_received": d,
                "amount": None if amount is None else float(amount),
                "currency": cur,
                "usd_equivalent": usd_eq,
                "earmarked_for": ear,
                "amount_usd": None,
                # who the donor is (the demo's names are plain ASCII: lower case, no "the ")
                "donor_key": donor.lower().removeprefix("the "),
            }  # fmt: skip
        )
    for r in rows:
        if r["amount"] is not None:
            r["amount_usd"] = (
                r["usd_equivalent"]
                if r["usd_equivalent"] is not None
                else round(to_usd(r["amount"], r["currency"], r["date_received"]), 2)
            )
    bal = next(r for r in rows if r["amount"] is None)
    rest = sum(r["amount_usd"] for r in rows if r is not bal)
    bal["usd_equivalent"] = round(TF_CONTRIBUTIONS_TOTAL - rest, 2)
    bal["amount_usd"] = bal["usd_equivalent"]
    bal["amount"] = float(round(bal["usd_equivalent"] * fx_rate("EUR", bal["date_received"])))
    return rows


# --------------------------------------------------------------------------------------------
# PBF population
# --------------------------------------------------------------------------------------------

# Bulletin #41 numbers the 14 projects; windows: Phase I 1-5, GYPI 6, 7, 8, 14,
# Autorités intérimaires 9, Transfrontalier 10, Phase II 11-13. The (*) the bulletin puts
# on projects 1, 2, 5 and 7 is read as "completed".
# (no, MPTF, window, title, recipients, regions, budget, start, months, end, listed_from)
_PBF = [
    (1, "00092458", "Phase I",
     "Projet d'éducation pour la consolidation de la paix au nord du Mali", ["UNICEF"],
     ["Tombouctou", "Gao", "Kidal"], 2_010_000.0, date(2015, 3, 16), 18,
     date(2016, 12, 31), None),
    (2, "00092459", "Phase I", "Appui au renforcement des capacités de résilience aux conflits "
     "des femmes et des jeunes dans les régions de Gao et Tombouctou",
     ["UNDP", "UNIDO"], ["Gao", "Tombouctou"], 2_185_000.0, date(2015, 3, 16), 18,
     date(2017, 3, 31), None),
    (3, "00092460", "Phase I", "Renforcement de la confiance par l'appui au processus de "
     "cantonnement", ["UNOPS"], ["Gao", "Kidal", "Tombouctou"], 2_750_000.0,
     date(2015, 4, 1), 36, None, None),
    (4, "00092461", "Phase I", "Solutions pour une réintégration durable et pacifique des "
     "personnes déplacées internes et des réfugiés rapatriés dans les régions de Gao et "
     "Tombouctou", ["IOM", "UNHCR"], ["Gao", "Tombouctou"], 2_565_000.0, date(2015, 4, 1),
     36, None, None),
    (5, "00092462", "Phase I", "Programme pour un meilleur accès à la justice et à la sécurité "
     "des femmes victimes de VBG dans le processus de consolidation de la paix",
     ["UN Women", "UNFPA", "MINUSMA"], ["Mopti", "Gao", "Tombouctou"], 2_590_000.0,
     date(2015, 4, 15), 24, date(2017, 6, 30), None),
    (6, "00101402", "GYPI", "Des victimes aux acteurs de paix",
     ["UN Women", "UNFPA", "MINUSMA"], ["Mopti", "Gao", "Ménaka"], 749_650.0,
     date(2016, 12, 1), 18, None, None),
    (7, "00101403", "GYPI", "Jeunesse Alafia : actions des jeunes pour une paix inclusive et "
     "la lutte contre l'extrémisme violent", ["ACORD", "NYC"], ["Bamako", "Mopti"],
     498_300.0, date(2016, 12, 1), 13, date(2018, 1, 31), None),
    (8, "00101404", "GYPI", "Femmes, défense et sécurité", ["INTERPEACE", "IMRAP"],
     ["Tombouctou", "Gao"], 702_150.0, date(2016, 12, 15), 18, None, None),
    (9, "00104976", "Autorités intérimaires", "Appui aux autorités intérimaires de "
     "Taoudénit et Ménaka", ["UNDP", "MINUSMA"], ["Taoudénit", "Ménaka"], 1_000_000.0,
     date(2017, 6, 1), 12, None, None),
    (10, "00105650", "Transfrontalier", "Promotion de la sécurité communautaire et de la "
     "cohésion sociale dans la région du Liptako-Gourma (Mali, Niger, Burkina Faso)",
     ["UNDP", "IOM"], ["Mopti", "Gao"], 900_500.0, date(2017, 8, 1), 24, None, None),
    (11, "00108497", "Phase II", "Jeunes acteurs pour la paix et la réconciliation nationale",
     ["UNESCO", "IOM", "UNICEF"], ["National"], 3_000_000.0, date(2018, 1, 15), 18, None,
     date(2017, 12, 15)),
    (12, "00108498", "Phase II", "Pairs pour la paix : cohésion sociale à Mopti et Ségou",
     ["WFP", "UNHCR", "FAO"], ["Mopti", "Ségou"], 2_800_000.0, date(2018, 1, 22), 18, None,
     date(2017, 12, 15)),
    (13, "00108499", "Phase II", "Renforcement de la résilience sécuritaire et prévention des "
     "conflits intercommunautaires", ["UN Women", "UNDP"], ["Mopti"], 2_800_000.0,
     date(2018, 2, 12), 18, None, date(2018, 1, 20)),
    (14, "00107810", "GYPI", "Engager les jeunes pour bâtir des communautés pacifiques au Mali",
     ["MERCY CORPS"], ["Gao", "Tombouctou", "Mopti"], 619_400.0, date(2017, 12, 1), 18,
     None, date(2017, 11, 1)),
    (0, "00092463", "Secrétariat", "Bureau d'appui au Comité de pilotage (Secrétariat PBF)",
     ["UNDP"], ["Bamako"], 830_000.0, date(2015, 3, 1), 48, None, None),
]  # fmt: skip


@cache
def pbf_population() -> list[Project]:
    out = []
    for no, mptf, window, title, recips, regs, budget, start, months, end, listed in _PBF:
        out.append(
            Project(
                code=mptf,
                values={
                    "no": no,
                    "title": title,
                    "window": window,
                    "recipients": recips,
                    "regions": regs,
                    "budget": budget,
                    "duration_months": months,
                    "planned_end": add_months(start, months) - timedelta(days=1),
                },  # fmt: skip
                approval=None,
                start=start,
                end=end,
                listed_from=listed or date(2015, 1, 1),
                tag="secretariat" if no == 0 else f"pbf{no}",
            )
        )
    return out


def _pbf_values(p: Project, rd: date) -> dict:
    v = p.values
    status = p.status(rd)
    return {
        "project_code": p.code,
        "title": v["title"],
        "window": v["window"],
        "recipients": "; ".join(v["recipients"]),
        "regions": "; ".join(v["regions"]),
        "budget": float(v["budget"]),
        "budget_usd": float(v["budget"]),
        "start_date": p.start,
        "duration_months": v["duration_months"],
        "end_date": p.end if status == "completed" else v["planned_end"],
        "status": status,
    }


# --------------------------------------------------------------------------------------------
# Layouts: which line of which sheet holds what
# --------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One sheet line below the header: a data row, a region group header, a blank, a total."""

    kind: str  # "row" | "group" | "blank" | "total"
    values: dict | None = None  # canonical values (for "row")
    region: str | None = None  # for "group"
    raw: dict = field(default_factory=dict)  # field -> forced cell text (bad values)
    bad: dict | None = None  # {"outcome", "field" | "rule", "note"}
    extras: dict = field(default_factory=dict)
    excel_row: int = 0


@dataclass
class SheetLayout:
    name: str
    table: str
    title_rows: list[str]  # texts of the merged title rows (row 1, 2, ...)
    blank_before_header: int
    columns: list[tuple[str, str]]  # (field or "extra:<name>", header text as written)
    lines: list[Line]
    total_label: str
    group_row: list[tuple[str, int, int]] | None = None  # (label, first col, last col)
    header_row: int = 0


QIP_REGION_ORDER = ["Tombouctou", "Taoudénit", "Gao", "Ménaka", "Kidal", "Mopti", "Ségou",
                    "Bamako", "National"]  # fmt: skip


def _qip_layout(spec: TrackerSpec) -> SheetLayout:
    projects, sp = qip_population()
    rd = spec.report_date
    title2 = f"Projets à Impact Rapide (QIPs) – Situation au {rd:%d/%m/%Y}"
    if rd == date(2018, 4, 30):
        columns = [
            ("project_code", "Code QIP"), ("title", "Intitulé du projet"), ("region", "Région"),
            ("locality", "Cercle/Commune"), ("sector", "Secteur"),
            ("partner", "Partenaire d'exécution"), ("sponsor", "Composante parrain"),
            ("budget", "Budget"), ("currency", "Devise"),
            ("approval_date", "Date d'approbation"), ("start_date", "Date de démarrage"),
            ("duration_months", "Durée (mois)"), ("end_date", "Date de clôture"),
            ("status", "Statut"), ("remarks", "Observations"),
        ]  # fmt: skip
        blank, total = 1, "TOTAL"
    elif rd == date(2018, 5, 31):
        # columns reordered, other aliases, two blank rows, "Total général"
        columns = [
            ("project_code", "N° QIP"), ("title", "TITRE DU PROJET"), ("status", "Statut"),
            ("region", "Région"), ("locality", "Localité"), ("sector", "secteur"),
            ("budget", "Montant approuvé"), ("currency", "Devise"),
            ("partner", "Partenaire de mise en œuvre"), ("sponsor", "Section parrain"),
            ("approval_date", "Date d'approbation"), ("start_date", "Date de début"),
            ("end_date", "Date de fin effective"), ("duration_months", "Durée\n(mois)"),
            ("remarks", "Commentaires"),
        ]  # fmt: skip
        blank, total = 2, "Total général"
    else:
        # an unknown extra column, NBSP and a line break inside headers, mixed case
        columns = [
            ("project_code", "Code projet"), ("title", "Intitulé du\nprojet"),
            ("region", " Région "), ("locality", "Cercle"), ("sector", "SECTEUR"),
            ("partner", "Partenaire d'exécution"), ("sponsor", "Composante parrain"),
            ("extra:Point focal", "Point focal"), ("budget", "Budget\u00a0approuvé"),
            ("currency", "Devise"), ("approval_date", "Date\u00a0d'approbation"),
            ("start_date", "Date de démarrage"), ("duration_months", "Durée  (mois)"),
            ("end_date", "Date de clôture"), ("status", "Statut"), ("remarks", "Observations"),
        ]  # fmt: skip
        blank, total = 1, "TOTAL"

    listed = [p for p in projects if p.listed(rd)]
    by_region: dict[str, list[Line]] = {r: [] for r in QIP_REGION_ORDER}
    for p in listed:
        values = _qip_values(p, rd)
        line = Line("row", values=values, extras=dict(p.extras))
        if spec.revision == 1 and rd == date(2018, 5, 31):
            if p is sp["may_status_fix"]:
                values.update(status="ongoing", end_date=None)
            if p is sp["may_budget_fix"]:
                values["budget"] = values["budget_usd"] = float(_wrong_budget(values["budget"]))
        if p is sp["duration_8_months"] and p.listed(rd):
            line.bad = {"outcome": "flagged", "rule": "duration_over_6_months",
                        "note": "duration 8 months (cap 6)"}  # fmt: skip
        if p is sp["over_cap"]:
            note = f"47,500 EUR = {values['budget_usd']:,.0f} USD > 50,000"
            line.bad = {"outcome": "flagged", "rule": "budget_over_cap", "note": note}
        by_region[p.values["region"]].append(line)
        if rd == date(2018, 4, 30) and p is sp["april_duplicate"]:
            line.bad = {"outcome": "rejected", "field": "project_code",
                        "note": "same code keyed twice"}  # fmt: skip
            dup = Line("row", values=dict(values), extras=dict(p.extras), bad=dict(line.bad))
            by_region[p.values["region"]].append(dup)

    if rd == date(2018, 6, 30):
        # Deliberately bad rows, not among the 441 (rejected): an unknown region and an
        # impossible date. They sit inside region groups as a clerk would have put them.
        kayes = {
            "project_code": "QIP/KYS/2018/101", "title": "Réhabilitation du CSCOM de Nioro",
            "region": "Kayes", "locality": "Nioro", "sector": "Health",
            "partner": "ONG Delta Survie", "sponsor": "Affaires civiles", "budget": 27_450.0,
            "currency": "USD", "budget_usd": 27_450.0, "approval_date": date(2018, 5, 8),
            "start_date": date(2018, 5, 21), "duration_months": 4, "end_date": None,
            "status": "ongoing", "remarks": None,
        }  # fmt: skip
        by_region["Ségou"].append(
            Line("row", values=kayes, raw={"region": "Kayes-Nord"},
                 extras={"Point focal": "S. Cissé"}, bad={"outcome": "rejected", "field": "region",
                      "note": "Kayes-Nord is not in the gazetteer"})
        )  # fmt: skip
        june31 = {
            "project_code": "QIP/GAO/2018/102",
            "title": "Appui aux femmes transformatrices de Bourem", "region": "Gao",
            "locality": "Bourem", "sector": "Agriculture", "partner": "AFAD",
            "sponsor": "Genre", "budget": 33_800.0, "currency": "USD", "budget_usd": 33_800.0,
            "approval_date": None, "start_date": None, "duration_months": 5,
            "end_date": None, "status": "not_started", "remarks": None,
        }  # fmt: skip
        by_region["Gao"].append(
            Line("row", values=june31, raw={"approval_date": "31/06/2018"},
                 extras={"Point focal": "A. Maïga"},
                 bad={"outcome": "rejected", "field": "approval_date",
                      "note": "31 June does not exist"})
        )  # fmt: skip

    lines: list[Line] = []
    for region in QIP_REGION_ORDER:
        group = by_region[region]
        group.sort(key=lambda ln: (ln.values["approval_date"] or date(2018, 6, 30),
                                   ln.values["project_code"]))  # fmt: skip
        lines.append(Line("group", region=region))
        lines.extend(group)
        if region in ("Kidal",) or (region == "Gao" and spec.revision == 2):
            lines.append(Line("blank"))
    lines.append(Line("total"))
    return SheetLayout("Suivi QIPs", "projects",
                       ["MINUSMA – Section Stabilisation et Relèvement", title2],
                       blank, columns, lines, total)  # fmt: skip


def _wrong_budget(right: float) -> int:
    """The May v1 typo: two digits swapped (e.g. 38,510 -> 35,810)."""
    s = str(int(right))
    wrong = int(s[0] + s[2] + s[1] + s[3:])
    return wrong if wrong != int(right) else int(right) - 1000


MONTHS_EN = MONTH_NAMES["en"]
TF_COLUMNS = {
    "Apr": [("project_code", "Project ID"), ("title", "Project Title"),
            ("objective", "Objective"), ("region", "Region"),
            ("partner", "Implementing Entity"), ("donor", "Donor"),
            ("budget", "Approved Budget"), ("expenditure", "Expenditure to date"),
            ("approval_date", "Approval Date"), ("start_date", "Start Date"),
            ("end_date", "End Date"), ("status", "Status")],
    "May": [("project_code", "Project ID"), ("title", "Project Title"),
            ("objective", "Strategic objective"), ("region", "Location"),
            ("partner", "Implementing partner"), ("donor", "Donor(s)"),
            ("budget", "Approved budget (USD)"), ("expenditure", "Spent"),
            ("approval_date", "Approval Date"), ("start_date", "Start Date"),
            ("end_date", "Completion Date"), ("status", "Status")],
    "Jun": [("project_code", "Project No."), ("title", "Project\nTitle"),
            ("objective", "OBJECTIVE"), ("region", "Region"),
            ("partner", "Implementing Entity"), ("donor", "Funded by"),
            ("budget", "Approved Budget"), ("expenditure", "Expenditure to date"),
            ("approval_date", "Approval\u00a0Date"), ("start_date", "Start Date"),
            ("end_date", "End Date"), ("status", "status")],
}  # fmt: skip
TF_GROUPS = [
    ("Project", 0, 5),
    ("Funding (USD)", 6, 7),
    ("Dates", 8, 10),
    ("Implementation", 11, 11),
]
CONTRIB_COLUMNS = [
    ("donor", "Donor"), ("date_received", "Date received"), ("amount", "Amount"),
    ("currency", "Currency"), ("usd_equivalent", "USD equivalent"),
    ("earmarked_for", "Earmarked for"),
]  # fmt: skip


def _tf_layouts(spec: TrackerSpec) -> list[SheetLayout]:
    projects, sp = tf_population()
    rd = spec.report_date
    mon = MONTHS_EN[rd.month - 1][:3]
    lines = []
    for p in projects:
        if not p.listed(rd):
            continue
        line = Line("row", values=_tf_values(p, rd))
        v = line.values
        if v["expenditure"] is not None and v["expenditure"] > v["budget"]:
            line.bad = {"outcome": "flagged", "rule": "expenditure_over_budget",
                        "note": "expenditure 103.5 % of the approved budget"}  # fmt: skip
        if rd == date(2018, 5, 31) and p is sp["c_may"]:
            line.raw = {"end_date": ""}
            line.bad = {"outcome": "rejected", "field": "end_date",
                        "note": "Completed without a completion date"}  # fmt: skip
        lines.append(line)
    if rd == date(2018, 6, 30):
        lines.insert(60, Line("blank"))
    lines.append(Line("total"))
    title = f"Trust Fund project tracker – as of {rd.day} {MONTHS_EN[rd.month - 1]} {rd.year}"
    projects_sheet = SheetLayout("Projects", "projects", [title], 1, TF_COLUMNS[mon], lines,
                                 "TOTAL", group_row=TF_GROUPS)  # fmt: skip
    clines = [Line("row", values=dict(c)) for c in tf_contributions() if c["date_received"] <= rd]
    clines.append(Line("total"))
    ctitles = (
        [f"Contributions received – as of {rd.day} {MONTHS_EN[rd.month - 1]} {rd.year}"]
        if mon == "Jun"
        else []
    )
    contrib = SheetLayout("Contributions", "contributions", ctitles, 0, CONTRIB_COLUMNS, clines,
                          "TOTAL")  # fmt: skip
    return [projects_sheet, contrib]


def _pbf_layout(spec: TrackerSpec) -> SheetLayout:
    rd = spec.report_date
    if rd == date(2017, 11, 30):
        columns = [
            ("project_code", "Numéro MPTF"), ("title", "Titre du projet"), ("window", "Fenêtre"),
            ("recipients", "Agences récipiendaires"), ("regions", "Régions"),
            ("budget", "Budget total (USD)"), ("start_date", "Date de démarrage"),
            ("duration_months", "Durée (mois)"), ("end_date", "Date de fin"),
            ("status", "Statut"),
        ]  # fmt: skip
        blank = 1
    else:
        columns = [
            ("project_code", "N° Gateway"), ("title", "Intitulé"), ("window", "Fenêtre / Phase"),
            ("recipients", "Organisations récipiendaires"), ("regions", "Zones d'intervention"),
            ("budget", "Montant total"), ("start_date", "Date de démarrage"),
            ("end_date", "Date de fin"), ("duration_months", "Durée (mois)"),
            ("status", "STATUT"),
        ]  # fmt: skip
        blank = 2
    pop = [p for p in pbf_population() if p.listed(rd)]
    pop.sort(key=lambda p: (p.values["no"] == 0, p.values["no"]))
    lines = [Line("row", values=_pbf_values(p, rd)) for p in pop]
    lines.append(Line("total"))
    title = f"Portefeuille PBF Mali – situation au {rd:%d/%m/%Y}"
    return SheetLayout("Portefeuille", "projects", [title], blank, columns, lines, "TOTAL")


@cache
def _layouts(spec: TrackerSpec) -> tuple[SheetLayout, ...]:
    if spec.fund == "QIP":
        layouts = [_qip_layout(spec)]
    elif spec.fund == "TF":
        layouts = _tf_layouts(spec)
    else:
        layouts = [_pbf_layout(spec)]
    for lay in layouts:
        lay.header_row = (
            len(lay.title_rows) + lay.blank_before_header + (1 if lay.group_row else 0) + 1
        )
        for i, line in enumerate(lay.lines):
            line.excel_row = lay.header_row + 1 + i
    return tuple(layouts)


def tracker_layout(spec: TrackerSpec) -> tuple[SheetLayout, ...]:
    """The data sheets of one file, line by line (used by the renderer)."""
    return _layouts(spec)


# --------------------------------------------------------------------------------------------
# Public truth
# --------------------------------------------------------------------------------------------

CANONICAL = CANONICAL_COLUMNS


def tracker_truth(fund: str, report_date: date, revision: int | None = None) -> dict:
    """What a correct reader returns for one demo tracker version (see the module docstring)."""
    spec = _spec(fund, report_date, revision)
    out: dict = {
        "fund": spec.fund,
        "report_date": spec.report_date,
        "revision": spec.revision,
        "file_name": spec.file_name,
        "relpath": spec.relpath,
        "sheets": {},
        "header_rows": {},
        "tables": {},
        "source_rows": {},
        "extras": {},
        "bad_rows": [],
        "changes": None,
    }
    for lay in _layouts(spec):
        cols = CANONICAL[(spec.fund, lay.table)]
        extra_headers = [h for f, h in lay.columns if f.startswith("extra:")]
        rows, srows, extras = [], [], []
        for line in lay.lines:
            if line.kind != "row":
                continue
            if line.bad:
                raw_value = next(iter(line.raw.values()), None) if line.raw else None
                fld = line.bad.get("field") or {
                    "budget_over_cap": "budget",
                    "duration_over_6_months": "duration_months",
                    "expenditure_over_budget": "expenditure",
                }.get(line.bad.get("rule"), "")
                if raw_value is None and fld in line.values:
                    raw_value = line.values[fld]
                out["bad_rows"].append(
                    {
                        "table": lay.table,
                        "sheet": lay.name,
                        "source_row": line.excel_row,
                        "project_code": line.values.get("project_code"),
                        "outcome": line.bad["outcome"],
                        "field": line.bad.get("field"),
                        "rule": line.bad.get("rule"),
                        "value": "" if raw_value is None else str(raw_value),
                        "note": line.bad.get("note", ""),
                    }
                )
                if line.bad["outcome"] == "rejected":
                    continue
            rows.append({c: line.values[c] for c in cols})
            srows.append(line.excel_row)
            extras.append({h: line.extras[h] for h in extra_headers if h in line.extras})
        out["sheets"][lay.table] = lay.name
        out["header_rows"][lay.table] = lay.header_row
        out["tables"][lay.table] = rows
        out["source_rows"][lay.table] = srows
        out["extras"][lay.table] = extras
    if spec.fund == "QIP" and spec.report_date == date(2018, 5, 31) and spec.revision == 2:
        _, sp = qip_population()
        right = sp["may_budget_fix"].values["budget"]
        out["changes"] = QIP_REVISION_CHANGES.format(
            status=sp["may_status_fix"].code,
            budget=sp["may_budget_fix"].code,
            wrong=_wrong_budget(right),
            right=right,
        )
    return out


def bulletin_figures(truth: dict) -> dict[str, float]:
    """Bulletin figures of one tracker version, named as in the published CSV."""
    fund = truth["fund"]
    rows = truth["tables"]["projects"]
    groups = region_groups()
    figs: dict[str, float] = {}
    projects = [r for r in rows if not (fund == "PBF" and r["window"] == "Secrétariat")]
    figs["projects_total"] = len(projects)
    for st in ("completed", "ongoing", "not_started", "suspended", "cancelled"):
        figs[f"projects_{st}"] = sum(r["status"] == st for r in projects)
    live = [r for r in rows if r["status"] != "cancelled"]
    total = round(sum(r["budget_usd"] for r in live), 2)  # money to the cent
    if fund == "TF":
        figs["cost_usd"] = total
        contrib = truth["tables"]["contributions"]
        figs["budget_usd"] = round(
            sum(c["amount_usd"] for c in contrib if c["date_received"] <= truth["report_date"]), 2
        )
        figs["allocated_pct"] = round(total / figs["budget_usd"] * 100, 2)
        received = [c for c in contrib if c["date_received"] <= truth["report_date"]]
        figs["donors"] = len({c["donor_key"] for c in received})
        for obj in "12345":
            part = sum(r["budget_usd"] for r in live if r["objective"] == obj)
            figs[f"share_pct:objective:{obj}"] = part / total * 100
    else:
        figs["budget_usd"] = total
    if fund == "QIP":
        for g in dict.fromkeys(groups.values()):
            part = sum(r["budget_usd"] for r in live if groups[r["region"]] == g)
            figs[f"share_pct:region_group:{g}"] = part / total * 100
    if fund == "PBF":
        for w in ("Phase I", "Phase II", "GYPI", "Transfrontalier", "Autorités intérimaires",
                  "Secrétariat"):  # fmt: skip
            figs[f"budget_usd:window:{w}"] = sum(r["budget_usd"] for r in live if r["window"] == w)
        figs["budget_usd:window:GYPI + Transfrontalier + Autorités intérimaires"] = sum(
            figs[f"budget_usd:window:{w}"]
            for w in ("GYPI", "Transfrontalier", "Autorités intérimaires")
        )
    return figs
