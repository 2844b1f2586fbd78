"""Every sentence the pipeline says to a fund unit, in English and in French.

A problem is recorded as a ``Message`` (a code and its parameters) and rendered in a
language when shown: English in the warehouse's ``dq.*`` tables and the Dagster UI, the
unit's working language in its feedback workbook (French for the QIP and PBF units). Numbers
marked ``:money`` are grouped the way each language writes them.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from typing import Any

from sr_pipeline.language.wording import MONTH_NAMES, money

_AMOUNT_FORMS = {
    "en": "e.g. 41970, 41 970, 41 970,50 or 41,970.50",
    "fr": "par ex. 41970, 41 970, 41 970,50 ou 41,970.50",
}
_DATE_FORMS = {
    "en": "a date such as 30/06/2018, 30.06.2018 or 2018-06-30 (day first)",
    "fr": "une date comme 30/06/2018, 30.06.2018 ou 2018-06-30 (le jour d'abord)",
}

# What each vocabulary is called in a sentence.
VOCABULARY_NAMES = {
    "region": {"en": "region (gazetteer)", "fr": "région du répertoire"},
    "status": {"en": "status", "fr": "statut"},
    "sector": {"en": "QIP sector", "fr": "secteur QIP"},
    "objective": {"en": "Trust Fund objective (1-5 or its name)", "fr": "objectif du Fonds (1-5)"},
    "window": {"en": "PBF window", "fr": "fenêtre PBF"},
    "currency": {"en": "currency", "fr": "devise"},
}

# Field names as a sentence uses them.
FIELD_NAMES = {
    "approval_date": {"en": "approval date", "fr": "date d'approbation"},
    "start_date": {"en": "start date", "fr": "date de démarrage"},
    "date_received": {"en": "date received", "fr": "date de réception"},
}

CATALOGUE: dict[str, dict[str, str]] = {
    # --- cells ---
    "not_text": {
        "en": "'{value}' is a true/false value, not text",
        "fr": "« {value} » est une valeur vrai/faux, pas un texte",
    },
    "text_too_long": {
        "en": "the text fills the {limit} characters an Excel cell can hold and may have been "
        "cut; shorten it",
        "fr": "le texte remplit les {limit} caractères qu'une cellule Excel peut contenir et a "
        "pu être tronqué ; raccourcissez-le",
    },
    "amount_not_number": {
        "en": "'{value}' is not a number: write the amount as digits (" + _AMOUNT_FORMS["en"] + ")",
        "fr": "« {value} » n'est pas un nombre : écrivez le montant en chiffres ("
        + _AMOUNT_FORMS["fr"]
        + ")",
    },
    "amount_ambiguous": {
        "en": "'{value}' is ambiguous (41,970 or 41.97?): write it without a thousands "
        "separator, e.g. 41970 or 41970.50",
        "fr": "« {value} » est ambigu (41 970 ou 41,97 ?) : écrivez-le sans séparateur de "
        "milliers, par ex. 41970 ou 41970,50",
    },
    "amount_negative": {
        "en": "the amount {value} is negative; amounts must be 0 or more",
        "fr": "le montant {value} est négatif ; un montant doit être positif ou nul",
    },
    "amount_two_currencies": {
        "en": "'{value}' names two currencies; write one amount in one currency",
        "fr": "« {value} » mentionne deux devises ; écrivez un seul montant dans une seule devise",
    },
    "amount_not_usd": {
        "en": "'{value}' must be in USD",
        "fr": "« {value} » doit être en USD",
    },
    "date_invalid": {
        "en": "'{value}' is not a date: write " + _DATE_FORMS["en"],
        "fr": "« {value} » n'est pas une date : écrivez " + _DATE_FORMS["fr"],
    },
    "date_impossible": {
        "en": "'{value}' is not a real date (no such day); check day and month",
        "fr": "« {value} » n'est pas une date réelle (ce jour n'existe pas) ; vérifiez le jour "
        "et le mois",
    },
    "whole_invalid": {
        "en": "'{value}' is not a whole number of months (e.g. 6)",
        "fr": "« {value} » n'est pas un nombre entier de mois (par ex. 6)",
    },
    "mptf_invalid": {
        "en": "'{value}' is not an MPTF number (8 digits, e.g. 00092458)",
        "fr": "« {value} » n'est pas un numéro MPTF (8 chiffres, par ex. 00092458)",
    },
    "unknown_value": {
        "en": "'{value}' is not a known {what}; use one of: {accepted}",
        "fr": "« {value} » n'est pas une valeur connue ({what}) ; utilisez l'une de : {accepted}",
    },
    "unknown_list_item": {
        "en": "'{item}' (in '{value}') is not a known {what}; use one of: {accepted}",
        "fr": "« {item} » (dans « {value} ») n'est pas une valeur connue ({what}) ; utilisez "
        "l'une de : {accepted}",
    },
    "formula_no_result": {
        "en": "the cell holds the formula {formula} but no saved result, and it cannot be "
        "computed here ({reason}); open the file in Excel or LibreOffice and save it again so "
        "that the result is saved with it",
        "fr": "la cellule contient la formule {formula} mais pas son résultat, et elle ne peut "
        "pas être calculée ici ({reason}) ; ouvrez le fichier dans Excel ou LibreOffice et "
        "enregistrez-le à nouveau pour que le résultat soit enregistré avec la formule",
    },
    "blank_required": {
        "en": "this cell is blank but the column is required",
        "fr": "cette cellule est vide alors que la colonne est obligatoire",
    },
    "bad_pattern": {
        "en": "'{value}' is not a code of the form {example}",
        "fr": "« {value} » n'est pas un code de la forme {example}",
    },
    "not_accepted": {
        "en": "'{value}' is not an accepted value",
        "fr": "« {value} » n'est pas une valeur acceptée",
    },
    "check_failed": {
        "en": "'{value}' fails the check {check}",
        "fr": "« {value} » ne satisfait pas le contrôle {check}",
    },
    "duplicate_code": {
        "en": "the code {code} is also used in row(s) {rows}; a code must be unique in the "
        "file, and the pipeline cannot know which row is right",
        "fr": "le code {code} est aussi utilisé à la/aux ligne(s) {rows} ; un code doit être "
        "unique dans le fichier, et le pipeline ne peut pas savoir quelle ligne est la bonne",
    },
    "missing_rate": {
        "en": "no reference exchange rate is on file for {currency} in {month} (the month of "
        "the {date_field}); the data team must add it to the reference exchange rates "
        "(fx_rates.csv)",
        "fr": "aucun taux de change de référence n'est enregistré pour {currency} en {month} "
        "(mois de la {date_field}) ; l'équipe des données doit l'ajouter",
    },
    # --- row rules ---
    "start_not_before_approval": {
        "en": "the start date {start} is before the approval date {approval}; a project cannot "
        "start before it is approved",
        "fr": "la date de démarrage {start} est antérieure à la date d'approbation {approval} ; "
        "un projet ne peut pas démarrer avant d'être approuvé",
    },
    "end_not_before_start": {
        "en": "the end date {end} is before the start date {start}; check both dates",
        "fr": "la date de fin {end} est antérieure à la date de démarrage {start} ; vérifiez "
        "les deux dates",
    },
    "end_date_when_completed": {
        "en": "the project is marked completed but has no end date; enter the date it was "
        "completed",
        "fr": "le projet est indiqué comme achevé mais n'a pas de date de fin ; saisissez la "
        "date d'achèvement",
    },
    "amount_currency_agrees": {
        "en": "the amount is written in {written} but the row's currency is {currency}; make "
        "them agree",
        "fr": "le montant est écrit en {written} mais la devise de la ligne est {currency} ; "
        "mettez-les en accord",
    },
    "approval_not_after_report_date": {
        "en": "the approval date {approval} is after the tracker's report date {report}; a "
        "project in this tracker cannot be approved later than the date the tracker describes: "
        "check the day, the month and the year",
        "fr": "la date d'approbation {approval} est postérieure à la date de situation du suivi "
        "{report} ; un projet de ce suivi ne peut pas être approuvé après la date que le suivi "
        "décrit : vérifiez le jour, le mois et l'année",
    },
    "budget_over_limit": {
        "en": "budget of {budget_usd:money} USD is more than ten times the QIP ceiling of "
        "{cap:money} USD (above {limit:money} USD no QIP exists): if the amount is in XOF or "
        "EUR, write that currency in the currency column",
        "fr": "le budget de {budget_usd:money} USD dépasse dix fois le plafond des QIP "
        "({cap:money} USD ; aucun QIP ne dépasse {limit:money} USD) : si le montant est en XOF "
        "ou en EUR, indiquez cette devise dans la colonne des devises",
    },
    "budget_over_limit_converted": {
        "en": "budget of {amount:money} {currency} is {budget_usd:money} USD, more than ten "
        "times the QIP ceiling of {cap:money} USD (above {limit:money} USD no QIP exists): "
        "if the amount is in XOF or EUR, write that currency in the currency column",
        "fr": "le budget de {amount:money} {currency} vaut {budget_usd:money} USD, plus de dix "
        "fois le plafond des QIP ({cap:money} USD ; aucun QIP ne dépasse {limit:money} USD) : "
        "si le montant est en XOF ou en EUR, indiquez cette devise dans la colonne des devises",
    },
    # --- business rules (flags) ---
    "budget_over_cap": {
        "en": "budget of {budget_usd:money} USD is above the QIP ceiling of {cap:money} USD",
        "fr": "le budget de {budget_usd:money} USD dépasse le plafond des QIP ({cap:money} USD)",
    },
    "budget_over_cap_converted": {
        "en": "budget of {amount:money} {currency} is {budget_usd:money} USD at the reference "
        "rate of {month} ({rate:rate} {currency} per USD), above the QIP ceiling of "
        "{cap:money} USD",
        "fr": "le budget de {amount:money} {currency} vaut {budget_usd:money} USD au taux de "
        "référence de {month} ({rate:rate} {currency} pour 1 USD) et dépasse le plafond des QIP "
        "({cap:money} USD)",
    },
    "duration_over_6_months": {
        "en": "duration of {months} months is above the QIP maximum of {limit} months",
        "fr": "la durée de {months} mois dépasse le maximum des QIP ({limit} mois)",
    },
    "duration_over_6_months_by_dates": {
        "en": "runs from {start} to {end}, more than {limit} months",
        "fr": "s'étend du {start} au {end}, soit plus de {limit} mois",
    },
    "expenditure_over_budget": {
        "en": "expenditure of {expenditure:money} USD is above the approved budget of "
        "{budget:money} USD",
        "fr": "les dépenses de {expenditure:money} USD dépassent le budget approuvé de "
        "{budget:money} USD",
    },
    # --- reading notes (the rows are read; the unit should know) ---
    "unknown_column": {
        "en": "the column '{header}' (column {column}) is not one of the tracker's columns: its "
        "values are kept but not read. If it is one of them under another name, use that name "
        "(columns not found in this sheet: {missing})",
        "fr": "la colonne « {header} » (colonne {column}) n'est pas une colonne du suivi : ses "
        "valeurs sont conservées mais pas lues. Si c'est l'une d'elles sous un autre nom, "
        "utilisez ce nom (colonnes absentes de cette feuille : {missing})",
    },
    "unnamed_column": {
        "en": "column {column} holds values but has no header: they are kept but not read. If "
        "it is one of the tracker's columns, give it its header (columns not found in this "
        "sheet: {missing})",
        "fr": "la colonne {column} contient des valeurs mais n'a pas d'en-tête : elles sont "
        "conservées mais pas lues. Si c'est une colonne du suivi, donnez-lui son en-tête "
        "(colonnes absentes de cette feuille : {missing})",
    },
    "subtotal_row": {
        "en": "row {row} reads '{label}', a total, but project rows follow it: it is taken as "
        "a subtotal, counted in nothing, and the rows below it are read",
        "fr": "la ligne {row} indique « {label} », un total, mais des lignes de projets la "
        "suivent : elle est prise pour un sous-total, n'est comptée nulle part, et les lignes "
        "suivantes sont lues",
    },
    "merged_cells": {
        "en": "cells {cells} are merged: their value '{value}' counts for each of rows {first} "
        "to {last}, as a reader of the sheet sees it; if that is not meant, unmerge them and "
        "fill in each row",
        "fr": "les cellules {cells} sont fusionnées : leur valeur « {value} » vaut pour chacune "
        "des lignes {first} à {last}, comme le lit une personne ; si ce n'est pas voulu, "
        "défusionnez-les et remplissez chaque ligne",
    },
    # --- whole files ---
    "file_text": {
        "en": "not an .xlsx workbook: it is a text file (CSV?) renamed .xlsx",
        "fr": "ce n'est pas un classeur .xlsx : c'est un fichier texte (CSV ?) renommé en .xlsx",
    },
    "file_pdf": {
        "en": "not an .xlsx workbook: it is a PDF renamed .xlsx",
        "fr": "ce n'est pas un classeur .xlsx : c'est un PDF renommé en .xlsx",
    },
    "file_legacy": {
        "en": "not an .xlsx workbook: it is a legacy .xls file or a password-protected workbook",
        "fr": "ce n'est pas un classeur .xlsx : c'est un ancien fichier .xls ou un classeur "
        "protégé par mot de passe",
    },
    "file_empty": {
        "en": "not an .xlsx workbook: it is empty",
        "fr": "ce n'est pas un classeur .xlsx : le fichier est vide",
    },
    "file_unknown": {
        "en": "not an .xlsx workbook: it is not an Excel workbook",
        "fr": "ce n'est pas un classeur .xlsx : ce n'est pas un fichier Excel",
    },
    "file_encrypted": {
        "en": "the workbook is password-protected; save it without a password",
        "fr": "le classeur est protégé par mot de passe ; enregistrez-le sans mot de passe",
    },
    "file_damaged": {
        "en": "the file is damaged ({detail})",
        "fr": "le fichier est endommagé ({detail})",
    },
    "file_not_excel_parts": {
        "en": "not an .xlsx workbook: the zip lacks the Excel workbook parts",
        "fr": "ce n'est pas un classeur .xlsx : l'archive ne contient pas les parties d'un "
        "classeur Excel",
    },
    "file_too_many_parts": {
        "en": "the package holds {count} parts; refused as hostile",
        "fr": "l'archive contient {count} parties ; refusée comme malveillante",
    },
    "file_zip_bomb": {
        "en": "the workbook inflates past {limit} MB: refused as a zip bomb",
        "fr": "le classeur dépasse {limit} Mo une fois décompressé : refusé (bombe zip)",
    },
    "file_symlink": {
        "en": "a link to another file or folder, not a file of its own: links are never "
        "followed; copy the workbook itself into the trackers folder",
        "fr": "un lien vers un autre fichier ou dossier, pas un fichier : les liens ne sont "
        "jamais suivis ; copiez le classeur lui-même dans le dossier des suivis",
    },
    "file_not_regular": {
        "en": "not an ordinary file (a device, pipe or socket): only workbooks are read",
        "fr": "ce n'est pas un fichier ordinaire (périphérique, tube ou socket) : seuls les "
        "classeurs sont lus",
    },
    "file_too_large": {
        "en": "the file is {size} MB, above the {limit} MB a tracker may weigh: not read; "
        "remove what is not the tracker (pictures, other sheets) and save it again",
        "fr": "le fichier pèse {size} Mo, plus que les {limit} Mo permis pour un suivi : non lu ; "
        "retirez ce qui n'est pas le suivi (images, autres feuilles) et enregistrez-le à nouveau",
    },
    "file_xml_entities": {
        "en": "{part} declares XML entities (DOCTYPE): refused as hostile (an entity-expansion "
        "'billion laughs' file)",
        "fr": "{part} déclare des entités XML (DOCTYPE) : refusé comme malveillant",
    },
    "file_sheet_too_far": {
        "en": "sheet '{sheet}': its cells reach {cells}, {rows} rows by {columns} columns "
        "from A1, more than the {limit} cells a sheet may span: not read (reading it would "
        "take all the memory); clear what lies beyond the table and save the file again",
        "fr": "feuille « {sheet} » : ses cellules vont jusqu'à {cells}, {rows} lignes sur "
        "{columns} colonnes depuis A1, plus que les {limit} cellules qu'une feuille peut "
        "couvrir : non lu (le lire prendrait toute la mémoire) ; effacez ce qui dépasse le "
        "tableau et enregistrez le fichier à nouveau",
    },
    "file_unreadable": {
        "en": "the workbook could not be read ({detail})",
        "fr": "le classeur n'a pas pu être lu ({detail})",
    },
    "sheet_missing": {
        "en": "the data sheet '{sheet}' is missing; sheets found: {found}",
        "fr": "la feuille de données « {sheet} » est absente ; feuilles trouvées : {found}",
    },
    "no_header": {
        "en": "sheet '{sheet}': no header row found (none of the required columns {columns} "
        "appears in the first {rows} rows)",
        "fr": "feuille « {sheet} » : aucune ligne d'en-tête trouvée (aucune des colonnes "
        "obligatoires {columns} n'apparaît dans les {rows} premières lignes)",
    },
    "column_missing": {
        "en": "sheet '{sheet}': required column missing: {missing}. Headers found in row "
        "{row}: {found}",
        "fr": "feuille « {sheet} » : colonne obligatoire absente : {missing}. En-têtes trouvés "
        "à la ligne {row} : {found}",
    },
    "column_twice": {
        "en": "sheet '{sheet}', row {row}: several columns could be '{header}': {found}; keep "
        "only one",
        "fr": "feuille « {sheet} », ligne {row} : plusieurs colonnes peuvent être « {header} » : "
        "{found} ; n'en gardez qu'une",
    },
    "title_date_mismatch": {
        "en": "sheet '{sheet}': the title says '{title}' ({stated}) but the file name says "
        "{named}; correct one of them",
        "fr": "feuille « {sheet} » : le titre indique « {title} » ({stated}) mais le nom du "
        "fichier indique {named} ; corrigez l'un des deux",
    },
    "title_date_missing": {
        "en": "sheet '{sheet}': no report date found in the title rows above the header "
        "(expected e.g. 'Situation au 30/06/2018' or 'as of 30 June 2018')",
        "fr": "feuille « {sheet} » : aucune date de situation dans les lignes de titre "
        "(attendu par ex. « Situation au 30/06/2018 »)",
    },
    "name_wrong_format": {
        "en": "a {suffix} file is not accepted; save the tracker as an Excel workbook (.xlsx)",
        "fr": "un fichier {suffix} n'est pas accepté ; enregistrez le suivi au format Excel "
        "(.xlsx)",
    },
    "name_bad_date": {
        "en": "the date in the file name is not a real date",
        "fr": "la date du nom de fichier n'est pas une date réelle",
    },
    "name_bad_month": {
        "en": "'{written}' is not a month as tracker names write it: the month is the English "
        "three-letter abbreviation ({forms}); name the file {accepted}",
        "fr": "« {written} » n'est pas un mois tel que l'écrivent les noms de suivi : le mois "
        "s'écrit en abrégé anglais de trois lettres ({forms}) ; nommez le fichier {accepted}",
    },
    "name_date_future": {
        "en": "the report date in the file name, {date}, is later than the day the file was "
        "read: a tracker cannot describe a day to come; correct the date (the year?)",
        "fr": "la date de situation du nom de fichier, {date}, est postérieure au jour de la "
        "lecture : un suivi ne peut pas décrire un jour à venir ; corrigez la date (l'année ?)",
    },
    "copy_of_version": {
        "en": "the same file (identical content) is also in the trackers folder as {paths}: "
        "it is one version, read once; the copies can be removed",
        "fr": "le même fichier (contenu identique) se trouve aussi dans le dossier des suivis "
        "sous {paths} : c'est une seule version, lue une fois ; les copies peuvent être "
        "supprimées",
    },
    "name_unrecognised": {
        "en": "unrecognised workbook name; tracker names are QIPs_Suivi_<YYYY-MM-DD>.xlsx, "
        "TF_Project_Tracker_<Mon><YYYY>.xlsx or PBF_Portefeuille_<YYYYMMDD>.xlsx (optionally "
        "_v2, _rev or _corrigé)",
        "fr": "nom de classeur non reconnu ; les suivis se nomment QIPs_Suivi_<AAAA-MM-JJ>.xlsx, "
        "TF_Project_Tracker_<Mon><AAAA>.xlsx ou PBF_Portefeuille_<AAAAMMJJ>.xlsx (avec "
        "éventuellement _v2, _rev ou _corrigé)",
    },
    "name_not_tracker": {
        "en": "{kind} file is not a tracker; only .xlsx workbooks are read",
        "fr": "ce fichier ({kind}) n'est pas un suivi ; seuls les classeurs .xlsx sont lus",
    },
    "name_same_version": {
        "en": "several files claim the same report date and revision ({names}); keep one, or "
        "give the correction a _v2 suffix",
        "fr": "plusieurs fichiers ont la même date de situation et la même révision ({names}) ; "
        "n'en gardez qu'un, ou ajoutez le suffixe _v2 à la correction",
    },
    # --- the portal: what a check or a submission says about the file as a whole ---
    "portal_wrong_fund": {
        "en": "this workbook is a {found} tracker; this account may check and send {allowed} "
        "trackers only",
        "fr": "ce classeur est un suivi {found} ; ce compte ne peut contrôler et envoyer que des "
        "suivis {allowed}",
    },
    "portal_fund_unknown": {
        "en": "no sheet of this workbook is a tracker's data sheet ({expected}); sheets found: "
        "{found}",
        "fr": "aucune feuille de ce classeur n'est la feuille de données d'un suivi ({expected}) ; "
        "feuilles trouvées : {found}",
    },
    "portal_over_limits": {
        "en": "checking this file went over the limits of a check ({limit}); a tracker that "
        "size cannot be right: send it to the data team",
        "fr": "le contrôle de ce fichier a dépassé les limites d'un contrôle ({limit}) ; un "
        "suivi de cette taille ne peut pas être correct : envoyez-le à l'équipe des données",
    },
    "portal_already_received": {
        "en": "this very file was already received as {name}; nothing to send",
        "fr": "ce fichier a déjà été reçu sous le nom {name} ; rien à envoyer",
    },
}


class _Formatter(string.Formatter):
    def __init__(self, language: str, cents: bool = False) -> None:
        self.language = language
        self.cents = cents

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "money":
            return money(value, self.language, cents=self.cents)
        if format_spec == "rate":  # a rate of exchange: up to 6 significant digits
            text = f"{float(value):.6g}"
            return text.replace(".", ",") if self.language == "fr" else text
        return super().format_field(value, format_spec)


def _needs_cents(template: str, params: dict[str, Any]) -> bool:
    """Whole amounts read best (58,570 USD), except when two different amounts of one
    sentence would then read the same ("50,000 USD is above the QIP ceiling of 50,000 USD"):
    that sentence shows its amounts to the cent."""
    amounts = {
        float(params[name])
        for _, name, spec, _ in string.Formatter().parse(template)
        if name and spec == "money"
    }
    return len({money(amount) for amount in amounts}) < len(amounts)


@dataclass(frozen=True)
class Message:
    """A code from the catalogue and its parameters (hashable, so parsers can cache it)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, /, **params: Any) -> Message:
        if code not in CATALOGUE:
            raise KeyError(f"no message {code!r} in the catalogue")
        return cls(code, tuple(sorted(params.items())))

    def render(self, language: str = "en") -> str:
        params = {k: v.render(language) if isinstance(v, Term) else v for k, v in self.params}
        template = CATALOGUE[self.code][language]
        return _Formatter(language, _needs_cents(template, params)).format(template, **params)

    def __str__(self) -> str:
        return self.render("en")

    def params_json(self) -> str:
        """The parameters as stored next to the English sentence (``dq.*``)."""
        params = {k: {"en": v.en, "fr": v.fr} if isinstance(v, Term) else v for k, v in self.params}
        return json.dumps(params, ensure_ascii=False, default=str, sort_keys=True)

    @classmethod
    def from_stored(cls, code: str, params_json: str) -> Message:
        """The message back from ``code`` and ``params_json()``, to render in any language."""
        params = {
            k: Term(v["en"], v["fr"]) if isinstance(v, dict) else v
            for k, v in json.loads(params_json).items()
        }
        return cls.of(code, **params)


@dataclass(frozen=True)
class Term:
    """A word or phrase passed as a parameter, with its own translation."""

    en: str
    fr: str

    def render(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


def month_term(yyyymm: int) -> Term:
    """A month (``201803``) in words, in both languages: March 2018 / mars 2018."""
    year, month = divmod(yyyymm, 100)
    return Term(f"{MONTH_NAMES['en'][month - 1]} {year}", f"{MONTH_NAMES['fr'][month - 1]} {year}")


def term(table: dict[str, dict[str, str]], key: str) -> Term:
    entry = table.get(key, {"en": key, "fr": key})
    return Term(entry["en"], entry["fr"])
