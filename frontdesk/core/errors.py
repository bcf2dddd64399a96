"""The ``DomainError`` family: what an action refuses, with a stable code and the HTTP status it maps to."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


class DomainError(Exception):
    """A refusal the caller can show to a person. ``code`` is stable; ``status`` is the HTTP answer."""

    code = "domain_error"
    status = 400
    title = "The request cannot be carried out"

    def __init__(self, detail: str = "", *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.field = field
        self.extra = extra


class NotFound(DomainError):
    """Missing and not-yours look the same: 404 either way."""

    code = "not_found"
    status = 404
    title = "Not found"

    def __init__(self, what: str = "object") -> None:
        # ``what`` is a model's name ("ticket"); the catalogues translate it too.
        super().__init__(gettext("No such %(what)s.") % {"what": gettext(what)})
        self.what = what


class PermissionDenied(DomainError):
    """The actor can see the object but may not do this to it."""

    code = "permission_denied"
    status = 403
    title = "Not allowed"


class InvalidInput(DomainError):
    """Input that is well formed but not acceptable (too long, empty, out of range)."""

    code = "invalid_input"
    status = 422
    title = "Invalid input"


class InvalidTransition(DomainError):
    """A status change the ticket workflow does not allow from the current status."""

    code = "invalid_transition"
    status = 409
    title = "Status change not allowed"


class WorklogRequired(DomainError):
    """Escalation without a work log of what was diagnosed and done."""

    code = "worklog_required"
    status = 422
    title = "A work log is required to escalate"


class TicketChanged(DomainError):
    """The ticket changed since the actor loaded it; reload before acting."""

    code = "ticket_changed"
    status = 409
    title = "The ticket was changed by someone else"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict"


class TransientError(Exception):
    """Background work that may succeed on a later attempt."""


class PermanentError(Exception):
    """Background work that will never succeed; recorded, not retried."""


def require(condition: bool, message: str = "") -> None:
    """Raise ``PermissionDenied`` unless ``condition`` holds."""
    if not condition:
        raise PermissionDenied(message)
