"""The source contracts of docs/trackers.md, one per fund, as data.

A contract says how to recognise a fund's file, which sheets hold data, and for each field its
header aliases, whether it is required, and its kind (how a cell is parsed and which vocabulary it
must belong to). Row rules and business-rule flags are named here and implemented once, generically,
in ``sr_pipeline.trackers.rules``. Adding a header alias is one string here; adding a status or
region spelling is one line in ``sr_pipeline/reference/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple[str, ...]
    kind: str  # text | code | mptf | amount | date | whole | currency | <vocabulary> | list:<...>
    required: bool = False
    pattern: str | None = None  # regular expression a code must match (whole value)
    example: str = ""  # a valid value, quoted when a value does not match ``pattern``


@dataclass(frozen=True)
class Conversion:
    """How a sheet's amount becomes USD: at the reference rate (``fx_rates.csv``, an
    approximate market average) of the month of ``date``, unless
    ``override`` (an amount the fund itself recorded in USD) is filled in."""

    amount: str
    date: str
    output: str
    override: str | None = None


@dataclass(frozen=True)
class SheetContract:
    table: str  # canonical table name: "projects" or "contributions"
    sheet: str  # data-sheet name (compared folded)
    fields: tuple[Field, ...]
    key: str | None  # field that must be unique within the file
    has_title_date: bool  # the report date is stated in a title cell above the header
    default_currency: str | None = None  # what a blank currency cell means
    currencies: tuple[str, ...] = ("USD",)  # currencies this sheet may use
    row_rules: tuple[str, ...] = ()  # names in sr_pipeline.trackers.rules.ROW_RULES
    flags: tuple[str, ...] = ()  # names in sr_pipeline.trackers.rules.FLAG_RULES
    conversion: Conversion | None = None
    name_keys: tuple[str, ...] = ()  # text fields that name someone: `<field>_key` is added

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)


@dataclass(frozen=True)
class Contract:
    fund: str
    file_pattern: re.Pattern[str]  # groups: date parts, then revision suffix
    date_format: str  # how the report date is written in the name: "iso" | "mon_yyyy" | "yyyymmdd"
    sheets: tuple[SheetContract, ...]
    file_name: str  # the name's form, for people: QIPs_Suivi_<YYYY-MM-DD>.xlsx
    example: str  # a real name: QIPs_Suivi_2018-06-30.xlsx
    title: str  # how the data sheet's title states the report date (an example)
    template: str  # the blank template sent to the unit (sr_pipeline.templates)

    def sheet(self, table: str) -> SheetContract:
        return next(s for s in self.sheets if s.table == table)


_REVISION = r"(?:_(v\d+|rev|corrig[eé]))?"

QIP = Contract(
    fund="QIP",
    file_pattern=re.compile(rf"^QIPs_Suivi_(\d{{4}}-\d{{2}}-\d{{2}}){_REVISION}\.xlsx$", re.I),
    date_format="iso",
    file_name="QIPs_Suivi_<YYYY-MM-DD>.xlsx",
    example="QIPs_Suivi_2018-06-30.xlsx",
    title="Projets à Impact Rapide (QIPs) – Situation au 30/06/2018",
    template="QIPs_Suivi_modele.xlsx",
    sheets=(
        SheetContract(
            table="projects",
            sheet="Suivi QIPs",
            key="project_code",
            has_title_date=True,
            default_currency="USD",
            currencies=("USD", "XOF", "EUR"),
            row_rules=(
                "start_not_before_approval",
                "end_not_before_start",
                "end_date_when_completed",
                "amount_currency_agrees",
                "approval_not_after_report_date",
                "budget_within_ten_times_cap",
            ),
            flags=("budget_over_cap", "duration_over_6_months"),
            conversion=Conversion("budget", "approval_date", "budget_usd"),
            fields=(
                Field("project_code", ("Code QIP", "Code projet", "N° QIP"), "code", True,
                      pattern=r"QIP/[A-Z]{3}/\d{4}/\d{3,}",
                      example="QIP/GAO/2018/012"),
                Field("title", ("Intitulé du projet", "Titre du projet"), "text", True),
                Field("region", ("Région",), "region", True),
                Field("locality", ("Cercle/Commune", "Cercle", "Localité"), "text"),
                Field("sector", ("Secteur",), "sector", True),
                Field("partner", ("Partenaire d'exécution", "Partenaire de mise en œuvre"),
                      "text", True),
                Field("sponsor", ("Composante parrain", "Section parrain"), "text"),
                Field("budget", ("Budget", "Montant approuvé", "Budget approuvé"), "amount", True),
                Field("currency", ("Devise",), "currency"),
                Field("approval_date", ("Date d'approbation",), "date", True),
                Field("start_date", ("Date de démarrage", "Date de début"), "date"),
                Field("duration_months", ("Durée (mois)",), "whole"),
                Field("end_date", ("Date de clôture", "Date de fin effective"), "date"),
                Field("status", ("Statut",), "status", True),
                Field("remarks", ("Observations", "Commentaires"), "text"),
            ),
        ),
    ),
)  # fmt: skip

TF = Contract(
    fund="TF",
    file_pattern=re.compile(
        # Any month word matches, so that one written another way (Mai, Fév, June) is told
        # the accepted form (discovery), rather than reported as an unknown name.
        rf"^TF_Project_Tracker_([^\W\d_]{{3,9}})(\d{{4}}){_REVISION}\.xlsx$", re.I
    ),
    date_format="mon_yyyy",
    file_name="TF_Project_Tracker_<Mon><YYYY>.xlsx",
    example="TF_Project_Tracker_Jun2018.xlsx",
    title="Trust Fund project tracker – as of 30 June 2018",
    template="TF_Project_Tracker_template.xlsx",
    sheets=(
        SheetContract(
            table="projects",
            sheet="Projects",
            key="project_code",
            has_title_date=True,
            row_rules=(
                "start_not_before_approval",
                "end_not_before_start",
                "end_date_when_completed",
                "amount_currency_agrees",
                "approval_not_after_report_date",
            ),
            flags=("expenditure_over_budget",),
            conversion=Conversion("budget", "approval_date", "budget_usd"),
            fields=(
                Field("project_code", ("Project ID", "Project No."), "code", True,
                      pattern=r"TF-\d{4}-\d{3,}", example="TF-2018-045"),
                Field("title", ("Project Title",), "text", True),
                Field("objective", ("Objective", "Strategic objective"), "objective", True),
                Field("region", ("Region", "Location"), "region", True),
                Field("partner", ("Implementing Entity", "Implementing partner"), "text", True),
                Field("donor", ("Donor", "Donor(s)", "Funded by"), "text"),
                Field("budget", ("Approved Budget", "Approved budget (USD)"), "amount", True),
                Field("expenditure", ("Expenditure to date", "Spent"), "amount"),
                Field("approval_date", ("Approval Date",), "date", True),
                Field("start_date", ("Start Date",), "date"),
                Field("end_date", ("End Date", "Completion Date"), "date"),
                Field("status", ("Status",), "status", True),
            ),
        ),
        SheetContract(
            table="contributions",
            sheet="Contributions",
            key=None,
            has_title_date=False,
            currencies=("USD", "EUR", "XOF", "NOK", "SEK", "DKK", "GBP", "CAD", "AUD", "CHF",
                        "TRY"),
            row_rules=("amount_currency_agrees",),
            conversion=Conversion("amount", "date_received", "amount_usd", "usd_equivalent"),
            name_keys=("donor",),
            fields=(
                Field("donor", ("Donor",), "text", True),
                Field("date_received", ("Date received",), "date", True),
                Field("amount", ("Amount",), "amount", True),
                Field("currency", ("Currency",), "currency", True),
                Field("usd_equivalent", ("USD equivalent",), "amount"),
                Field("earmarked_for", ("Earmarked for",), "objective"),
            ),
        ),
    ),
)  # fmt: skip

PBF = Contract(
    fund="PBF",
    file_pattern=re.compile(rf"^PBF_Portefeuille_(\d{{8}}){_REVISION}\.xlsx$", re.I),
    date_format="yyyymmdd",
    file_name="PBF_Portefeuille_<YYYYMMDD>.xlsx",
    example="PBF_Portefeuille_20180228.xlsx",
    title="Portefeuille PBF Mali – situation au 28/02/2018",
    template="PBF_Portefeuille_modele.xlsx",
    sheets=(
        SheetContract(
            table="projects",
            sheet="Portefeuille",
            key="project_code",
            has_title_date=True,
            # docs/trackers.md requires an end date for completed projects in the QIP and TF
            # tables only: a completed PBF project without one is loaded as it is.
            row_rules=("end_not_before_start", "amount_currency_agrees"),
            conversion=Conversion("budget", "start_date", "budget_usd"),
            fields=(
                Field("project_code", ("Numéro MPTF", "N° Gateway", "Projet MPTF"), "mptf", True,
                      pattern=r"\d{8}", example="00092458"),
                Field("title", ("Titre du projet", "Intitulé"), "text", True),
                Field("window", ("Fenêtre", "Phase", "Fenêtre / Phase"), "window", True),
                Field("recipients", ("Agences récipiendaires", "Organisations récipiendaires"),
                      "list:text", True),
                Field("regions", ("Régions", "Zones d'intervention"), "list:region", True),
                Field("budget", ("Budget total (USD)", "Montant total"), "amount", True),
                Field("start_date", ("Date de démarrage",), "date", True),
                Field("duration_months", ("Durée (mois)",), "whole"),
                Field("end_date", ("Date de fin",), "date"),
                Field("status", ("Statut",), "status", True),
            ),
        ),
    ),
)  # fmt: skip

CONTRACTS: dict[str, Contract] = {c.fund: c for c in (QIP, TF, PBF)}
