"""Build real, messy tracker workbooks for tests.

xlsxwriter rather than openpyxl: a tracker's formulas must carry the cached result Excel
saved with them (openpyxl cannot write one), and text starting with "=" must stay text.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel cached for it."""

    text: str
    value: float | str


QIP_HEADERS = [
    "Code QIP", "Intitulé du projet", "Région", "Cercle/Commune", "Secteur",
    "Partenaire d'exécution", "Composante parrain", "Budget", "Devise", "Date d'approbation",
    "Date de démarrage", "Durée (mois)", "Date de clôture", "Statut", "Observations",
]  # fmt: skip

TF_HEADERS = [
    "Project ID", "Project Title", "Objective", "Region", "Implementing Entity", "Donor",
    "Approved Budget", "Expenditure to date", "Approval Date", "Start Date", "End Date",
    "Status",
]  # fmt: skip

TF_CONTRIBUTION_HEADERS = [
    "Donor", "Date received", "Amount", "Currency", "USD equivalent", "Earmarked for",
]  # fmt: skip

PBF_HEADERS = [
    "Numéro MPTF", "Titre du projet", "Fenêtre", "Agences récipiendaires", "Régions",
    "Budget total (USD)", "Date de démarrage", "Durée (mois)", "Date de fin", "Statut",
]  # fmt: skip


def qip_row(number: int = 1, **changes: Any) -> dict[str, Any]:
    row = {
        "Code QIP": f"QIP/GAO/2018/{number:03d}",
        "Intitulé du projet": f"Réhabilitation du puits n° {number}",
        "Région": "Gao",
        "Cercle/Commune": "Gao",
        "Secteur": "Eau",
        "Partenaire d'exécution": "ONG Tassaght",
        "Composante parrain": "Civil Affairs",
        "Budget": 25_000,
        "Devise": "",
        "Date d'approbation": date(2018, 3, 1),
        "Date de démarrage": date(2018, 3, 15),
        "Durée (mois)": 4,
        "Date de clôture": date(2018, 6, 15),
        "Statut": "Achevé",
        "Observations": "",
    }
    row.update(changes)
    return row


def tf_row(number: int = 1, **changes: Any) -> dict[str, Any]:
    row = {
        "Project ID": f"TF-2018-{number:03d}",
        "Project Title": f"Rehabilitation of police station {number}",
        "Objective": 3,
        "Region": "Gao",
        "Implementing Entity": "UNOPS",
        "Donor": "Italy",
        "Approved Budget": 181_320,
        "Expenditure to date": 50_000,
        "Approval Date": date(2018, 2, 1),
        "Start Date": date(2018, 3, 1),
        "End Date": "",
        "Status": "Ongoing",
    }
    row.update(changes)
    return row


def contribution_row(**changes: Any) -> dict[str, Any]:
    row = {
        "Donor": "Germany",
        "Date received": date(2016, 12, 15),
        "Amount": 3_500_000,
        "Currency": "EUR",
        "USD equivalent": "",
        "Earmarked for": "5",
    }
    row.update(changes)
    return row


def pbf_row(number: int = 1, **changes: Any) -> dict[str, Any]:
    row = {
        "Numéro MPTF": f"{92450 + number:08d}",
        "Titre du projet": f"Projet de consolidation de la paix {number}",
        "Fenêtre": "Phase I",
        "Agences récipiendaires": "UN Women, UNFPA, MINUSMA",
        "Régions": "Mopti, Gao, Ménaka",
        "Budget total (USD)": 3_000_000,
        "Date de démarrage": date(2015, 6, 1),
        "Durée (mois)": 18,
        "Date de fin": date(2016, 12, 1),
        "Statut": "Achevé",
    }
    row.update(changes)
    return row


def table(headers: list[str], rows: list[dict[str, Any] | list[Any]]) -> list[list[Any]]:
    """Header row then data rows; a dict row is laid out by header, a list row as is."""
    out: list[list[Any]] = [list(headers)]
    for row in rows:
        out.append([row.get(h, "") for h in headers] if isinstance(row, dict) else list(row))
    return out


def qip_sheet(rows: list[Any], title_date: str = "30/06/2018", headers=None) -> list[list[Any]]:
    return [
        ["MINUSMA – Section Stabilisation et Relèvement"],
        [f"Projets à Impact Rapide (QIPs) – Situation au {title_date}"],
        [],
        *table(headers or QIP_HEADERS, rows),
    ]


def tf_sheet(rows: list[Any], title: str = "as of 30 June 2018") -> list[list[Any]]:
    return [
        [f"Trust Fund project tracker – {title}"],
        ["Project", "", "", "", "", "Funding (USD)", "", "", "Dates", "", "", "Implementation"],
        *table(TF_HEADERS, rows),
    ]


def pbf_sheet(rows: list[Any], title_date: str = "28/02/2018") -> list[list[Any]]:
    return [
        [f"Portefeuille PBF Mali – situation au {title_date}"],
        [],
        *table(PBF_HEADERS, rows),
    ]


def write_workbook(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    hidden: tuple[str, ...] = (),
    merges: dict[str, list[str]] | None = None,
) -> Path:
    """Write sheets of rows; dates as real Excel dates, Formula as formula + cached value,
    a bool as a logical cell, every str as a text cell (even one starting with '=')."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.text, None, value.value)
                elif isinstance(value, bool):  # a logical cell (TRUE), not the number 1
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, datetime | date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
        for merge in (merges or {}).get(name, []):
            r, c = xl_cell_to_rowcol(merge.split(":")[0])
            first = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
            sheet.merge_range(merge, first)
        if name in hidden:
            sheet.hide()
    book.close()
    return path


def qip_workbook(folder: Path, rows: list[Any], name: str = "QIPs_Suivi_2018-06-30.xlsx",
                 **sheet_args: Any) -> Path:  # fmt: skip
    return write_workbook(
        folder / name,
        {"Listes": [["Achevé"], ["En cours"]], "Suivi QIPs": qip_sheet(rows, **sheet_args)},
        hidden=("Listes",),
        merges={"Suivi QIPs": ["A1:O1", "A2:O2"]},
    )


def tf_workbook(folder: Path, rows: list[Any], contributions: list[Any] | None = None,
                name: str = "TF_Project_Tracker_Jun2018.xlsx",
                **sheet_args: Any) -> Path:  # fmt: skip
    return write_workbook(
        folder / name,
        {
            "Projects": tf_sheet(rows, **sheet_args),
            "Contributions": table(TF_CONTRIBUTION_HEADERS, contributions or [contribution_row()]),
            "Pivot": [["nothing to see"]],
        },
        merges={"Projects": ["A1:L1", "A2:E2", "F2:H2", "I2:K2"]},
    )


def pbf_workbook(folder: Path, rows: list[Any], name: str = "PBF_Portefeuille_20180228.xlsx",
                 **sheet_args: Any) -> Path:  # fmt: skip
    return write_workbook(folder / name, {"Portefeuille": pbf_sheet(rows, **sheet_args)})


def replace_in_part(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Rewrite one XML part of a workbook (to build what no Excel writer would)."""
    with zipfile.ZipFile(path) as src:
        items = [(item, src.read(item.filename)) for item in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item, data in items:
            if item.filename == part:
                assert old in data, f"{old!r} not in {part}"
                data = data.replace(old, new)
            dst.writestr(item, data)


def big_qip_workbook(path: Path, rows: int, seed: int = 41) -> Path:
    """A QIP tracker of ``rows`` valid projects in the real layout (titles, region group
    headers, an extra column, text amounts and dates in the listed forms, a TOTAL row),
    written in constant memory. Used by the 100,000-row test and by benchmarks/."""
    import random

    rng = random.Random(seed)
    regions = ["Gao", "Tombouctou", "Kidal", "Mopti", "Ménaka", "Ségou", "Bamako"]
    sectors = ["Eau", "Santé", "Éducation", "Sécurité", "Agriculture", "Justice", "Culture"]
    statuses = ["Achevé", "En cours", "Terminé", "En exécution"]
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Suivi QIPs")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "MINUSMA – Section Stabilisation et Relèvement")
    sheet.write_string(1, 0, "Projets à Impact Rapide (QIPs) – Situation au 30/06/2018")
    for c, header in enumerate([*QIP_HEADERS, "Point focal"]):
        sheet.write_string(3, c, header)
    r = 4
    per_region = rows // len(regions) + 1
    n = 0
    for region in regions:
        sheet.write_string(r, 1, region)
        r += 1
        for _ in range(per_region):
            if n == rows:
                break
            n += 1
            budget = rng.randint(5_000, 49_999)
            approval = date(2014 + n % 4, 1 + n % 12, 1 + n % 27)
            start = approval.replace(day=min(approval.day + 3, 28))
            end = date(start.year + 1, start.month, 1)
            status = statuses[n % 4]
            values = [
                f"QIP/{region[:3].upper().replace('É', 'E')}/{approval.year}/{n:06d}",
                f"Projet {n} : réhabilitation d'infrastructures à {region}",
                region if n % 5 else f" {region.upper()}\u00a0",
                f"Cercle {n % 40}",
                sectors[n % len(sectors)],
                f"ONG Partenaire {n % 300}",
                "Civil Affairs",
                budget if n % 3 else f"{budget:,}".replace(",", "\u00a0"),
                "",
                approval if n % 2 else approval.strftime("%d/%m/%Y"),
                start,
                rng.randint(1, 6),
                end if status in ("Achevé", "Terminé") else "",
                status,
                "RAS" if n % 7 == 0 else "",
                f"Point focal {n % 50}",
            ]
            for c, value in enumerate(values):
                if value == "":
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
            r += 1
    sheet.write_string(r, 0, "TOTAL")
    sheet.write_formula(r, 7, f"=SUM(H5:H{r})", None, 0)
    book.close()
    return path
