"""Helpers every router shares: references from input resolved through the scoped queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja.errors import ValidationError
from ninja.params.functions import Path
from pydantic import BaseModel

from frontdesk.api.schemas.common import MAX_ID
from frontdesk.core.errors import NotFound

T = TypeVar("T")
M = TypeVar("M", bound=Model)

NumberPath = Path(..., max_length=40, pattern=r"^[-A-Za-z0-9_]+$", description="The ticket number.")


def id_path(description: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=description)


def lookup(field: str, access: Callable[..., T], *args: Any) -> T:
    """``access(*args)``, with a 404 naming the input field that pointed at a missing or foreign object."""
    try:
        return access(*args)
    except NotFound as exc:
        exc.field = field
        raise


def one_or_404(qs: QuerySet[M], what: str) -> M:
    """The single object of a scoped queryset, or the same 404 for missing and not-yours."""
    obj = qs.first()
    if obj is None:
        raise NotFound(what)
    return obj


def refuse_unknown_params(request: HttpRequest, schema: type[BaseModel]) -> None:
    """A misspelt filter (``stauts=open``) must not silently widen a list: unknown query parameters are 422."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise ValidationError(
            [
                {"loc": ("query", name), "type": "extra_forbidden", "msg": "Unknown query parameter"}
                for name in unknown
            ]
        )


def payload_json(payload: Any) -> Any:
    """The parsed body as plain data, for idempotency fingerprints."""
    return payload.model_dump(mode="json") if payload is not None else None
