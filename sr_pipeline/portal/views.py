"""The pages a clerk uses: sign in, check a workbook, see each problem at its cell, download
the feedback workbook, send the file, and follow each submission. Every page is in the
account's fund's language; without a session every page redirects to sign-in."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sr_pipeline.language.feedback import label as feedback_label
from sr_pipeline.language.messages import month_term
from sr_pipeline.language.wording import long_date, money
from sr_pipeline.portal import service
from sr_pipeline.portal.checking import language_of
from sr_pipeline.portal.text import label, labels


def _context(request: HttpRequest, **extra) -> dict:
    account = service.account_of(request.user)
    language = language_of(account.fund)
    return {
        "t": labels(language),
        "language": language,
        "signed_in": label(
            "signed_in_as", language, email=request.user.get_username(), fund=account.fund
        ),
        **extra,
    }


class SignIn(auth_views.LoginView):
    """Django's own sign-in, shown in both languages (the fund is not known yet)."""

    template_name = "portal/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["en"], context["fr"] = labels("en"), labels("fr")
        return context


@login_required
@require_http_methods(["GET", "POST"])
def checks(request: HttpRequest) -> HttpResponse:
    """The upload form and the history of this fund's checks and submissions."""
    language = language_of(service.account_of(request.user).fund)
    error = None
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = label("no_file", language)
        else:
            check = service.new_check(request.user, uploaded)
            return redirect("portal:check", check_id=check.id)
    history = []
    shown = list(service.visible_checks(request.user)[:100])
    sent = {c.id: c.submissions.first() for c in shown}
    sent = {check_id: s for check_id, s in sent.items() if s is not None}
    found = dict(zip(sent, service.states(list(sent.values()), language), strict=True))
    for check in shown:
        result = check.result
        outcome = (
            label("outcome_refused", language)
            if check.refused
            else label(
                "outcome",
                language,
                rejected=result["rows_rejected"],
                flagged=result["rows_flagged"],
                read=result["rows_read"],
            )  # fmt: skip
        )
        where = found[check.id]["text"] if check.id in found else label("not_sent", language)
        history.append({"check": check, "outcome": outcome, "state": where})
    return render(request, "portal/checks.html", _context(request, history=history, error=error))


def _check_context(request: HttpRequest, check, message: str | None = None) -> dict:
    result = check.result
    language = language_of(service.account_of(request.user).fund)
    published_as_of, published = service.published_figures(result["fund"], result["as_of"])
    figures = [
        {
            "figure": f["figure"],
            "value": money(f["value"], language),
            "published": _shown(published.get(f["figure"]), language),
        }
        for f in result["figures"]
    ]
    report_date = (
        long_date(date.fromisoformat(result["report_date"]), language)
        if result["report_date"]
        else None
    )
    submission = check.submissions.first()
    month = _month_words(result["as_of"], language)
    return _context(
        request,
        check=check,
        result=result,
        identity=label(
            "identity",
            language,
            fund=result["fund"],
            report_date=report_date,
            file=result["file"],
        )
        if result["file"]
        else None,  # fmt: skip
        verdict=label("refused", language, reason=result["refused"]) if result["refused"] else None,
        counts=feedback_label(
            "counts",
            language,
            read=result["rows_read"],
            loaded=result["rows_loaded"],
            rejected=result["rows_rejected"],
            flagged=result["rows_flagged"],
        ),  # fmt: skip
        figures=figures,
        figures_heading=label("figures_heading", language, month=month) if month else None,
        published_heading=label(
            "published", language, as_of=_month_words(published_as_of, language) or "-"
        ),
        published_as_of=published_as_of,
        confirm=label("confirm", language, report_date=report_date),
        submission=submission,
        state=service.state(submission, language) if submission else None,
        sent=label("sent", language, file=submission.stored_as) if submission else None,
        message=message,
        result_heading=label("result_heading", language, file=check.upload_name),
        has_feedback=service.feedback_file(check) is not None,
    )


def _month_words(as_of: str | None, language: str) -> str | None:
    """``2018-06-30`` as "June 2018" / "juin 2018"."""
    if not as_of:
        return None
    return month_term(int(as_of[:4]) * 100 + int(as_of[5:7])).render(language)


def _shown(value: float | None, language: str) -> str:
    return "" if value is None else money(value, language)


@login_required
@require_GET
def check(request: HttpRequest, check_id) -> HttpResponse:
    found = service.visible_check(request.user, check_id)
    return render(request, "portal/check.html", _check_context(request, found))


@login_required
@require_GET
def feedback(request: HttpRequest, check_id) -> HttpResponse:
    found = service.visible_check(request.user, check_id)
    return feedback_response(found)


def feedback_response(found) -> HttpResponse:
    from django.http import Http404

    path = service.feedback_file(found)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
@require_POST
def send(request: HttpRequest, check_id) -> HttpResponse:
    found = service.visible_check(request.user, check_id)
    language = language_of(service.account_of(request.user).fund)
    if request.POST.get("confirm") != "yes":
        context = _check_context(request, found, label("not_confirmed", language))
        return render(request, "portal/check.html", context, status=400)
    try:
        service.submit(found, request.user)
    except service.NotSent as exc:
        return render(request, "portal/check.html", _check_context(request, found, exc.text))
    return redirect("portal:check", check_id=found.id)
