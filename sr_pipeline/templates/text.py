"""The templates' own words, in English and in French.

What a column is *called*, which values it takes and which rules apply come from the
contracts and the reference data (``sr_pipeline.templates.spec``); what lives here is what
only a template says: the read-me's sentences, what each field means, the prompts and error
alerts of the data validations. Each entry is ``{"en": ..., "fr": ...}`` (both languages for
every entry, so a unit can change language without a missing sentence); ``{name}``
placeholders are filled with ``str.format``.

Excel limits what a data validation can say: a title of at most 32 characters and a message
of at most 255 (the generator refuses longer ones rather than let Excel drop them).
"""

from __future__ import annotations

from sr_pipeline.language.wording import phrase

WORDS: dict[str, dict[str, str]] = {
    # File and sheet names. The word in the template's file name has no accent: it travels
    # by e-mail and through file shares.
    "readme_sheet": {"en": "Read me", "fr": "Lisez-moi"},
    "lists_sheet": {"en": "Lists", "fr": "Listes"},
    "date_placeholder": {"en": "dd/mm/yyyy", "fr": "JJ/MM/AAAA"},
    "bullet": {"en": "• {text}", "fr": "• {text}"},
    "required": {"en": "required", "fr": "obligatoire"},
    "optional": {"en": "optional", "fr": "facultatif"},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    # The hint under the title of a data sheet. No date in digits here: the reader takes a
    # date written above the header for the report date.
    "hint": {
        "en": "Type the report date in the yellow cell ({placeholder}){when}. One row per "
        "project below the headers; do not change the headers or the sheet's name.",
        "fr": "Saisissez la date de la situation dans la cellule jaune ({placeholder}){when}. "
        "Une ligne par projet sous les en-têtes ; ne modifiez ni les en-têtes ni le nom de "
        "la feuille.",
    },
    "hint_when:iso": {
        "en": ", the date in the file's name",
        "fr": ", la même que dans le nom du fichier",
    },
    "hint_when:yyyymmdd": {
        "en": ", the date in the file's name",
        "fr": ", la même que dans le nom du fichier",
    },
    "hint_when:mon_yyyy": {
        "en": ": the last day of the month in the file's name",
        "fr": " : le dernier jour du mois du nom du fichier",
    },
    # Name placeholders of the report date in a file name, by Contract.date_format.
    "name_date:iso": {"en": "YYYY-MM-DD", "fr": "AAAA-MM-JJ"},
    "name_date:yyyymmdd": {"en": "YYYYMMDD", "fr": "AAAAMMJJ"},
    "name_date:mon_yyyy": {"en": "MonYYYY", "fr": "MoisAAAA"},
    # --- data validations: prompts (title <= 32, message <= 255) ---
    "prompt_date_title": {"en": "Report date", "fr": "Date de la situation"},
    "prompt_date": {
        "en": "The date the file describes ({placeholder}), as in its name: {name} -> {date}.",
        "fr": "La date que décrit le fichier ({placeholder}), comme dans son nom : "
        "{name} -> {date}.",
    },
    "prompt:list": {"en": "Pick a value from the list.", "fr": "Choisissez dans la liste."},
    "prompt:multi": {
        "en": "Pick one value from the list, or type several separated by commas.",
        "fr": "Choisissez une valeur dans la liste, ou tapez-en plusieurs séparées par des "
        "virgules.",
    },
    "prompt:blank_means": {"en": " Blank = {value}.", "fr": " Vide = {value}."},
    "prompt:date": {
        "en": "A date, {placeholder} (e.g. 30/06/2018).",
        "fr": "Une date, {placeholder} (par ex. 30/06/2018).",
    },
    "prompt:amount": {
        "en": "A number, 0 or more; digits only, no currency.",
        "fr": "Un nombre positif ou nul, en chiffres, sans devise.",
    },
    "prompt:whole": {
        "en": "A whole number of months (e.g. 6).",
        "fr": "Un nombre entier de mois (par ex. 6).",
    },
    "prompt:code": {
        "en": "Form {example}; one code per project.",
        "fr": "De la forme {example} ; un code par projet.",
    },
    "prompt:mptf": {
        "en": "8 digits, leading zeros included (e.g. {example}); one number per project.",
        "fr": "8 chiffres, zéros en tête compris (par ex. {example}) ; un numéro par projet.",
    },
    "prompt:text": {"en": "Free text.", "fr": "Texte libre."},
    "prompt:list:text": {
        "en": "One or more names separated by , ; / or 'and'.",
        "fr": "Un ou plusieurs noms séparés par , ; / ou « et ».",
    },
    # --- data validations: error alerts ---
    "error_title": {"en": "Value not accepted", "fr": "Valeur refusée"},
    "error_title_check": {"en": "Check this entry", "fr": "Vérifiez la saisie"},
    "error:list": {
        "en": "This value is not in the list: pick one from the drop-down list (the Read me "
        "sheet lists them).",
        "fr": "Cette valeur n'est pas dans la liste : choisissez-en une dans la liste "
        "déroulante (la feuille Lisez-moi les énumère).",
    },
    "error:multi": {
        "en": "Not a value of the list. Several values? Separate them with commas, each "
        "written as in the list. Click OK to keep what you typed, Cancel to change it.",
        "fr": "Valeur absente de la liste. Plusieurs valeurs ? Séparez-les par des virgules, "
        "chacune écrite comme dans la liste. OK garde la saisie, Annuler la corrige.",
    },
    "error:date": {
        "en": "Not a date between 2000 and 2099. Type the date in your computer's usual order; "
        "the cell then shows it day first, as {placeholder}.",
        "fr": "Ce n'est pas une date entre 2000 et 2099. Tapez la date comme votre ordinateur "
        "l'attend ; la cellule l'affiche ensuite le jour d'abord, en {placeholder}.",
    },
    "error:amount": {
        "en": "Type a number, 0 or more, without text or currency.",
        "fr": "Saisissez un nombre positif ou nul, sans texte ni devise.",
    },
    "error:whole": {
        "en": "Type a whole number of months, 0 or more.",
        "fr": "Saisissez un nombre entier de mois, positif ou nul.",
    },
    "error:code": {
        "en": "The code must have the form {example} (same capitals and separators) and be "
        "used by one row only.",
        "fr": "Le code doit avoir la forme {example} (mêmes majuscules et séparateurs) et "
        "n'être utilisé que par une ligne.",
    },
    "error:mptf": {
        "en": "The MPTF number has 8 digits, e.g. {example}, and is used by one row only.",
        "fr": "Le numéro MPTF a 8 chiffres, par ex. {example}, et n'est utilisé que par une ligne.",
    },
    # --- the read-me: what is accepted, by field kind ---
    "accepted:list": {"en": "Drop-down list: {values}", "fr": "Liste déroulante : {values}"},
    "accepted:multi": {
        "en": "One or more values of the list, separated by commas: {values}",
        "fr": "Une ou plusieurs valeurs de la liste, séparées par des virgules : {values}",
    },
    "accepted:blank_means": {"en": "; blank = {value}", "fr": " ; vide = {value}"},
    "accepted:date": {
        "en": "A date, {placeholder} (e.g. 30/06/2018)",
        "fr": "Une date, {placeholder} (par ex. 30/06/2018)",
    },
    "accepted:amount": {
        "en": "A number, 0 or more (digits only, no currency sign)",
        "fr": "Un nombre positif ou nul (en chiffres, sans signe de devise)",
    },
    "accepted:whole": {"en": "A whole number (e.g. 6)", "fr": "Un nombre entier (par ex. 6)"},
    "accepted:code": {
        "en": "A code of the form {example}, used by one row only",
        "fr": "Un code de la forme {example}, utilisé par une seule ligne",
    },
    "accepted:mptf": {
        "en": "8 digits, leading zeros included (e.g. {example}), used by one row only; the "
        "column is formatted as text so the zeros stay",
        "fr": "8 chiffres, zéros en tête compris (par ex. {example}), utilisé par une seule "
        "ligne ; la colonne est au format Texte pour garder les zéros",
    },
    "accepted:text": {"en": "Free text", "fr": "Texte libre"},
    "accepted:list:text": {
        "en": "One or more names separated by , ; / or 'and'",
        "fr": "Un ou plusieurs noms séparés par , ; / ou « et »",
    },
    # --- the read-me's sentences ---
    "readme_title": {
        "en": "Read me: the {fund_name} tracker template",
        "fr": "Lisez-moi : modèle du fichier de suivi, {fund_name}",
    },
    "h_what": {"en": "What this file is", "fr": "À quoi sert ce fichier"},
    "what_1": {
        "en": "This is the template of the tracker that {unit} sends every month to the "
        "Stabilization and Recovery Section (S&R).",
        "fr": "Ce modèle est le fichier de suivi que {unit} envoie chaque mois à la Section "
        "Stabilisation et Relèvement (S&R).",
    },
    "what_2": {
        "en": "Its headers, lists and checks are generated from the rules that read the file: "
        "what the lists and checks accept is what the loading accepts.",
        "fr": "Ses en-têtes, listes et contrôles sont produits à partir des règles qui lisent "
        "le fichier : ce que les listes et les contrôles acceptent, le chargement l'accepte.",
    },
    "h_fill": {"en": "How to fill it in", "fr": "Comment le remplir"},
    "fill_date": {
        "en": "1. Sheet '{sheet}', yellow cell {cell}: the report date ({placeholder}){when}.",
        "fr": "1. Feuille « {sheet} », cellule jaune {cell} : la date de la situation "
        "({placeholder}){when}.",
    },
    "fill_rows": {
        "en": "{n}. One row per project from row {first} of '{sheet}'. Do not rename the sheet "
        "or change the headers of row {header}; columns you add to the right are kept but "
        "count in no figure.",
        "fr": "{n}. Une ligne par projet à partir de la ligne {first} de « {sheet} ». Ne "
        "renommez pas la feuille et ne modifiez pas les en-têtes de la ligne {header} ; les "
        "colonnes ajoutées à droite sont conservées mais n'entrent dans aucun chiffre.",
    },
    "fill_rows_other": {
        "en": "{n}. Sheet '{sheet}': one row per {item} from row {first}, below the headers of "
        "row {header}.",
        "fr": "{n}. Feuille « {sheet} » : une ligne par {item} à partir de la ligne {first}, "
        "sous les en-têtes de la ligne {header}.",
    },
    "item:projects": {"en": "project", "fr": "projet"},
    "item:contributions": {"en": "contribution received", "fr": "contribution reçue"},
    "fill_required": {
        "en": "{n}. Columns marked 'required' must be filled in. Pick values from the drop-down "
        "lists; a message appears when an entry is not accepted.",
        "fr": "{n}. Les colonnes marquées « obligatoire » doivent être remplies. Choisissez les "
        "valeurs dans les listes déroulantes ; un message s'affiche quand une saisie est "
        "refusée.",
    },
    "fill_dates": {
        "en": "{n}. Dates are shown day first ({placeholder}) whatever your computer's settings: "
        "check that a date you typed shows the day and month you meant.",
        "fr": "{n}. Les dates s'affichent le jour d'abord ({placeholder}), quels que soient les "
        "réglages de l'ordinateur : vérifiez qu'une date saisie montre le jour et le mois voulus.",
    },
    "fill_paste": {
        "en": "{n}. Pasted values skip the checks: after pasting, use Data > Data Validation > "
        "Circle Invalid Data.",
        "fr": "{n}. Les valeurs collées échappent aux contrôles : après un collage, utilisez "
        "Données > Validation des données > Entourer les données non valides.",
    },
    "fill_end": {
        "en": "{n}. Blank rows are skipped; a row whose first cell reads TOTAL ends the table "
        "(nothing below it is read). Other sheets you add are not read.",
        "fr": "{n}. Les lignes vides sont ignorées ; une ligne dont la première cellule est "
        "TOTAL termine le tableau (rien en dessous n'est lu). Les autres feuilles que vous "
        "ajoutez ne sont pas lues.",
    },
    "h_name": {"en": "How to name and send the file", "fr": "Nommer et envoyer le fichier"},
    "name_1": {
        "en": "Save it as {pattern}, with the report date: e.g. {example}{when}.",
        "fr": "Enregistrez-le sous le nom {pattern}, avec la date de la situation : par ex. "
        "{example}{when}.",
    },
    "name_when:mon_yyyy": {
        "en": " (the report date is then the last day of that month, {date})",
        "fr": " (la date de la situation est alors le dernier jour de ce mois, {date})",
    },
    "name_2": {
        "en": "A corrected file for the same date carries a suffix: {v2}, then _v3 and so on "
        "(_rev and _corrigé count as _v2). The highest version counts; two files with the "
        "same date and version are both refused.",
        "fr": "Un fichier corrigé pour la même date porte un suffixe : {v2}, puis _v3 et ainsi "
        "de suite (_rev et _corrigé valent _v2). La version la plus élevée compte ; deux "
        "fichiers de même date et de même version sont tous deux refusés.",
    },
    "name_3": {
        "en": "The date in the name and the date in the yellow cell must be the same, or the "
        "file is refused. Only .xlsx files are read (not .xls, .xlsb or .csv).",
        "fr": "La date du nom et celle de la cellule jaune doivent être identiques, sinon le "
        "fichier est refusé. Seuls les fichiers .xlsx sont lus (ni .xls, ni .xlsb, ni .csv).",
    },
    "h_columns": {
        "en": "Columns of the sheet '{sheet}'",
        "fr": "Colonnes de la feuille « {sheet} »",
    },
    "col_letter": {"en": "Column", "fr": "Colonne"},
    "col_header": {"en": "Header (as written)", "fr": "En-tête (tel quel)"},
    "col_required": {"en": "Required", "fr": "Obligatoire"},
    "col_meaning": {"en": "What it means", "fr": "Signification"},
    "col_accepted": {"en": "Values accepted", "fr": "Valeurs acceptées"},
    "h_rules": {"en": "Checks made when the file is read", "fr": "Contrôles à la lecture"},
    "rule_key": {
        "en": "'{header}' ({sheet}): each value is used by one row only; when two rows share "
        "one, both are rejected.",
        "fr": "« {header} » ({sheet}) : chaque valeur n'est utilisée que par une ligne ; deux "
        "lignes qui la partagent sont toutes deux rejetées.",
    },
    "rule:start_not_before_approval": {
        "en": "'{start_date}' is on or after '{approval_date}'.",
        "fr": "« {start_date} » est égale ou postérieure à « {approval_date} ».",
    },
    "rule:end_not_before_start": {
        "en": "'{end_date}' is on or after '{start_date}'.",
        "fr": "« {end_date} » est égale ou postérieure à « {start_date} ».",
    },
    "rule:end_date_when_completed": {
        "en": "A project whose '{status}' is {completed} has an '{end_date}'.",
        "fr": "Un projet dont le « {status} » est {completed} a une « {end_date} ».",
    },
    "rule:amount_currency_agrees": {
        "en": "An amount that names a currency ('USD 41,970') names the row's own currency.",
        "fr": "Un montant qui mentionne une devise (« 41 970 USD ») mentionne celle de la ligne.",
    },
    "rule:approval_not_after_report_date": {
        "en": "'{approval_date}' is on or before the report date of the tracker.",
        "fr": "« {approval_date} » est égale ou antérieure à la date de situation du suivi.",
    },
    "rule:budget_within_ten_times_cap": {
        "en": "'{budget}' is at most {ceiling} USD after conversion (ten times the ceiling): "
        "above that, the amount is taken for one whose currency is missing.",
        "fr": "« {budget} » vaut au plus {ceiling} USD après conversion (dix fois le plafond) : "
        "au-delà, le montant est pris pour un montant dont la devise manque.",
    },
    "conversion": {
        "en": "'{amount}' is converted to USD at the reference rate of exchange of the "
        "month of '{date}'{override}.",
        "fr": "« {amount} » est converti en USD au taux de change de référence "
        "du mois de « {date} »{override}.",
    },
    "conversion_override": {
        "en": ", unless '{override}' is filled in",
        "fr": ", sauf si « {override} » est rempli",
    },
    "rejected_note": {
        "en": "A row that breaks one of these rules, or has a blank required cell or a value "
        "that cannot be read, is not loaded: it counts in no figure until it is corrected.",
        "fr": "Une ligne qui enfreint l'une de ces règles, ou dont une cellule obligatoire est "
        "vide ou illisible, n'est pas chargée : elle n'entre dans aucun chiffre tant qu'elle "
        "n'est pas corrigée.",
    },
    "flag:budget_over_cap": {
        "en": "Loaded but flagged for checking: '{budget}' above {cap} USD after conversion.",
        "fr": "Chargé mais signalé pour vérification : « {budget} » au-delà de {cap} USD après "
        "conversion.",
    },
    "flag:duration_over_6_months": {
        "en": "Loaded but flagged for checking: a duration above {limit} months "
        "('{duration_months}', or from '{start_date}' to '{end_date}' when it is blank).",
        "fr": "Chargé mais signalé pour vérification : une durée de plus de {limit} mois "
        "(« {duration_months} », ou de « {start_date} » à « {end_date} » quand elle est vide).",
    },
    "flag:expenditure_over_budget": {
        "en": "Loaded but flagged for checking: '{expenditure}' above '{budget}'.",
        "fr": "Chargé mais signalé pour vérification : « {expenditure} » supérieur à « {budget} ».",
    },
    "h_who": {"en": "Who reads it", "fr": "Qui lit ce fichier"},
    "who_1": {
        "en": "The S&R data team loads it into the Section's data warehouse; its figures feed "
        "the Section's monthly bulletin.",
        "fr": "L'équipe des données de la Section S&R le charge dans l'entrepôt de données de "
        "la Section ; ses chiffres alimentent le bulletin mensuel.",
    },
    "who_2": {
        "en": "Each file received gets a feedback workbook ({feedback}) listing every row "
        "rejected or flagged, cell by cell, with a suggested correction where one is likely.",
        "fr": "Chaque fichier reçu donne lieu à un classeur de retour ({feedback}) qui liste "
        "les lignes rejetées ou signalées, cellule par cellule, avec une correction suggérée "
        "quand elle est probable.",
    },
}

# Per fund: the title of the data sheet (the report date goes in the cell after it), the
# fund's name and who keeps the tracker.
FUND_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "QIP": {
        "title": {
            "en": "Quick Impact Projects (QIPs) – as of",
            "fr": "Projets à Impact Rapide (QIPs) – Situation au",
        },
        "fund_name": {"en": "Quick Impact Projects (QIPs)", "fr": "Projets à Impact Rapide (QIPs)"},
        "unit": {"en": "the QIPs unit", "fr": "l'unité QIPs"},
    },
    "TF": {
        "title": {
            "en": "Trust Fund project tracker – as of",
            "fr": "Suivi des projets du Fonds fiduciaire – situation au",
        },
        "fund_name": {
            "en": "Trust Fund in support of Peace and Security in Mali",
            "fr": "Fonds fiduciaire pour la paix et la sécurité au Mali",
        },
        "unit": {"en": "the Trust Fund unit", "fr": "l'unité du Fonds fiduciaire"},
    },
    "PBF": {
        "title": {
            "en": "PBF portfolio, Mali – as of",
            "fr": "Portefeuille PBF Mali – situation au",
        },
        "fund_name": {
            "en": "Peacebuilding Fund (PBF)",
            "fr": "Fonds pour la consolidation de la paix (PBF)",
        },
        "unit": {"en": "the PBF Secretariat", "fr": "le Secrétariat du PBF"},
    },
}

# What each field means, by field name; ``(fund, table, field)`` overrides where one name
# means different things in different trackers.
MEANINGS: dict[str, dict[str, str]] = {
    "project_code": {"en": "The project's code", "fr": "Le code du projet"},
    "title": {"en": "The project's title", "fr": "L'intitulé du projet"},
    "region": {
        "en": "Admin-1 region of the project (National: the whole country)",
        "fr": "Région administrative du projet (National : tout le pays)",
    },
    "locality": {"en": "Cercle or commune", "fr": "Cercle ou commune du projet"},
    "sector": {"en": "The project's sector", "fr": "Secteur du projet"},
    "partner": {
        "en": "The organisation implementing the project",
        "fr": "L'organisation qui met en œuvre le projet",
    },
    "sponsor": {
        "en": "MINUSMA component sponsoring the project (e.g. Civil Affairs, UNPOL, Force)",
        "fr": "Composante de la MINUSMA qui parraine le projet (par ex. Affaires civiles, "
        "UNPOL, Force)",
    },
    "budget": {"en": "Approved budget", "fr": "Budget approuvé"},
    "currency": {"en": "Currency of the amount", "fr": "Devise du montant"},
    "approval_date": {"en": "Date the project was approved", "fr": "Date d'approbation du projet"},
    "start_date": {"en": "Date implementation started", "fr": "Date de démarrage des activités"},
    "duration_months": {"en": "Planned duration, in months", "fr": "Durée prévue, en mois"},
    "end_date": {"en": "Date the project ended", "fr": "Date de fin effective du projet"},
    "status": {
        "en": "Where the project stands at the report date",
        "fr": "Situation du projet à la date du fichier",
    },
    "remarks": {"en": "Free comments", "fr": "Commentaires libres"},
    "objective": {
        "en": "Trust Fund strategic objective the project serves",
        "fr": "Objectif stratégique du Fonds auquel le projet contribue",
    },
    "donor": {
        "en": "Donor(s) funding the project, separated by ;",
        "fr": "Bailleur(s) du projet, séparés par ;",
    },
    "expenditure": {
        "en": "Amount spent so far, in USD (at most the approved budget)",
        "fr": "Dépenses à ce jour, en USD (au plus le budget approuvé)",
    },
    "window": {"en": "PBF funding window or phase", "fr": "Fenêtre ou phase de financement PBF"},
    "recipients": {
        "en": "Recipient UN agencies or organisations",
        "fr": "Agences ou organisations récipiendaires",
    },
    "regions": {"en": "Regions where the project works", "fr": "Régions d'intervention"},
    "date_received": {"en": "Date the contribution was received", "fr": "Date de réception"},
    "amount": {
        "en": "Amount received, in the contribution's currency",
        "fr": "Montant reçu, dans la devise de la contribution",
    },
    "usd_equivalent": {
        "en": "USD amount the Fund recorded; blank: converted at the reference rate of the "
        "month received",
        "fr": "Montant en USD enregistré par le Fonds ; vide : converti au taux de "
        "référence du mois de réception",
    },
    "earmarked_for": {
        "en": "Objective the contribution is earmarked for; blank if it is not earmarked",
        "fr": "Objectif auquel la contribution est affectée ; vide si elle ne l'est pas",
    },
}

MEANING_OVERRIDES: dict[tuple[str, str, str], dict[str, str]] = {
    ("QIP", "projects", "project_code"): {
        "en": "The QIP's code: region and year of approval, then a number",
        "fr": "Le code du QIP : région et année d'approbation, puis un numéro",
    },
    ("QIP", "projects", "budget"): {
        "en": "Approved amount, in the currency of the currency column",
        "fr": "Montant approuvé, dans la devise de la colonne Devise",
    },
    ("QIP", "projects", "end_date"): {
        "en": "Date the project was closed; required once it is completed",
        "fr": "Date de clôture du projet ; obligatoire une fois le projet achevé",
    },
    ("TF", "projects", "budget"): {
        "en": "Approved budget, in USD",
        "fr": "Budget approuvé, en USD",
    },
    ("TF", "projects", "end_date"): {
        "en": "Date the project was completed; required once it is completed",
        "fr": "Date d'achèvement du projet ; obligatoire une fois le projet achevé",
    },
    ("TF", "contributions", "donor"): {
        "en": "Donor who made the contribution",
        "fr": "Bailleur qui a versé la contribution",
    },
    ("PBF", "projects", "project_code"): {
        "en": "The project's number in the MPTF Office Gateway",
        "fr": "Le numéro du projet dans le MPTF Office Gateway",
    },
    ("PBF", "projects", "budget"): {
        "en": "Total budget of the project, in USD",
        "fr": "Budget total du projet, en USD",
    },
}


def words(key: str, language: str, **params: object) -> str:
    """A sentence of this module in ``language``, with its placeholders filled."""
    return phrase(WORDS, key, language, **params)


def fund_words(fund: str, key: str, language: str) -> str:
    return FUND_WORDS[fund][key][language]


def meaning(fund: str, table: str, field: str, language: str) -> str:
    """What a field means, for the read-me (empty if nobody wrote it down: a test checks)."""
    entry = MEANING_OVERRIDES.get((fund, table, field)) or MEANINGS.get(field)
    return entry[language] if entry else ""
