"""The printed bulletin's words in English and French: headings, the Main Figures sentences,
the names of funds, region groups, objectives, windows and donors, and how numbers are
written (``15.9 million USD`` / ``15,9 millions USD``, ``1,234`` / ``1 234``).

The English Main Figures sentences are the web page's own (``content.main_figures``), so the
page and the PDF never disagree; the French ones say the same figures in the same order.
A name this table does not know (a new donor) is printed as the tracker spells it.
"""

from __future__ import annotations

from sr_pipeline.bulletin.content import Month, listing, main_figures
from sr_pipeline.language.wording import long_date, money, phrase
from sr_pipeline.model import MISSION_START
from sr_pipeline.reference import load_reference

LANGUAGES = ("en", "fr")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Monthly Bulletin", "fr": "Bulletin mensuel"},
    "section": {
        "en": "Stabilization & Recovery Section",
        "fr": "Section Stabilisation et Relèvement",
    },
    "on": {"en": "On {date}", "fr": "Au {date}"},
    "draft": {
        "en": "DRAFT: no highlights written for this month yet",
        "fr": "PROJET : aucun fait marquant rédigé pour ce mois",
    },
    "main_figures": {"en": "Main Figures", "fr": "Chiffres clés"},
    "as_of": {"en": "as of {date}", "fr": "au {date}"},
    "overview": {"en": "Global overview since {year}", "fr": "Vue d'ensemble depuis {year}"},
    "by_region": {"en": "Number of projects by region", "fr": "Nombre de projets par région"},
    "trend": {
        "en": "Completed and ongoing projects, month by month",
        "fr": "Projets achevés et en cours, mois par mois",
    },
    "breakdowns": {"en": "Budget breakdowns", "fr": "Répartition des budgets"},
    "thanks": {"en": "Thanks to all partners", "fr": "Merci à tous les partenaires"},
    "partners": {
        "en": "Implementing partners, National Institutions, Civil Society, International "
        "Donors, Sponsoring MINUSMA components.",
        "fr": "Partenaires de mise en œuvre, institutions nationales, société civile, bailleurs "
        "internationaux, composantes parrainantes de la MINUSMA.",
    },
    "donors": {
        "en": "The Trust Fund is supported by contributions from {names}.",
        "fr": "Le Fonds d'affectation spéciale est financé par les contributions de : {names}.",
    },
    "highlights": {"en": "Highlights", "fr": "Faits marquants"},
    "sources": {
        "en": "Figures from the warehouse's marts ({version}). Tracker versions used:",
        "fr": "Chiffres tirés des tables « marts » de l'entrepôt ({version}). Versions des "
        "fichiers de suivi utilisées :",
    },
    "file_version": {"en": "the published DuckDB file", "fr": "le fichier DuckDB publié"},
    "lake_version": {"en": "DuckLake snapshot {version}", "fr": "instantané DuckLake {version}"},
    "tracker": {
        "en": "{fund}, month of {month}: {file} (data as of {date}; sha256 {sha})",
        "fr": "{fund}, mois de {month} : {file} (données au {date} ; sha256 {sha})",
    },
    "total": {"en": "Total: {amount}", "fr": "Total : {amount}"},
    "months_built": {
        "en": "Months built: {built} of {expected} since {start}; months without figures are "
        "left blank.",
        "fr": "Mois construits : {built} sur {expected} depuis {start} ; les mois sans "
        "chiffres restent vides.",
    },
    "all_months_built": {
        "en": "Every month since {start} is built ({built} months).",
        "fr": "Tous les mois depuis {start} sont construits ({built} mois).",
    },
    "completed": {"en": "completed", "fr": "achevés"},
    "ongoing": {"en": "ongoing", "fr": "en cours"},
    "map_note": {
        "en": "A project in several regions counts in each group it touches.",
        "fr": "Un projet présent dans plusieurs régions compte dans chaque groupe concerné.",
    },
    "page": {"en": "Page", "fr": "Page"},
}

NAMES: dict[str, dict[str, str]] = {
    # funds, as the bulletin names them
    "fund:QIP": {"en": "Quick Impact Projects (QIPs)", "fr": "Projets à impact rapide (QIP)"},
    "fund:TF": {"en": "Trust Fund (TF)", "fr": "Fonds d'affectation spéciale (TF)"},
    "fund:PBF": {
        "en": "Peacebuilding Fund (PBF)",
        "fr": "Fonds pour la consolidation de la paix (PBF)",
    },
    # region groups
    "region_group:Timbuktu / Taoudénit": {
        "en": "Timbuktu / Taoudénit",
        "fr": "Tombouctou / Taoudénit",
    },
    "region_group:Gao / Ménaka": {"en": "Gao / Ménaka", "fr": "Gao / Ménaka"},
    "region_group:Kidal": {"en": "Kidal", "fr": "Kidal"},
    "region_group:Mopti": {"en": "Mopti", "fr": "Mopti"},
    "region_group:Bamako / Countrywide": {"en": "Bamako / Countrywide", "fr": "Bamako / National"},
    # TF objectives (short)
    "objective:1": {"en": "1. Resolving the crisis", "fr": "1. Résolution de la crise"},
    "objective:2": {
        "en": "2. Capacity of the security forces",
        "fr": "2. Capacités des forces de sécurité",
    },
    "objective:3": {
        "en": "3. State authority, rule of law, DDR-SSR",
        "fr": "3. Autorité de l'État, état de droit, DDR-RSS",
    },
    "objective:4": {
        "en": "4. Constitutional order and elections",
        "fr": "4. Ordre constitutionnel et élections",
    },
    "objective:5": {"en": "5. Equipment for the MDSF", "fr": "5. Équipement des FDSM"},
    # PBF windows
    "window:Transfrontalier": {"en": "Cross-border", "fr": "Transfrontalier"},
    "window:Autorités intérimaires": {"en": "Interim authorities", "fr": "Autorités intérimaires"},
    "window:Secrétariat": {"en": "Secretariat", "fr": "Secrétariat"},
    # dimensions
    "dimension:QIP:region_group": {
        "en": "QIPs budget by region",
        "fr": "Budget des QIP par région",
    },
    "dimension:QIP:sector": {"en": "QIPs budget by sector", "fr": "Budget des QIP par secteur"},
    "dimension:TF:objective": {
        "en": "Trust Fund budget by objective",
        "fr": "Budget du TF par objectif",
    },
    "dimension:PBF:window": {"en": "PBF budget by window", "fr": "Budget du PBF par guichet"},
    # donors, as marts.donors names them
    "donor:Australia": {"en": "Australia", "fr": "Australie"},
    "donor:Austria": {"en": "Austria", "fr": "Autriche"},
    "donor:Belgium": {"en": "Belgium", "fr": "Belgique"},
    "donor:Canada": {"en": "Canada", "fr": "Canada"},
    "donor:Denmark": {"en": "Denmark", "fr": "Danemark"},
    "donor:Finland": {"en": "Finland", "fr": "Finlande"},
    "donor:France": {"en": "France", "fr": "France"},
    "donor:Germany": {"en": "Germany", "fr": "Allemagne"},
    "donor:Ireland": {"en": "Ireland", "fr": "Irlande"},
    "donor:Italy": {"en": "Italy", "fr": "Italie"},
    "donor:Japan": {"en": "Japan", "fr": "Japon"},
    "donor:Luxembourg": {"en": "Luxembourg", "fr": "Luxembourg"},
    "donor:the Netherlands": {"en": "the Netherlands", "fr": "Pays-Bas"},
    "donor:Netherlands": {"en": "Netherlands", "fr": "Pays-Bas"},
    "donor:Norway": {"en": "Norway", "fr": "Norvège"},
    "donor:Spain": {"en": "Spain", "fr": "Espagne"},
    "donor:Sweden": {"en": "Sweden", "fr": "Suède"},
    "donor:Switzerland": {"en": "Switzerland", "fr": "Suisse"},
    "donor:Turkey": {"en": "Turkey", "fr": "Turquie"},
    "donor:the United Kingdom": {"en": "the United Kingdom", "fr": "Royaume-Uni"},
    "donor:United Kingdom": {"en": "United Kingdom", "fr": "Royaume-Uni"},
    "donor:the United States": {"en": "the United States", "fr": "États-Unis"},
    "donor:European Union": {"en": "European Union", "fr": "Union européenne"},
    "donor:UN DOCO": {"en": "UN DOCO", "fr": "UN DOCO"},
}


def text(key: str, language: str, **params: object) -> str:
    """A phrase of the printed bulletin in ``language``."""
    return phrase(TEXT, key, language, **params)


def name(kind: str, value: str, language: str) -> str:
    """A fund, region group, objective, window or donor as ``language`` names it; sectors
    come from the reference labels; anything unknown is printed as given."""
    if kind == "sector":
        return load_reference().labels.get(("sector", value, language), value)
    entry = NAMES.get(f"{kind}:{value}")
    return entry[language] if entry else value


def number(value: float, language: str) -> str:
    """A count: 1,234 (en) / 1 234 (fr, narrow no-break space)."""
    return money(value, language)


def millions(amount: float, language: str, decimals: int = 1) -> str:
    """15.9 million USD / 15,9 millions USD (French: "million" from 2 on)."""
    value = round(amount / 1e6, decimals)
    figure = f"{value:,.{decimals}f}"
    if language == "fr":
        figure = figure.replace(",", "\u202f").replace(".", ",")
        return f"{figure} {'millions' if value >= 2 else 'million'} USD"
    return f"{figure} million USD"


def short_millions(amount: float, language: str) -> str:
    """15.9M USD / 15,9 M USD: chart titles and legends."""
    figure = f"{amount / 1e6:,.1f}"
    if language == "fr":
        return figure.replace(",", "\u202f").replace(".", ",") + "\u00a0M USD"
    return f"{figure}M USD"


def date_text(day, language: str) -> str:
    return long_date(day, language)


def _fr_count(count: int, singular: str, plural: str) -> str:
    return f"{number(count, 'fr')} {singular if count <= 1 else plural}"


def _fr_listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"


def main_figures_text(month: Month, language: str) -> dict[str, str]:
    """The Main Figures box, one sentence per fund, in ``language``."""
    if language == "en":
        return main_figures(month)
    sentences = {}
    if (qip := month.funds.get("QIP")) is not None:
        sentences["QIP"] = (
            f"{_fr_count(qip.count('projects_completed'), 'projet achevé', 'projets achevés')} "
            f"et {number(qip.count('projects_ongoing'), 'fr')} en cours d'exécution pour un "
            f"budget de {millions(qip.values.get('budget_usd', 0), 'fr')} "
            f"({_fr_count(qip.count('projects_total'), 'projet', 'projets')} au total depuis "
            f"{MISSION_START.year})"
        )
    if (pbf := month.funds.get("PBF")) is not None:
        sentences["PBF"] = (
            f"{_fr_count(pbf.count('projects_total'), 'projet', 'projets')} "
            f"({_fr_count(pbf.count('projects_completed'), 'achevé', 'achevés')}, "
            f"{number(pbf.count('projects_ongoing'), 'fr')} en cours d'exécution) pour un "
            f"budget total de {millions(pbf.values.get('budget_usd', 0), 'fr')}"
        )
    if (tf := month.funds.get("TF")) is not None:
        donors = [name("donor", donor, "fr") for donor in month.donors]
        given = f" (contributions de : {_fr_listing(donors)})" if donors else ""
        sentences["TF"] = (
            f"{_fr_count(tf.count('projects_completed'), 'projet achevé', 'projets achevés')} "
            f"et {_fr_count(tf.count('projects_ongoing'), 'projet', 'projets')} en cours "
            f"d'exécution sur "
            f"{_fr_count(tf.count('projects_total'), 'projet approuvé', 'projets approuvés')} "
            f"pour un coût de {millions(tf.values.get('cost_usd', 0), 'fr')} sur un budget de "
            f"{millions(tf.values.get('budget_usd', 0), 'fr')}{given}"
        )
    return {fund: sentences[fund] for fund in ("QIP", "PBF", "TF") if fund in sentences}


def donors_text(month: Month, language: str) -> str:
    """The Trust Fund's donors, named, as a sentence (empty without donors)."""
    if not month.donors:
        return ""
    names = [name("donor", donor, language) for donor in month.donors]
    joined = listing(names) if language == "en" else _fr_listing(names)
    return text("donors", language, names=joined)
