"""Building blocks of every schema: strict inputs, capped strings, ids that fit a database column."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def _aware(value: datetime) -> datetime:
    """A time without a zone is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Ids in JSON bodies must be JSON integers (not `true` or "7"); query strings are parsed.
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
NoNul = AfterValidator(_no_nul)
Name = Annotated[str, StringConstraints(max_length=200), NoNul]
ShortText = Annotated[str, StringConstraints(max_length=300), NoNul]
LongText = Annotated[str, StringConstraints(max_length=20_000), NoNul]
BodyText = Annotated[str, StringConstraints(max_length=200_000), NoNul]
BodyHtml = Annotated[str, StringConstraints(max_length=400_000), NoNul]
Tag = Annotated[str, StringConstraints(max_length=50), NoNul]
Email = Annotated[str, StringConstraints(max_length=254), NoNul]
Phone = Annotated[str, StringConstraints(max_length=32), NoNul]
Language = Annotated[str, StringConstraints(max_length=8, pattern=r"^[a-z]{0,3}(-[A-Za-z]{2,4})?$")]
Slug = Annotated[str, StringConstraints(max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
TicketNumber = Annotated[str, StringConstraints(max_length=40, pattern=r"^[-A-Za-z0-9_]+$")]


class InputSchema(Schema):
    """What clients send: unknown fields are refused, and no string is unbounded."""

    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class BrandRef(Schema):
    id: int
    slug: str
    name: str
