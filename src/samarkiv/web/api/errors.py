"""Every API error as ``{"code": ..., "message": ...}`` with a stable code.

Why our own handlers: ninja's defaults answer ``{"detail": ...}`` in several shapes and,
for unexpected errors, re-raise into Django's HTML error page. A business system needs
one shape it can branch on, and never a traceback.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from samarkiv.errors import SamarkivError

log = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
HTTP_ERROR_CODES = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    411: "length_required",
    412: "tus_version",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "throttled",
}


class ApiError(SamarkivError):
    """An error decided by the HTTP layer itself (headers, media type), with its status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.http_status = status
        self.code = code


def is_tus(request: HttpRequest) -> bool:
    return "/uploads" in request.path


def error_response(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str):
    response = api.create_response(request, {"code": code, "message": message}, status=status)
    if is_tus(request):
        response["Tus-Resumable"] = TUS_VERSION
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="samarkiv"'
    if status == 460:
        response.reason_phrase = "Checksum Mismatch"
    return response


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "payload"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", ""))
    return "; ".join(parts) or "the request is not valid"


def install(api: NinjaAPI) -> None:
    """Replace ninja's default exception handlers on ``api``."""

    def domain(request: HttpRequest, exc: SamarkivError) -> HttpResponse:
        return error_response(api, request, exc.http_status, exc.code, exc.message)

    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(api, request, 422, "invalid_request", _validation_message(exc))

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = "a valid API token (Authorization: Bearer sa_...) or staff login is required"
        return error_response(api, request, 401, "unauthenticated", message)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        code = HTTP_ERROR_CODES.get(status, "http_error")
        if status == 403 and "csrf" in str(exc).lower():
            code = "csrf_failed"
        return error_response(api, request, status, code, str(exc))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", "not found")

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API %s %s failed", request.method, request.path)
        return error_response(api, request, 500, "internal", "internal error")

    api.add_exception_handler(SamarkivError, domain)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, unexpected)
