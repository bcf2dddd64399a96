"""Cursor pagination over ids: ``{items, next_cursor}``, at most 100 a page, one query a page.

The cursor is opaque to clients (base64 of the last id seen), checked on the way in: a tampered or foreign
cursor is a 422, never a 500.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from frontdesk.api.errors import InvalidCursor
from frontdesk.api.schemas.common import InputSchema

M = TypeVar("M", bound=Model)
R = TypeVar("R")

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_ID = 2**63 - 1
_PREFIX = "id:"


class PageIn(InputSchema):
    cursor: str | None = Field(None, max_length=64, description="``next_cursor`` of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page, 1 to 100.")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor(_("The cursor is not one this API gave out."), field="cursor") from None
    digits = raw.removeprefix(_PREFIX)
    if not raw.startswith(_PREFIX) or not digits.isdigit() or not 0 < int(digits) <= MAX_ID:
        raise InvalidCursor(_("The cursor is not one this API gave out."), field="cursor")
    return int(digits)


def paginate(
    qs: QuerySet[M, R],
    page: PageIn,
    *,
    newest_first: bool = True,
    serialize: Callable[[Sequence[R]], list[Any]] | None = None,
) -> dict[str, Any]:
    """One page of ``qs`` ordered by id, newest first by default; fetches one extra row to know if more remain.

    ``qs`` gives model instances, or dicts with an ``id`` (``values()``)."""
    if page.cursor:
        after = decode_cursor(page.cursor)
        qs = qs.filter(pk__lt=after) if newest_first else qs.filter(pk__gt=after)
    qs = qs.order_by("-pk" if newest_first else "pk")
    rows = list(qs[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(last["id"] if isinstance(last, dict) else last.pk)  # type: ignore[attr-defined]
    return {"items": serialize(rows) if serialize else rows, "next_cursor": next_cursor}


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """``{items: [item], next_cursor}`` as a named schema for the OpenAPI document."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next_cursor": str | None},  # type: ignore[valid-type]
            "__module__": __name__,
        },
    )
