"""The portal's own words, in English and in French (the unit's language, ``funds.csv``).

What the pipeline says about a file or a cell comes from ``sr_pipeline.language.messages`` and
``sr_pipeline.language.feedback`` (the same sentences as the feedback workbook); what lives here is
only the portal's pages: headings, buttons, column titles, the states of a submission.
"""

from __future__ import annotations

from sr_pipeline.language.wording import phrase

LABELS: dict[str, dict[str, str]] = {
    "portal": {"en": "Trackers portal", "fr": "Portail des suivis"},
    "sign_in": {"en": "Sign in", "fr": "Se connecter"},
    "sign_out": {"en": "Sign out", "fr": "Se déconnecter"},
    "signed_in_as": {"en": "Signed in as {email} ({fund})", "fr": "Connecté : {email} ({fund})"},
    "email": {"en": "Email", "fr": "Adresse e-mail"},
    "password": {"en": "Password", "fr": "Mot de passe"},
    "bad_login": {
        "en": "Wrong email or password.",
        "fr": "Adresse e-mail ou mot de passe incorrect.",
    },
    "check_heading": {"en": "Check a tracker", "fr": "Contrôler un suivi"},
    "check_hint": {
        "en": "Choose your workbook (.xlsx, at most 25 MB). Checking stores nothing: you decide "
        "afterwards whether to send it. You never need to rename it: the portal names it.",
        "fr": "Choisissez votre classeur (.xlsx, 25 Mo au plus). Le contrôle n'enregistre rien : "
        "vous décidez ensuite de l'envoyer. Inutile de le renommer : le portail le nomme.",
    },
    "file": {"en": "Workbook", "fr": "Classeur"},
    "check_button": {"en": "Check", "fr": "Contrôler"},
    "no_file": {"en": "Choose a file first.", "fr": "Choisissez d'abord un fichier."},
    "result_heading": {"en": "Check of {file}", "fr": "Contrôle de {file}"},
    "refused": {"en": "Refused: {reason}", "fr": "Refusé : {reason}"},
    "accepted": {
        "en": "Accepted: every row can be loaded.",
        "fr": "Accepté : toutes les lignes peuvent être chargées.",
    },
    "with_problems": {
        "en": "Readable, with problems: rejected rows count in no figure until they are "
        "corrected; flagged rows are loaded but must be checked.",
        "fr": "Lisible, avec des problèmes : les lignes rejetées ne comptent dans aucun chiffre "
        "tant qu'elles ne sont pas corrigées ; les lignes signalées sont chargées mais à vérifier.",
    },
    "identity": {
        "en": "{fund} tracker as of {report_date}; it would be stored as {file}.",
        "fr": "Suivi {fund}, situation au {report_date} ; il serait enregistré sous {file}.",
    },
    "problems_heading": {"en": "Rejected rows", "fr": "Lignes rejetées"},
    "flags_heading": {"en": "Flagged rows (loaded)", "fr": "Lignes signalées (chargées)"},
    "notes_heading": {
        "en": "How the sheet was read (rows loaded; check these are as you meant)",
        "fr": "Comment la feuille a été lue (lignes chargées ; vérifiez que c'est bien voulu)",
    },
    "sheet": {"en": "Sheet", "fr": "Feuille"},
    "cell": {"en": "Cell", "fr": "Cellule"},
    "header": {"en": "Column", "fr": "Colonne"},
    "value": {"en": "Value found", "fr": "Valeur trouvée"},
    "problem": {"en": "Problem", "fr": "Problème"},
    "suggestion": {"en": "Suggestion", "fr": "Suggestion"},
    "project": {"en": "Project", "fr": "Projet"},
    "figures_heading": {
        "en": "Figures for {month}: this file beside the last published",
        "fr": "Chiffres de {month} : ce fichier à côté des derniers publiés",
    },
    "figure": {"en": "Figure", "fr": "Chiffre"},
    "this_file": {"en": "This file", "fr": "Ce fichier"},
    "published": {"en": "Published ({as_of})", "fr": "Publié ({as_of})"},
    "nothing_published": {
        "en": "Nothing published yet for this fund.",
        "fr": "Rien n'est encore publié pour ce fonds.",
    },
    "download_feedback": {
        "en": "Download the feedback workbook",
        "fr": "Télécharger le classeur de retour",
    },
    "send_heading": {"en": "Send", "fr": "Envoyer"},
    "confirm": {
        "en": "I confirm this is our tracker as of {report_date}, to be used for the bulletin.",
        "fr": "Je confirme que c'est notre suivi, situation au {report_date}, à utiliser pour "
        "le bulletin.",
    },
    "send_button": {"en": "Send this file", "fr": "Envoyer ce fichier"},
    "not_confirmed": {
        "en": "Tick the confirmation first.",
        "fr": "Cochez d'abord la confirmation.",
    },
    "sent": {"en": "Sent: stored as {file}.", "fr": "Envoyé : enregistré sous {file}."},
    "history_heading": {"en": "Checks and submissions", "fr": "Contrôles et envois"},
    "when": {"en": "When", "fr": "Quand"},
    "who": {"en": "Who", "fr": "Qui"},
    "result": {"en": "Result", "fr": "Résultat"},
    "state": {"en": "State", "fr": "État"},
    "not_sent": {"en": "checked, not sent", "fr": "contrôlé, non envoyé"},
    "outcome": {
        "en": "{rejected} rejected, {flagged} flagged, of {read} rows",
        "fr": "{rejected} rejetées, {flagged} signalées, sur {read} lignes",
    },
    "outcome_refused": {"en": "refused", "fr": "refusé"},
    "state:received": {
        "en": "received as {file}, waiting for the build",
        "fr": "reçu sous {file}, en attente du calcul",
    },
    "state:built": {
        "en": "built: feeds {months}",
        "fr": "calculé : alimente {months}",
    },
    "state:published": {
        "en": "published in the bulletin of {months}",
        "fr": "publié dans le bulletin de {months}",
    },
    "state:refused": {
        "en": "received, refused by the build: {reason}",
        "fr": "reçu, refusé par le calcul : {reason}",
    },
    "state:read": {
        "en": "read by the build; not the version of any month yet",
        "fr": "lu par le calcul ; n'alimente encore aucun mois",
    },
}


def label(key: str, language: str, **params: object) -> str:
    """A label of the portal in ``language``, with its placeholders filled."""
    return phrase(LABELS, key, language, **params)


def labels(language: str) -> dict[str, str]:
    """Every label without placeholders, for the pages' templates."""
    return {
        key.replace(":", "_"): entry[language]
        for key, entry in LABELS.items()
        if "{" not in entry[language]
    }
