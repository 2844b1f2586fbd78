"""Uploads over 25 MB get 413, before the body is read.

A request that announces a larger body (``Content-Length``) is answered at once; one that
does not (chunked) is counted as it streams in and stopped at the limit. Every file part is
written to a temporary file on disk as it arrives (never held whole in memory).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse


class UploadTooLarge(Exception):
    pass


def too_large(request: HttpRequest) -> HttpResponse:
    limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    text = f"upload larger than {limit_mb} MB / fichier de plus de {limit_mb} Mo"
    if request.path.startswith("/api/"):
        return JsonResponse({"error": text}, status=413)
    return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's own disk handler, counting: past the limit the upload stops with 413."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            raise UploadTooLarge
        return super().receive_data_chunk(raw_data, start)


class UploadLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # the multipart envelope adds a few hundred bytes around the file itself
        if length > settings.MAX_UPLOAD_BYTES + 64 * 1024:
            return too_large(request)
        try:
            return self.get_response(request)
        except UploadTooLarge:
            return too_large(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, UploadTooLarge):
            return too_large(request)
        return None
