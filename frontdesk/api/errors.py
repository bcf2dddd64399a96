"""Every error of the API as ``application/problem+json`` (RFC 9457) with a stable ``code``.

Domain refusals keep their ``DomainError.code`` and status; ninja's validation errors become 422 with one entry
per field; nothing a client sends is answered with a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from frontdesk.core.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# Titles people read, by code; a code missing here falls back to the exception's own title.
TITLES: dict[str, Any] = {
    "validation_error": _("The request has invalid fields"),
    "malformed_body": _("The request body could not be read"),
    "request_too_large": _("The request is too large"),
    "not_authenticated": _("Authentication required"),
    "csrf_failed": _("The CSRF check failed"),
    "not_found": _("Not found"),
    "permission_denied": _("Not allowed"),
    "invalid_input": _("Invalid input"),
    "invalid_transition": _("Status change not allowed"),
    "worklog_required": _("A work log is required to escalate"),
    "ticket_changed": _("The ticket was changed by someone else"),
    "conflict": _("Conflict"),
    "field_not_allowed": _("This field cannot be set by you"),
    "idempotency_key_reused": _("The Idempotency-Key was used for a different request"),
    "method_not_allowed": _("Method not allowed"),
    "server_error": _("Something went wrong on our side"),
}


class FieldNotAllowed(DomainError):
    """A field this kind of actor may not set (a customer naming a team, say)."""

    code = "field_not_allowed"
    status = 422
    title = "This field cannot be set by you"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    title = "The Idempotency-Key was used for a different request"


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    status = 422
    title = "The cursor is not valid"


def problem(
    status: int,
    code: str,
    detail: str = "",
    *,
    title: Any = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A problem document: ``type``, ``title``, ``status``, ``detail``, ``code`` and, on 422, ``errors``."""
    title_text = str(title if title is not None else TITLES.get(code, code.replace("_", " ").capitalize()))
    body: dict[str, Any] = {
        "type": f"urn:frontdesk:problem:{code}",
        "title": title_text,
        "status": status,
        "detail": detail or title_text,
        "code": code,
    }
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    if errors is not None:
        body["errors"] = list(errors)
    response = HttpResponse(json.dumps(body, default=str), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(loc: Iterable[Any]) -> str:
    """``("body", "payload", "worklog", "diagnosis")`` → ``worklog.diagnosis``; query and path keep their name."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "form", "file"):
        parts = parts[2:] if len(parts) > 1 else []
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "field": _field_name(e.get("loc", ())),
            "code": str(e.get("type", "invalid")),
            "message": str(e.get("msg")),
        }
        for e in raw
    ]


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = validation_errors(exc.errors)
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(
        422, "validation_error", str(_("Check these fields: %(fields)s.") % {"fields": fields}), errors=errors
    )


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = None
    if exc.status == 422 or exc.field:
        field = exc.field or "body"
        errors = [{"field": field, "code": exc.code, "message": exc.detail}]
    extra = {k: v for k, v in exc.extra.items() if isinstance(v, str | int | float | bool)}
    if exc.field:
        extra["field"] = exc.field
    return problem(
        exc.status,
        exc.code,
        exc.detail,
        title=TITLES.get(exc.code, exc.title),
        errors=errors,
        extra=extra,
    )


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        401,
        "not_authenticated",
        str(_("Send a valid API token as 'Authorization: Bearer <token>', or sign in.")),
        headers={"WWW-Authenticate": 'Bearer realm="frontdesk"'},
    )


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, CsrfFailed):
        return problem(403, "csrf_failed", str(_("Send the CSRF token with session-authenticated writes.")))
    if exc.status_code == 400:
        return problem(400, "malformed_body", str(_("The body is not valid JSON of the expected shape.")))
    code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
        exc.status_code, "http_error"
    )
    return problem(exc.status_code, code, str(exc))


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, "not_found", str(_("No such object.")))


def on_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(413, "request_too_large", str(_("The request body is larger than allowed.")))


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unhandled error in the API", exc_info=exc, extra={"path": request.path})
    return problem(500, "server_error", str(_("The error was logged; try again later.")))


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (ValidationError, on_validation_error),
    (DomainError, on_domain_error),
    (AuthenticationError, on_authentication_error),
    (HttpError, on_http_error),
    (Http404, on_not_found),
    (RequestDataTooBig, on_too_large),
    (TooManyFieldsSent, on_too_large),
    (Exception, on_unexpected),
]


def install(api: NinjaAPI) -> None:
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)
