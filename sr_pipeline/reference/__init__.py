"""The project's reference data, shipped with the package (this folder): the funds, the
gazetteer, the vocabularies, the budget lines, the exchange rates and, under ``published/``,
the figures each bulletin printed.

Every vocabulary is a CSV of ``spelling,<canonical>`` lines: a new spelling seen in a tracker
is one new line, no code. Look-ups compare folded text (``text.fold``). ``funds.csv`` is the
one home of what is fixed about each fund (its order, names, the unit's working language,
what its ``category`` means); ``budget_lines.csv`` names the categories that are budget lines
rather than projects (the PBF Secrétariat); ``labels.csv`` how a clerk writes a canonical
value in each language (``Achevé`` for the status ``completed`` in French), where that differs
from the canonical value.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from sr_pipeline.language.text import fold

# The package's own folder; ``SR_REFERENCE_DIR`` names a copy of it instead (a correction tried
# before it is committed, or a test's copy: the package's files are never written).
REFERENCE_DIR = Path(os.environ.get("SR_REFERENCE_DIR") or str(resources.files(__name__)))
PUBLISHED_DIR = REFERENCE_DIR / "published"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class FundFacts:
    """What is fixed about a fund (``funds.csv``)."""

    fund: str  # QIP, TF, PBF
    name: str  # Quick Impact Projects
    abbreviation: str  # QIPs
    language: str  # the unit's working language (its feedback and template): fr or en
    category_dimension: str  # what ``category`` holds: sector, objective or window

    @property
    def display_name(self) -> str:
        """As the bulletin names the fund: Quick Impact Projects (QIPs)."""
        return f"{self.name} ({self.abbreviation})"


@cache
def fund_facts() -> dict[str, FundFacts]:
    """Every fund, in the bulletin's order (the order of ``funds.csv``)."""
    return {row["fund"]: FundFacts(**row) for row in _rows(REFERENCE_DIR / "funds.csv")}


@dataclass(frozen=True)
class Vocabulary:
    """Folded spelling -> canonical value, plus the canonical values in file order."""

    name: str
    lookup: dict[str, str]
    values: tuple[str, ...]
    spellings: dict[str, tuple[str, ...]]  # canonical -> the spellings listed for it

    @classmethod
    def from_csv(cls, name: str, path: Path, column: str) -> Vocabulary:
        lookup: dict[str, str] = {}
        spellings: dict[str, list[str]] = {}
        for row in _rows(path):
            canonical = row[column]
            lookup[fold(row["spelling"])] = canonical
            lookup.setdefault(fold(canonical), canonical)
            spellings.setdefault(canonical, []).append(row["spelling"])
        return cls(name, lookup, tuple(spellings), {k: tuple(v) for k, v in spellings.items()})

    def get(self, value: str) -> str | None:
        return self.lookup.get(fold(value))


@dataclass(frozen=True)
class Reference:
    regions: Vocabulary  # spelling -> admin-1 region (or National)
    region_groups: dict[str, str]  # admin-1 region -> bulletin reporting group
    pcodes: dict[str, str | None]  # admin-1 region -> OCHA P-code (None: none published)
    statuses: Vocabulary
    qip_sectors: Vocabulary  # French or English -> English
    tf_objectives: Vocabulary  # number or name -> "1".."5"
    pbf_windows: Vocabulary
    currencies: tuple[str, ...]
    rates: dict[tuple[str, str], float]  # (currency, "YYYY-MM") -> units per USD
    budget_lines: frozenset[tuple[str, str]]  # (fund, category) that is not a project
    labels: dict[tuple[str, str, str], str]  # (kind, canonical, language) -> as a clerk writes it

    def vocabularies(self) -> dict[str, Vocabulary]:
        """The vocabulary behind each vocabulary-kind field of the contracts (a fund's
        ``category_dimension`` is one of these kinds)."""
        return {
            "region": self.regions,
            "status": self.statuses,
            "sector": self.qip_sectors,
            "objective": self.tf_objectives,
            "window": self.pbf_windows,
        }

    def categories(self, fund: str) -> tuple[str, ...]:
        """The values of a fund's ``category``, in the bulletin's order."""
        return self.vocabularies()[fund_facts()[fund].category_dimension].values

    def label(self, kind: str, canonical: str, language: str) -> str:
        """A canonical value as the unit writes it (``labels.csv``; else the value itself)."""
        return self.labels.get((kind, canonical, language), canonical)

    def rate(self, currency: str, month: str) -> float | None:
        """Units of ``currency`` per USD in ``month`` ("YYYY-MM"); USD is 1 by definition."""
        if currency == "USD":
            return 1.0
        return self.rates.get((currency, month))


def _objective_labels(path: Path) -> dict[tuple[str, str, str], str]:
    """A TF objective as a clerk picks it: its number and its name (in both languages: the
    Trust Fund works in English)."""
    return {
        ("objective", row["objective"], language): f"{row['objective']} - {row['name']}"
        for row in _rows(path)
        for language in ("en", "fr")
    }


def _objectives(path: Path) -> Vocabulary:
    lookup: dict[str, str] = {}
    spellings: dict[str, tuple[str, ...]] = {}
    for row in _rows(path):
        number = row["objective"]
        name = row["name"]
        prefixes = (number, f"Obj. {number}", f"Obj {number}", f"Objective {number}")
        for prefix in prefixes:
            lookup[fold(prefix)] = number
            # "3 - Return of State Authority, ...", "Obj. 3: Return of ...", "3) Return ..."
            for sep in (" - ", ". ", ": ", ") ", " "):
                lookup[fold(f"{prefix}{sep}{name}")] = number
        lookup[fold(name)] = number
        spellings[number] = (number, f"Obj. {number}", name, f"{number} - {name}")
    return Vocabulary("objective", lookup, tuple(spellings), spellings)


@lru_cache(maxsize=4)
def load_reference(directory: Path = REFERENCE_DIR) -> Reference:
    regions = _rows(directory / "regions.csv")
    rates = {
        (row["currency"], row["month"]): float(row["units_per_usd"])
        for row in _rows(directory / "fx_rates.csv")
    }
    return Reference(
        regions=Vocabulary.from_csv("region", directory / "region_spellings.csv", "region"),
        region_groups={row["region"]: row["region_group"] for row in regions},
        pcodes={row["region"]: row["pcode"] or None for row in regions},
        statuses=Vocabulary.from_csv("status", directory / "statuses.csv", "status"),
        qip_sectors=Vocabulary.from_csv("sector", directory / "qip_sectors.csv", "sector"),
        tf_objectives=_objectives(directory / "tf_objectives.csv"),
        pbf_windows=Vocabulary.from_csv("window", directory / "pbf_windows.csv", "window"),
        currencies=tuple(row["currency"] for row in _rows(directory / "currencies.csv")),
        rates=rates,
        budget_lines=frozenset(
            (row["fund"], row["category"]) for row in _rows(directory / "budget_lines.csv")
        ),
        labels={
            **_objective_labels(directory / "tf_objectives.csv"),
            **{
                (row["kind"], row["value"], language): row[language]
                for row in _rows(directory / "labels.csv")
                for language in ("en", "fr")
            },
        },
    )
