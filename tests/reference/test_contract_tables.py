"""The reference data against the section's contract, table by table, written out here.

The gazetteer, the status, sector, objective and window vocabularies, the currencies and
the published figures in ``sr_pipeline/reference/`` feed the reader, the demo generator and
the demo's own independent parser alike. A wrong line there (Ségou in the wrong reporting
group, a P-code taken from ISO, "Suspendu" mapped to cancelled) would go through every other
test untouched: the demo would be generated, parsed and reconciled with the same mistake.
So the contract's tables are typed out in this module, as the section wrote them, and
compared with what ``load_reference()`` and the CSV files hold.

Guards against: a spelling mapped to the wrong canonical value; a canonical value added,
renamed or dropped; a P-code derived from ISO 3166-2 (ISO's ML-9 is Ménaka, OCHA's ML09 is
Bamako); a region in the wrong reporting group; a sector whose French and English names
are paired wrongly; the XOF parity drifting from 655.957; a published figure entered wrong.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date

import pytest

from sr_pipeline.reference import REFERENCE_DIR, Vocabulary, fund_facts, load_reference
from sr_pipeline.trackers.contracts import CONTRACTS
from sr_pipeline.warehouse.reference import published_figures, reference_tables

REFERENCE = load_reference()

# --- the contract's tables, as written -------------------------------------------------------

# Status vocabulary (all funds): canonical -> values seen.
STATUSES = {
    "completed": ["Achevé", "Achevée", "Terminé", "Clôturé", "Completed", "Closed", "Finalisé"],
    "ongoing": ["En cours", "En exécution", "En cours d'exécution", "Ongoing",
                "Under implementation", "In progress"],
    "not_started": ["Approuvé", "Approuvé - non démarré", "Non démarré", "Approved",
                    "Not started", "Pipeline"],
    "suspended": ["Suspendu", "Suspended", "On hold"],
    "cancelled": ["Annulé", "Cancelled", "Canceled"],
}  # fmt: skip

# The gazetteer: admin-1 region, OCHA P-code (None: none published), values seen, bulletin
# reporting group; the last line is the national row.
GAZETTEER = [
    ("Tombouctou", "ML06", ["Tombouctou", "Timbuktu", "Tombouktou", "TBT", "TOM"],
     "Timbuktu / Taoudénit"),
    ("Taoudénit", None, ["Taoudénit", "Taoudéni", "Taoudeni", "Taoudenni"],
     "Timbuktu / Taoudénit"),
    ("Gao", "ML07", ["Gao", "GAO"], "Gao / Ménaka"),
    ("Ménaka", "ML10", ["Ménaka", "Menaka", "MNK"], "Gao / Ménaka"),
    ("Kidal", "ML08", ["Kidal", "KDL"], "Kidal"),
    ("Mopti", "ML05", ["Mopti", "MPT"], "Mopti"),
    ("Ségou", "ML04", ["Ségou", "Segou", "Segu"], "Mopti"),
    ("Bamako", "ML09", ["Bamako", "District de Bamako", "BKO"], "Bamako / Countrywide"),
    ("National", None, ["National", "Countrywide", "Multi-régions", "Tout le pays"],
     "Bamako / Countrywide"),
]  # fmt: skip

# The bulletin's five reporting groups, spelled exactly so (docs/figures.md, budget_breakdown).
REGION_GROUPS = ["Timbuktu / Taoudénit", "Gao / Ménaka", "Kidal", "Mopti", "Bamako / Countrywide"]

# The 14 QIP sectors: French as in the trackers, English as in the bulletin.
QIP_SECTORS = [
    ("Sécurité", "Security"), ("Justice", "Justice"),
    ("Infrastructures publiques", "Public Infrastructures"), ("Agriculture", "Agriculture"),
    ("Santé", "Health"), ("Information publique", "Public Information"),
    ("Éducation", "Education"), ("Eau", "Water"), ("Artisanat", "Handicraft"),
    ("Culture", "Culture"), ("Sports", "Sports"), ("Gestion des conflits", "Conflict Management"),
    ("Gestion des déchets", "Waste Management"), ("Droits de l'homme", "Human Rights"),
]  # fmt: skip

# The Trust Fund's five objectives.
TF_OBJECTIVES = {
    "1": "Immediate and long-term efforts to resolve the crisis in Mali",
    "2": "Capacity building of Malian Security Forces (MSF)",
    "3": "Return of State Authority, Rule of Law and DDR-SSR",
    "4": "Restoration of Constitutional Order, National Unity and Support for Elections",
    "5": "Equipment and Logistical Support to Malian Defence and Security Forces (MDSF)",
}

# PBF windows: canonical -> the spellings the contract gives (IPYG is GYPI; the English names
# in its parentheses are accepted too).
PBF_WINDOWS = {
    "Phase I": ["Phase I"],
    "Phase II": ["Phase II"],
    "GYPI": ["GYPI", "IPYG"],
    "Transfrontalier": ["Transfrontalier", "cross-border"],
    "Autorités intérimaires": ["Autorités intérimaires", "interim authorities"],
    "Secrétariat": ["Secrétariat"],
}

# Currencies: the QIP budgets' three, and the Trust Fund contributions' eleven.
QIP_CURRENCIES = {"USD", "XOF", "EUR"}
TF_CONTRIBUTION_CURRENCIES = QIP_CURRENCIES | {"NOK", "SEK", "DKK", "GBP", "CAD", "AUD", "CHF",
                                               "TRY"}  # fmt: skip
XOF_PER_EUR = 655.957

# Bulletin #41 as printed: (fund, the date its figures describe, figure, published,
# how precisely it was printed). Amounts in millions are stored in USD.
BULLETIN_41 = {
    ("QIP", date(2018, 6, 30), "projects_completed", 298, "count"),
    ("QIP", date(2018, 6, 30), "projects_ongoing", 139, "count"),
    ("QIP", date(2018, 6, 30), "projects_total", 441, "count"),
    ("QIP", date(2018, 6, 30), "budget_usd", 15_900_000, "millions_1"),  # 15.9 million
    ("QIP", date(2018, 6, 30), "share_pct:region_group:Timbuktu / Taoudénit", 25, "percent_0"),
    ("QIP", date(2018, 6, 30), "share_pct:region_group:Gao / Ménaka", 22, "percent_0"),
    ("QIP", date(2018, 6, 30), "share_pct:region_group:Mopti", 21, "percent_0"),
    ("QIP", date(2018, 6, 30), "share_pct:region_group:Kidal", 16, "percent_0"),
    ("QIP", date(2018, 6, 30), "share_pct:region_group:Bamako / Countrywide", 16, "percent_0"),
    ("TF", date(2018, 6, 30), "projects_completed", 79, "count"),
    ("TF", date(2018, 6, 30), "projects_ongoing", 66, "count"),
    ("TF", date(2018, 6, 30), "projects_total", 132, "count"),
    ("TF", date(2018, 6, 30), "cost_usd", 52_600_000, "millions_1"),  # 52.6 million
    ("TF", date(2018, 6, 30), "budget_usd", 62_500_000, "millions_1"),  # 62.5 million
    ("TF", date(2018, 6, 30), "share_pct:objective:5", 39, "percent_0"),
    ("TF", date(2018, 6, 30), "share_pct:objective:3", 23, "percent_0"),
    ("TF", date(2018, 6, 30), "share_pct:objective:2", 18, "percent_0"),
    ("TF", date(2018, 6, 30), "share_pct:objective:1", 17, "percent_0"),
    ("TF", date(2018, 6, 30), "share_pct:objective:4", 3, "percent_0"),
    ("TF", date(2018, 6, 30), "donors", 15, "count"),
    ("PBF", date(2018, 2, 28), "projects_total", 14, "count"),
    ("PBF", date(2018, 2, 28), "budget_usd", 26_000_000, "millions_0"),  # "approximately 26"
    ("PBF", date(2018, 2, 28), "budget_usd:window:Phase I", 12_100_000, "millions_1"),
    ("PBF", date(2018, 2, 28), "budget_usd:window:Phase II", 8_600_000, "millions_1"),
    # "GYPI + cross-border + interim authorities 4.47 million": one printed sum of three slices.
    ("PBF", date(2018, 2, 28),
     "budget_usd:window:GYPI + Transfrontalier + Autorités intérimaires", 4_470_000,
     "millions_2"),
}  # fmt: skip
BULLETIN_41_DONORS = [
    "Australia", "Austria", "Canada", "Denmark", "Germany", "Ireland", "Italy", "Luxembourg",
    "the Netherlands", "Norway", "Switzerland", "Sweden", "Turkey", "the United Kingdom",
    "UN DOCO",
]  # fmt: skip

# --- spellings the project accepts beyond the contract (each must map consistently) ---------

EXTRA_LOOKUPS = {
    # Every canonical value is accepted as written; for statuses only `not_started` is not
    # already one of the contract's spellings (`completed` is `Completed` folded, and so on).
    "status": {"not_started": "not_started"},
    "region": {},
    "sector": {},
    "window": {},
}
# TF objectives are accepted in more forms than the contract's `1`-`5`, `Obj. 3` and the
# name (docs/decisions.md): `Obj 3`, `Objective 3`, and a number followed by the name
# (`3 - Return of State Authority, ...`, `Obj. 3: ...`, `3) ...`). Each must carry its own
# number or its own name; ``test_tf_objectives_by_number_or_name`` checks that.


def fold(text: str) -> str:
    """The contract's comparison (case, accents, stray and non-breaking spaces and line
    breaks do not matter), written here independently of ``sr_pipeline.language.text``."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.split()).casefold()


def variants(spelling: str) -> set[str]:
    """A listed value as clerks type it: as listed, in capitals, in lower case, without its
    accents, wrapped in a space and a no-break space, with a line break or a double space
    between its words."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", spelling) if not unicodedata.combining(c)
    )
    return {
        spelling,
        spelling.upper(),
        spelling.lower(),
        plain,
        f" {spelling}\u00a0",
        spelling.replace(" ", "\n", 1),
        spelling.replace(" ", "  "),
    }


def wrong_mappings(vocabulary: Vocabulary, table: dict[str, list[str]]) -> dict[str, object]:
    """Every variant of a contract spelling that does not map to its canonical value."""
    return {
        typed: vocabulary.get(typed)
        for canonical, spellings in table.items()
        for spelling in spellings
        for typed in variants(spelling)
        if vocabulary.get(typed) != canonical
    }


def csv_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


GAZETTEER_SPELLINGS = {region: spellings for region, _, spellings, _ in GAZETTEER}
SECTOR_SPELLINGS = {en: sorted({fr, en}) for fr, en in QIP_SECTORS}
VOCABULARIES = {
    # kind: (the contract's table, its CSV file, the CSV's canonical column)
    "status": (STATUSES, "statuses.csv", "status"),
    "region": (GAZETTEER_SPELLINGS, "region_spellings.csv", "region"),
    "sector": (SECTOR_SPELLINGS, "qip_sectors.csv", "sector"),
    "window": (PBF_WINDOWS, "pbf_windows.csv", "window"),
}


# --- the vocabularies ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(VOCABULARIES))
def test_every_spelling_of_the_contract_maps_to_its_canonical_value(kind: str) -> None:
    table, _, _ = VOCABULARIES[kind]
    assert wrong_mappings(REFERENCE.vocabularies()[kind], table) == {}


@pytest.mark.parametrize("kind", list(VOCABULARIES))
def test_canonical_values_are_exactly_the_contracts(kind: str) -> None:
    table, _, _ = VOCABULARIES[kind]
    assert set(REFERENCE.vocabularies()[kind].values) == set(table)


@pytest.mark.parametrize("kind", list(VOCABULARIES))
def test_spellings_beyond_the_contract_are_only_the_listed_ones(kind: str) -> None:
    table, _, _ = VOCABULARIES[kind]
    listed = {fold(spelling) for spellings in table.values() for spelling in spellings}
    vocabulary = REFERENCE.vocabularies()[kind]
    extra = {key: value for key, value in vocabulary.lookup.items() if key not in listed}
    assert extra == EXTRA_LOOKUPS[kind]


@pytest.mark.parametrize("kind", list(VOCABULARIES))
def test_each_csv_line_agrees_with_the_contract(kind: str) -> None:
    """Read as the demo generator and the demo's parser read them: the CSV files themselves.
    Every spelling of the contract is there with its canonical value, no folded spelling
    is listed twice with two values, and nothing else is listed."""
    table, name, column = VOCABULARIES[kind]
    expected = {fold(s): canonical for canonical, spellings in table.items() for s in spellings}
    found: dict[str, set[str]] = {}
    for row in csv_rows(name):
        found.setdefault(fold(row["spelling"]), set()).add(row[column])
    assert {spelling: values for spelling, values in found.items() if len(values) > 1} == {}
    assert {spelling: values.pop() for spelling, values in found.items()} == expected


def test_the_gazetteer_p_codes_and_reporting_groups() -> None:
    assert REFERENCE.pcodes == {region: pcode for region, pcode, _, _ in GAZETTEER}
    assert REFERENCE.region_groups == {region: group for region, _, _, group in GAZETTEER}
    # OCHA's P-codes, never ISO 3166-2's numbers: ML09 is Bamako (ISO's ML-9 is Ménaka).
    assert [r for r, pcode in REFERENCE.pcodes.items() if pcode == "ML09"] == ["Bamako"]
    assert REFERENCE.pcodes["Ménaka"] == "ML10"
    # regions.csv, and the warehouse's core.regions made from it, line for line.
    assert [(r["region"], r["pcode"] or None, r["region_group"]) for r in csv_rows("regions.csv")
            ] == [(region, pcode, group) for region, pcode, _, group in GAZETTEER]  # fmt: skip
    regions = reference_tables()["regions"]
    assert list(regions.itertuples(index=False, name=None)) == [
        (region, pcode, group) for region, pcode, _, group in GAZETTEER
    ]


def test_the_reporting_groups_and_categories_of_every_breakdown() -> None:
    categories = reference_tables()["breakdown_categories"]
    found = {
        (fund, dimension): set(group["category"])
        for (fund, dimension), group in categories.groupby(["fund", "dimension"])
    }
    assert found == {
        ("QIP", "region_group"): set(REGION_GROUPS),
        ("TF", "region_group"): set(REGION_GROUPS),
        ("PBF", "region_group"): set(REGION_GROUPS),
        ("QIP", "sector"): {en for _, en in QIP_SECTORS},
        ("TF", "objective"): set(TF_OBJECTIVES),
        ("PBF", "window"): set(PBF_WINDOWS),
    }
    assert len(QIP_SECTORS) == 14 and len(TF_OBJECTIVES) == 5


def test_qip_sectors_pair_french_and_english_names() -> None:
    # The French name is what the template offers and the QIP unit's messages quote.
    assert [
        (REFERENCE.label("sector", en, "fr"), REFERENCE.label("sector", en, "en"))
        for _, en in QIP_SECTORS
    ] == QIP_SECTORS


def test_status_labels_are_spellings_of_their_own_status() -> None:
    for status, spellings in STATUSES.items():
        for language in ("en", "fr"):
            assert REFERENCE.label("status", status, language) in spellings, (status, language)


def test_tf_objectives_by_number_or_name() -> None:
    assert {r["objective"]: r["name"] for r in csv_rows("tf_objectives.csv")} == TF_OBJECTIVES
    objectives = REFERENCE.tf_objectives
    assert set(objectives.values) == set(TF_OBJECTIVES)
    for number, name in TF_OBJECTIVES.items():
        for typed in (number, f"Obj. {number}", name, *variants(name)):
            assert objectives.get(typed) == number, typed
    # Every further form accepted carries its own number or its own name, never another's.
    for key, number in objectives.lookup.items():
        own_name = fold(TF_OBJECTIVES[number])
        own_number = re.fullmatch(rf"(obj\.? ?|objective )?{number}", key)
        starts_with_number = re.match(rf"(obj\.? ?|objective )?{number}\b", key)
        assert own_number or (own_name in key and (starts_with_number or key == own_name)), key


# --- currencies and rates --------------------------------------------------------------------


def test_currencies_per_sheet() -> None:
    assert {r["currency"] for r in csv_rows("currencies.csv")} == TF_CONTRIBUTION_CURRENCIES
    assert set(REFERENCE.currencies) == TF_CONTRIBUTION_CURRENCIES
    qip = CONTRACTS["QIP"].sheet("projects")
    assert set(qip.currencies) == QIP_CURRENCIES
    assert qip.default_currency == "USD"  # a blank currency cell means USD
    contributions = CONTRACTS["TF"].sheet("contributions")
    assert set(contributions.currencies) == TF_CONTRIBUTION_CURRENCIES
    # Trust Fund budgets and PBF budgets are in USD, with no currency column.
    for fund in ("TF", "PBF"):
        sheet = CONTRACTS[fund].sheet("projects")
        assert sheet.currencies == ("USD",)
        assert "currency" not in {f.name for f in sheet.fields}


def test_xof_is_fixed_at_655_957_per_euro_and_every_currency_has_every_month() -> None:
    rates = {
        (r["currency"], r["month"]): float(r["units_per_usd"]) for r in csv_rows("fx_rates.csv")
    }
    months = sorted({month for _, month in rates})
    assert (months[0], months[-1]) == ("2013-01", "2018-12")
    assert len(months) == 6 * 12  # no month missing in between
    for month in months:
        assert rates[("XOF", month)] == pytest.approx(rates[("EUR", month)] * XOF_PER_EUR, 1e-12)
    # One rate per currency per month (USD is 1 by definition and has no line).
    assert set(rates) == {(c, m) for c in TF_CONTRIBUTION_CURRENCIES - {"USD"} for m in months}
    assert REFERENCE.rate("USD", "2031-01") == 1.0
    assert REFERENCE.rate("NOK", "2012-12") is None  # before the file: no rate, never 1.0


# --- the funds, budget lines and published figures -------------------------------------------


def test_funds_their_language_and_what_category_means() -> None:
    assert [(f.fund, f.language, f.category_dimension) for f in fund_facts().values()] == [
        ("QIP", "fr", "sector"),  # French-language workbook
        ("TF", "en", "objective"),  # English-language workbook
        ("PBF", "fr", "window"),  # French-language workbook
    ]
    # The PBF Secrétariat line is the one budget line that is not a project.
    assert REFERENCE.budget_lines == {("PBF", "Secrétariat")}


def test_bulletin_41_is_entered_as_printed() -> None:
    published = published_figures()
    assert set(published["bulletin"]) == {41}
    assert {d.date() for d in published["as_of"]} == {date(2018, 6, 30)}
    assert {
        (r.fund, r.data_as_of.date(), r.figure, r.published, r.precision)
        for r in published.itertuples()
    } == BULLETIN_41
    # The pie-chart shares are our reading of the charts, and say so.
    shares = published[published["figure"].str.startswith("share_pct:")]
    assert shares["note"].str.contains("our reading of the chart").all()
    (donors,) = published.loc[published["figure"] == "donors", "printed"]
    assert [d for d in BULLETIN_41_DONORS if d not in donors] == []
