"""Uploads over 25 MB get 413, before the body is read.

A request that announces a larger body (``Content-Length``) is answered at once
(:class:`UploadLimitMiddleware`); one that does not (``Transfer-Encoding: chunked``) is
spooled to a temporary file as it streams in and stopped at the limit (:func:`limit_body`,
around the WSGI application: Django itself reads no body without a length). Every file part
is written to a temporary file on disk as it arrives (never held whole in memory).
"""

from __future__ import annotations

import tempfile

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


def limit_body(application, limit: int | None = None):
    """WSGI: a body sent without a length is read here, at most ``limit`` bytes (413 past
    it), and handed on with its length, so Django parses it like any other."""

    def wrapped(environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or environ.get("CONTENT_LENGTH"):
            return application(environ, start_response)
        most = limit if limit is not None else settings.MAX_UPLOAD_BYTES + 64 * 1024
        spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)
        size = 0
        while block := environ["wsgi.input"].read(1 << 16):
            size += len(block)
            if size > most:
                spool.close()
                start_response("413 Request Entity Too Large", [("Content-Type", "text/plain")])
                return [b"upload larger than 25 MB / fichier de plus de 25 Mo"]
            spool.write(block)
        spool.seek(0)
        environ = {**environ, "wsgi.input": spool, "CONTENT_LENGTH": str(size)}
        return application(environ, start_response)

    return wrapped
