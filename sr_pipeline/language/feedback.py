"""The feedback workbook's own words, in English and in French.

The problems themselves are rendered from ``sr_pipeline.language.messages`` (one catalogue for every
sentence the pipeline says about a cell). What lives here is what only the feedback workbook
says: its sheet names, headings, column titles, the "what would be accepted" line for each
kind of field. Each entry is ``{"en": ..., "fr": ...}``; ``{name}`` placeholders are filled
with ``str.format``.
"""

from __future__ import annotations

from sr_pipeline.language.wording import phrase

# A tracker's feedback workbook is named after it: <tracker stem>_feedback.xlsx (the templates'
# read-me tells units so; sr_pipeline.feedback writes it).
FEEDBACK_SUFFIX = "_feedback.xlsx"

LABELS: dict[str, dict[str, str]] = {
    "summary_sheet": {"en": "To fix", "fr": "À corriger"},
    "title": {
        "en": "Data check of '{file}' (as of {report_date})",
        "fr": "Contrôle du fichier « {file} » (situation au {report_date})",
    },
    "counts": {
        "en": "Rows read: {read}. Loaded: {loaded}. Rejected (not loaded): {rejected}. "
        "Flagged (loaded, to check): {flagged}.",
        "fr": "Lignes lues : {read}. Chargées : {loaded}. Rejetées (non chargées) : {rejected}. "
        "Signalées (chargées, à vérifier) : {flagged}.",
    },
    "note": {
        "en": "Suggested corrections are never applied automatically: correct your tracker "
        "yourself, then send it again. Click a cell reference in the last column to see it.",
        "fr": "Les corrections suggérées ne sont jamais appliquées automatiquement : corrigez "
        "vous-même votre fichier de suivi, puis renvoyez-le. Cliquez sur une référence de la "
        "dernière colonne pour voir la cellule.",
    },
    "no_problem": {
        "en": "No problem found: every row was loaded. Thank you.",
        "fr": "Aucun problème trouvé : toutes les lignes ont été chargées. Merci.",
    },
    "legend_rejected": {
        "en": "Rejected: the row was not loaded; correct it.",
        "fr": "Rejetée : la ligne n'a pas été chargée ; corrigez-la.",
    },
    "legend_flagged": {
        "en": "Flagged: the row was loaded but breaks a rule; check it.",
        "fr": "Signalée : la ligne a été chargée mais enfreint une règle ; vérifiez-la.",
    },
    "legend_noted": {
        "en": "Noted: read as written (a subtotal, a merged cell, an unknown column, a copy); "
        "check that it is what you meant.",
        "fr": "Remarque : lu tel quel (un sous-total, une cellule fusionnée, une colonne "
        "inconnue, une copie) ; vérifiez que c'est bien ce que vous vouliez.",
    },
    "refused_heading": {
        "en": "The whole file was refused: nothing in it was loaded. Correct it and send it again.",
        "fr": "Le fichier entier a été refusé : rien n'a été chargé. Corrigez-le et renvoyez-le.",
    },
    "changed": {
        "en": "The tracker has changed since it was checked, so its sheets are not reproduced "
        "here; the next check will cover the new file.",
        "fr": "Le fichier de suivi a changé depuis son contrôle : ses feuilles ne sont pas "
        "reproduites ici ; le prochain contrôle portera sur le nouveau fichier.",
    },
    "not_reproduced": {
        "en": "The tracker's sheets could not be reproduced here ({detail}); the list below "
        "is complete.",
        "fr": "Les feuilles du fichier de suivi n'ont pas pu être reproduites ici ({detail}) ; "
        "la liste ci-dessous est complète.",
    },
    "template_pointer": {
        "en": "To avoid these problems next time, start from the template {file}: its drop-down "
        "lists, formats and checks accept exactly what this check accepts. Ask the S&R data "
        "team for it.",
        "fr": "Pour éviter ces problèmes la prochaine fois, partez du modèle {file} : ses "
        "listes déroulantes, formats et contrôles acceptent exactement ce que ce contrôle "
        "accepte. Demandez-le à l'équipe des données S&R.",
    },
    "template_pointer_clean": {
        "en": "Keep starting from the template {file}: its drop-down lists, formats and checks "
        "accept exactly what this check accepts. Ask the S&R data team for its latest version.",
        "fr": "Continuez à partir du modèle {file} : ses listes déroulantes, formats et "
        "contrôles acceptent exactement ce que ce contrôle accepte. Demandez-en la dernière "
        "version à l'équipe des données S&R.",
    },
    "truncated_one": {
        "en": "… and 1 more problem not listed (the sheet is full).",
        "fr": "… et 1 autre problème non listé (la feuille est pleine).",
    },
    "truncated": {
        "en": "… and {count} more problems not listed (the sheet is full).",
        "fr": "… et {count} autres problèmes non listés (la feuille est pleine).",
    },
    # Columns of the summary table.
    "col_sheet": {"en": "Sheet", "fr": "Feuille"},
    "col_row": {"en": "Row", "fr": "Ligne"},
    "col_code": {"en": "Project code", "fr": "Code du projet"},
    "col_column": {"en": "Column", "fr": "Colonne"},
    "col_header": {"en": "Header", "fr": "En-tête"},
    "col_value": {"en": "Value found", "fr": "Valeur trouvée"},
    "col_problem": {"en": "What is wrong", "fr": "Problème"},
    "col_accepted": {"en": "What is accepted", "fr": "Ce qui est accepté"},
    "col_suggestion": {"en": "Suggested correction", "fr": "Correction suggérée"},
    "col_outcome": {"en": "Outcome", "fr": "Conséquence"},
    "col_link": {"en": "Go to", "fr": "Aller à"},
    # Outcomes.
    "rejected": {"en": "rejected — row not loaded", "fr": "rejetée — ligne non chargée"},
    "flagged": {"en": "flagged — row loaded", "fr": "signalée — ligne chargée"},
    "refused": {"en": "refused — file not loaded", "fr": "refusé — fichier non chargé"},
    "noted": {"en": "noted — rows read", "fr": "remarque — lignes lues"},
    # Cell comments.
    "comment_author": {"en": "S&R data check", "fr": "Contrôle des données S&R"},
    "comment_suggestion": {"en": "Suggested correction: {s}", "fr": "Correction suggérée : {s}"},
    "comment_header": {"en": "{header}: {message}", "fr": "{header} : {message}"},
    # Composite suggestions.
    "suggest_currency": {
        "en": "{amount} if the amount is in {currency}; or set {column} to {written}",
        "fr": "{amount} si le montant est en {currency} ; ou mettre {column} à {written}",
    },
}

# What would be accepted, by problem code (takes precedence) or by field kind.
ACCEPTED: dict[str, dict[str, str]] = {
    # by problem code
    "duplicate_code": {
        "en": "a code used by one row only in the file",
        "fr": "un code utilisé par une seule ligne du fichier",
    },
    "start_not_before_approval": {
        "en": "a start date on or after the approval date",
        "fr": "une date de démarrage égale ou postérieure à la date d'approbation",
    },
    "end_not_before_start": {
        "en": "an end date on or after the start date",
        "fr": "une date de fin égale ou postérieure à la date de démarrage",
    },
    "end_date_when_completed": {
        "en": "the date the project was completed (e.g. 30/06/2018), or another status if it "
        "is not completed",
        "fr": "la date d'achèvement du projet (par ex. 30/06/2018), ou un autre statut s'il "
        "n'est pas achevé",
    },
    "amount_currency_agrees": {
        "en": "an amount in the row's currency ({currency}), or the amount's currency in the "
        "column {column}",
        "fr": "un montant dans la devise de la ligne ({currency}), ou la devise du montant dans "
        "la colonne {column}",
    },
    "amount_not_usd": {"en": "an amount in USD", "fr": "un montant en USD"},
    "approval_not_after_report_date": {
        "en": "an approval date on or before the tracker's report date",
        "fr": "une date d'approbation égale ou antérieure à la date de situation du suivi",
    },
    "budget_over_limit": {
        "en": "a budget of at most {limit} USD after conversion, with its currency (XOF, EUR) "
        "in the currency column",
        "fr": "un budget d'au plus {limit} USD après conversion, avec sa devise (XOF, EUR) dans "
        "la colonne des devises",
    },
    "missing_rate": {
        "en": "nothing to correct in your file: the data team must add the exchange rate",
        "fr": "rien à corriger dans votre fichier : l'équipe des données doit ajouter le taux "
        "de change",
    },
    "text_too_long": {
        "en": "a text shorter than 32,767 characters",
        "fr": "un texte de moins de 32 767 caractères",
    },
    "not_text": {"en": "a text", "fr": "un texte"},
    "formula_no_result": {
        "en": "a value, or a formula saved by Excel or LibreOffice (which stores its result)",
        "fr": "une valeur, ou une formule enregistrée par Excel ou LibreOffice (qui conserve "
        "son résultat)",
    },
    "budget_over_cap": {
        "en": "at most {cap} USD (the QIP ceiling); the row is loaded, check the amount",
        "fr": "au plus {cap} USD (plafond des QIP) ; la ligne est chargée, vérifiez le montant",
    },
    "duration_over_6_months": {
        "en": "at most {limit} months (the QIP maximum); the row is loaded, check the duration",
        "fr": "au plus {limit} mois (maximum des QIP) ; la ligne est chargée, vérifiez la durée",
    },
    "expenditure_over_budget": {
        "en": "expenditure up to the approved budget; the row is loaded, check both amounts",
        "fr": "des dépenses au plus égales au budget approuvé ; la ligne est chargée, vérifiez "
        "les deux montants",
    },
    # by field kind
    "kind:text": {"en": "a text", "fr": "un texte"},
    "kind:list:text": {
        "en": "one or more names separated by , ; / or 'et'",
        "fr": "un ou plusieurs noms séparés par , ; / ou « et »",
    },
    "kind:code": {
        "en": "a code of the form {example}, used by one row only",
        "fr": "un code de la forme {example}, utilisé par une seule ligne",
    },
    "kind:mptf": {
        "en": "an MPTF number of 8 digits, e.g. {example}, used by one row only",
        "fr": "un numéro MPTF de 8 chiffres, par ex. {example}, utilisé par une seule ligne",
    },
    "kind:amount": {
        "en": "a number, 0 or more, e.g. 41970, 41 970, 41 970,50 or 41,970.50",
        "fr": "un nombre positif ou nul, par ex. 41970, 41 970, 41 970,50 ou 41,970.50",
    },
    "kind:date": {
        "en": "a date such as 30/06/2018, 30.06.2018 or 2018-06-30 (day first)",
        "fr": "une date comme 30/06/2018, 30.06.2018 ou 2018-06-30 (le jour d'abord)",
    },
    "kind:whole": {
        "en": "a whole number of months, e.g. 6",
        "fr": "un nombre entier de mois, par ex. 6",
    },
    "kind:region": {"en": "a region: {values}", "fr": "une région : {values}"},
    "kind:list:region": {
        "en": "one or more regions separated by , ; / or 'et': {values}",
        "fr": "une ou plusieurs régions séparées par , ; / ou « et » : {values}",
    },
    "kind:status": {"en": "a status: {values}", "fr": "un statut : {values}"},
    "kind:sector": {"en": "a QIP sector: {values}", "fr": "un secteur QIP : {values}"},
    "kind:objective": {
        "en": "an objective number 1 to 5 (e.g. 3 or Obj. 3) or its name",
        "fr": "un numéro d'objectif de 1 à 5 (par ex. 3 ou Obj. 3) ou son intitulé",
    },
    "kind:window": {"en": "a PBF window: {values}", "fr": "une fenêtre PBF : {values}"},
    "kind:currency": {"en": "a currency: {values}", "fr": "une devise : {values}"},
    "blank_currency": {"en": "blank means {currency}", "fr": "vide = {currency}"},
    "required": {"en": "{accepted} (required)", "fr": "{accepted} (obligatoire)"},
}


def label(key: str, language: str, **params: object) -> str:
    """A label of this module in ``language``, with its placeholders filled."""
    return phrase(LABELS, key, language, **params)


def accepted_text(key: str, language: str, **params: object) -> str:
    return phrase(ACCEPTED, key, language, **params)
