"""Tracker folders for benchmarks/bench_month.py, built from tests/builders.py.

- ``rows_folder``: one big QIP June 2018 tracker (``big_qip_workbook``) beside the demo TF and
  PBF trackers, so a June build reads the big file and the demo TF/PBF versions it needs.
- ``versions_folder``: the demo folder (9 versions: 4 QIP, 3 TF, 2 PBF) plus ``(k - 1) x 9``
  synthetic versions at earlier report dates inside 2013-07 ... 2018-12: QIP and TF monthly
  month-ends going back from March 2018, PBF quarterly month-ends going back from October
  2017. Each has about as many projects as the demo trackers of its fund, all valid for the
  reader (file-name date = title date; vocabulary values; dates in order; USD or a currency
  with a rate that month), and the projects carry over from one version to the next: each
  version lists the most recent projects approved on or before its report date.
"""

from __future__ import annotations

import shutil
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path

from tests.builders import (
    big_qip_workbook,
    contribution_row,
    pbf_row,
    pbf_workbook,
    qip_row,
    qip_workbook,
    tf_row,
    tf_workbook,
)

# Rows per version, like the demo trackers (QIP 420-441, TF 129-132 + 25-27 contributions,
# PBF 12-15 projects).
QIP_ROWS, TF_ROWS, TF_CONTRIBUTIONS, PBF_ROWS = 440, 130, 25, 15
DEMO_VERSIONS = {"QIP": 4, "TF": 3, "PBF": 2}
FIRST_MONTH = date(2013, 7, 31)  # the backfill's first month: every version must feed one
BIG_QIP = Path("QIP") / "2018" / "QIPs_Suivi_2018-06-30.xlsx"

QIP_REGIONS = [("Gao", "GAO"), ("Tombouctou", "TOM"), ("Kidal", "KID"), ("Mopti", "MOP"),
               ("Ménaka", "MEN"), ("Ségou", "SEG"), ("Bamako", "BKO")]  # fmt: skip
QIP_SECTORS = ["Eau", "Santé", "Éducation", "Sécurité", "Agriculture", "Justice", "Culture"]
TF_REGIONS = ["Gao", "Timbuktu", "Kidal", "Mopti", "Ménaka", "Bamako", "Countrywide"]
TF_DONORS = ["Italy", "Germany", "Netherlands", "Denmark", "Canada", "Sweden", "Norway"]
CONTRIBUTION_CURRENCIES = ["EUR", "USD", "NOK", "DKK", "SEK"]
PBF_WINDOWS = ["Phase I", "Phase II", "GYPI", "Transfrontalier"]
PBF_REGIONS = ["Mopti, Gao", "Tombouctou; Kidal", "Ségou et Mopti", "Gao / Ménaka", "National"]
# Projects are approved at a steady pace from a first date on; a version lists the most
# recent ones approved (PBF: started) on or before its report date: (first, per month, rows).
POOLS = {
    "QIP": (date(2013, 1, 2), 20, QIP_ROWS),
    "TF": (date(2013, 1, 5), 6, TF_ROWS),
    "PBF": (date(2011, 1, 10), 0.5, PBF_ROWS),
    "TF contributions": (date(2013, 1, 15), 1, TF_CONTRIBUTIONS),
}
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


def month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def month_ends_back(last: date, step: int, count: int) -> list[date]:
    """``count`` month-ends: ``last``'s, then every ``step`` months before it."""
    out = []
    for i in range(count):
        day = add_months(date(last.year, last.month, 1), -i * step)
        out.append(month_end(day.year, day.month))
    return out


def _pool(report: date, first: date, per_month: float, keep: int) -> list[tuple[int, date]]:
    """(number, approval date) of the ``keep`` most recent projects approved on or before
    ``report``, projects being approved at ``per_month`` a month from ``first`` on."""
    days_apart = 30.4 / per_month
    last = int((report - first).days / days_apart)
    numbers = range(max(0, last - keep + 1), last + 1)
    return [(n, first + timedelta(days=int(n * days_apart))) for n in numbers]


def qip_version(folder: Path, report: date) -> Path:
    """``QIPs_Suivi_<YYYY-MM-DD>.xlsx`` stating ``Situation au dd/mm/yyyy``."""
    lines = []
    for n, approved in _pool(report, *POOLS["QIP"]):
        region, code = QIP_REGIONS[n % len(QIP_REGIONS)]
        start = approved + timedelta(days=10)
        done = add_months(start, 4) <= report
        lines.append(
            qip_row(
                n,
                **{
                    "Code QIP": f"QIP/{code}/{approved.year}/{n:04d}",
                    "Intitulé du projet": f"Projet {n} : appui aux communautés de {region}",
                    "Région": region,
                    "Cercle/Commune": f"Cercle {n % 23}",
                    "Secteur": QIP_SECTORS[n % len(QIP_SECTORS)],
                    "Partenaire d'exécution": f"ONG Partenaire {n % 60}",
                    "Budget": 5_000 + (n * 7919) % 45_000,
                    "Date d'approbation": approved,
                    "Date de démarrage": start,
                    "Durée (mois)": 4,
                    "Date de clôture": add_months(start, 4) if done else "",
                    "Statut": "Achevé" if done else "En cours",
                },
            )
        )
    return qip_workbook(
        folder, lines, name=f"QIPs_Suivi_{report.isoformat()}.xlsx",
        title_date=f"{report:%d/%m/%Y}",
    )  # fmt: skip


def tf_version(folder: Path, report: date) -> Path:
    """``TF_Project_Tracker_<Mon><YYYY>.xlsx`` stating ``as of <d Month yyyy>`` (a month-end)."""
    lines = []
    for n, approved in _pool(report, *POOLS["TF"]):
        start = approved + timedelta(days=20)
        done = add_months(start, 18) <= report
        budget = 100_000 + (n * 104_729) % 900_000
        lines.append(
            tf_row(
                n,
                **{
                    "Project ID": f"TF-{approved.year}-{n:03d}",
                    "Project Title": f"Support to local authorities, project {n}",
                    "Objective": 1 + n % 5,
                    "Region": TF_REGIONS[n % len(TF_REGIONS)],
                    "Implementing Entity": f"Entity {n % 25}",
                    "Donor": TF_DONORS[n % len(TF_DONORS)],
                    "Approved Budget": budget,
                    "Expenditure to date": budget if done else budget * (n % 10) // 10,
                    "Approval Date": approved,
                    "Start Date": start,
                    "End Date": add_months(start, 18) if done else "",
                    "Status": "Completed" if done else "Ongoing",
                },
            )
        )
    contributions = [
        contribution_row(
            **{
                "Donor": TF_DONORS[k % len(TF_DONORS)],
                "Date received": received,
                "Amount": 250_000 + (k * 65_537) % 3_000_000,
                "Currency": CONTRIBUTION_CURRENCIES[k % len(CONTRIBUTION_CURRENCIES)],
                "Earmarked for": str(1 + k % 5),
            }
        )
        for k, received in _pool(report, *POOLS["TF contributions"])
    ]
    title = f"as of {report.day} {MONTHS_EN[report.month - 1]} {report.year}"
    name = f"TF_Project_Tracker_{MONTHS_EN[report.month - 1][:3]}{report.year}.xlsx"
    return tf_workbook(folder, lines, contributions, name=name, title=title)


def pbf_version(folder: Path, report: date) -> Path:
    """``PBF_Portefeuille_<YYYYMMDD>.xlsx`` stating ``situation au dd/mm/yyyy``."""
    lines = []
    for n, started in _pool(report, *POOLS["PBF"]):
        end = add_months(started, 18)
        done = end <= report
        lines.append(
            pbf_row(
                n,
                **{
                    "Titre du projet": f"Consolidation de la paix, projet {n}",
                    "Fenêtre": PBF_WINDOWS[n % len(PBF_WINDOWS)],
                    "Régions": PBF_REGIONS[n % len(PBF_REGIONS)],
                    "Budget total (USD)": 1_000_000 + (n * 31_337) % 2_500_000,
                    "Date de démarrage": started,
                    "Durée (mois)": 18,
                    "Date de fin": end if done else "",
                    "Statut": "Achevé" if done else "En cours",
                },
            )
        )
    return pbf_workbook(
        folder, lines, name=f"PBF_Portefeuille_{report:%Y%m%d}.xlsx",
        title_date=f"{report:%d/%m/%Y}",
    )  # fmt: skip


def synthetic_dates(extra_blocks: int) -> dict[str, list[date]]:
    """Report dates of ``extra_blocks`` x 9 synthetic versions, before the demo's."""
    dates = {
        "QIP": month_ends_back(date(2018, 3, 31), 1, extra_blocks * DEMO_VERSIONS["QIP"]),
        "TF": month_ends_back(date(2018, 3, 31), 1, extra_blocks * DEMO_VERSIONS["TF"]),
        "PBF": month_ends_back(date(2017, 10, 31), 3, extra_blocks * DEMO_VERSIONS["PBF"]),
    }
    early = min(min(days) for days in dates.values() if days) if extra_blocks else FIRST_MONTH
    assert early >= FIRST_MONTH, f"too many versions: {early} is before the backfill's range"
    return dates


def versions_folder(folder: Path, demo: Path, factor: int) -> dict[str, int]:
    """The demo folder plus ``(factor - 1) x 9`` synthetic versions (in ``synthetic/``);
    returns the generated files' names and the rows each holds."""
    shutil.copytree(demo, folder)
    builders = {"QIP": qip_version, "TF": tf_version, "PBF": pbf_version}
    generated: dict[str, int] = {}
    for fund, days in synthetic_dates(factor - 1).items():
        build = builders[fund]
        for day in days:
            path = build(folder / "synthetic" / fund / str(day.year), day)
            generated[path.name] = rows_loaded(fund, day)
    return generated


def rows_loaded(fund: str, report: date) -> int:
    """The rows a synthetic version holds (all valid): projects, and TF contributions."""
    rows = len(_pool(report, *POOLS[fund]))
    if fund == "TF":
        rows += len(_pool(report, *POOLS["TF contributions"]))
    return rows


def rows_folder(folder: Path, demo: Path, rows: int) -> Path:
    """A ``rows``-project QIP June 2018 tracker (``QIP/2018/QIPs_Suivi_2018-06-30.xlsx``)
    beside copies of the demo TF and PBF trackers (same relative paths); returns the QIP
    file."""
    for path in sorted(demo.rglob("*.xlsx")):
        if path.name.startswith(("TF", "PBF")):
            target = folder / path.relative_to(demo)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return big_qip_workbook(folder / BIG_QIP, rows)
