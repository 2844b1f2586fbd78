"""The same over HTTP for scripts: JSON, one token per account (``Authorization: Bearer``).

``POST /api/v1/checks`` (multipart field ``file``), ``GET /api/v1/checks/<id>`` (another
fund's account gets 404), ``GET /api/v1/checks/<id>/feedback.xlsx``,
``POST /api/v1/checks/<id>/submit``. Without a valid token: 401. No cookies are used, so the
API needs no CSRF token.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sr_pipeline.portal import service
from sr_pipeline.portal.checking import language_of
from sr_pipeline.portal.models import Account, token_digest

_PROBLEM_KEYS = ("sheet", "row", "column", "header", "field", "value", "problem", "suggestion")


def token_required(view):
    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        account = None
        if scheme.lower() == "bearer" and token.strip():
            account = (
                Account.objects.select_related("user")
                .filter(token_sha256=token_digest(token.strip()), user__is_active=True)
                .first()
            )
        if account is None:
            response = JsonResponse({"error": "a valid Bearer token is required"}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="sr-pipeline portal"'
            return response
        request.user = account.user
        return view(request, *args, **kwargs)

    return wrapped


def _problems(lines: list[dict]) -> list[dict]:
    return [{**{k: line.get(k) for k in _PROBLEM_KEYS}, "cell": line.get("cell")} for line in lines]


def check_json(check) -> dict:
    result = check.result
    body = {
        "id": str(check.id),
        "file": result["file"],
        "fund": result["fund"],
        "report_date": result["report_date"],
        "revision": result["revision"],
        "refused": result["refused"],
        "rows_read": result["rows_read"],
        "rows_loaded": result["rows_loaded"],
        "rows_rejected": result["rows_rejected"],
        "rows_flagged": result["rows_flagged"],
        "problems": _problems(result["problems"]),
        "flags": _problems(result["flags"]),
        "notes": _problems(result.get("notes", [])),
        "figures": result["figures"],
        "sha256": check.sha256,
        "uploaded_as": check.upload_name,
        "checked_at": check.created.isoformat(),
    }
    as_of, published = service.published_figures(result["fund"], result["as_of"])
    body["published"] = {"as_of": as_of, "figures": published}
    submission = check.submissions.first()
    if submission is not None:
        language = language_of(check.fund)
        where = service.state(submission, language)
        body["submission"] = {"stored_as": submission.stored_as, **where}
    return body


@token_required
@require_POST
def checks(request: HttpRequest):
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return JsonResponse({"error": "multipart field 'file' is required"}, status=400)
    check = service.new_check(request.user, uploaded)
    return JsonResponse(check_json(check), status=201)


@token_required
@require_GET
def check(request: HttpRequest, check_id):
    return JsonResponse(check_json(service.visible_check(request.user, check_id)))


@token_required
@require_GET
def feedback(request: HttpRequest, check_id):
    from sr_pipeline.portal.views import feedback_response

    return feedback_response(service.visible_check(request.user, check_id))


@token_required
@require_POST
def submit(request: HttpRequest, check_id):
    found = service.visible_check(request.user, check_id)
    try:
        submission = service.submit(found, request.user)
    except service.NotSent as exc:
        return JsonResponse({"error": exc.text}, status=409)
    return JsonResponse({"stored_as": submission.stored_as}, status=201)
