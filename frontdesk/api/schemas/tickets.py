"""Ticket schemas, one per audience: agents see the whole ticket, customers never see its internals."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints, field_validator

from frontdesk.api.pagination import PageIn
from frontdesk.api.schemas.common import (
    AwareDatetime,
    BodyHtml,
    BodyText,
    BrandRef,
    Email,
    Id,
    InputSchema,
    Language,
    LongText,
    Name,
    NoNul,
    Phone,
    QueryId,
    Ref,
    ShortText,
    Slug,
    Tag,
)
from frontdesk.tickets.choices import CallDirection, Channel, MessageKind, Priority, Status

Subject = Annotated[str, StringConstraints(min_length=1, max_length=300), NoNul]
# 25 MiB of data as base64, rounded up; the setting FRONTDESK_MAX_ATTACHMENT_BYTES has the last word.
MAX_BASE64_CHARS = 36_000_000
MAX_ATTACHMENTS = 10


class AgentRef(Schema):
    id: int
    name: str
    email: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.name or obj.email)


class CustomerRef(Schema):
    id: int
    name: str
    email: str
    phone: str


class CategoryRef(Schema):
    id: int
    path: str


class TicketOut(Schema):
    """A ticket as agents see it."""

    number: str
    subject: str
    status: str
    priority: str
    channel: str
    language: str
    tags: list[str]
    line: int
    version: int = Field(
        description="Send it back with changes to refuse them if someone else changed the ticket."
    )
    brand: BrandRef
    customer: CustomerRef
    organization: Ref | None
    team: Ref | None
    assignee: AgentRef | None
    category: CategoryRef | None
    minutes_spent: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None


class RequesterRef(Schema):
    id: int
    name: str


class TicketForCustomerOut(Schema):
    """A ticket as its customer (or their organization's manager) sees it: no team, assignee, line or tags."""

    number: str
    subject: str
    status: str
    channel: str
    language: str
    brand: BrandRef
    customer: RequesterRef
    category: CategoryRef | None
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    closed_at: datetime | None


class AttachmentIn(InputSchema):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255), NoNul]
    content_type: Annotated[str, StringConstraints(max_length=150), NoNul] = ""
    data: Annotated[str, StringConstraints(max_length=MAX_BASE64_CHARS)] = Field(
        description="The file's bytes, base64-encoded."
    )

    @field_validator("data")
    @classmethod
    def _base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not valid base64") from None
        return value

    def decoded(self) -> bytes:
        return base64.b64decode(self.data)


class CustomerLookupIn(InputSchema):
    """Find the brand's customer by email (or phone), creating them if new."""

    email: Email = ""
    phone: Phone = ""
    name: Name = ""
    language: Language = ""


class CallIn(InputSchema):
    direction: CallDirection
    duration_seconds: int = Field(0, ge=0, le=86_400)


class TicketCreateIn(InputSchema):
    brand: Slug | None = Field(
        None, description="Brand slug; for agents optional when `customer_id` is given."
    )
    customer_id: Id | None = Field(None, description="Agents: an existing customer of a brand they serve.")
    customer: CustomerLookupIn | None = Field(
        None, description="Agents: find or create the customer by contact."
    )
    subject: Subject
    body: BodyText = ""
    body_html: BodyHtml = ""
    channel: Channel | None = Field(None, description="Agents only; `api` when omitted.")
    priority: Priority | None = None
    category: Id | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    team: Id | None = None
    assignee: Id | None = None
    language: Language | None = None
    call: CallIn | None = Field(None, description="Agents: the first message is the record of this call.")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class TicketUpdateIn(InputSchema):
    """Only the fields sent change; `null` clears category, team or assignee."""

    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Refuse with 409 if the ticket moved on."
    )
    subject: Subject | None = None
    status: Status | None = None
    priority: Priority | None = None
    category: Id | None = None
    tags: list[Tag] | None = Field(None, max_length=20)
    team: Id | None = None
    assignee: Id | None = None
    language: Language | None = None


class TicketFilterIn(PageIn):
    status: list[Status] | None = Field(None, description="Repeat or separate with commas for several.")
    brand: Slug | None = None
    team: QueryId | None = None
    assignee: (
        Annotated[str, StringConstraints(max_length=20, pattern=r"^(none|[1-9][0-9]{0,17})$")] | None
    ) = Field(None, description="An agent id, or `none` for unassigned tickets.")
    customer: QueryId | None = None
    organization: QueryId | None = None
    category: QueryId | None = None
    channel: Channel | None = None
    line: int | None = Field(None, ge=1, le=3)
    priority: Priority | None = None
    updated_since: AwareDatetime | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and len(value) <= 20:
            return [part for item in value for part in str(item).split(",") if part]
        return value


class WorkLogIn(InputSchema):
    diagnosis: LongText = ""
    steps_taken: LongText = ""
    request: LongText = ""
    minutes_spent: int = Field(0, ge=0, le=24 * 60)


class EscalateIn(InputSchema):
    to_line: int | None = Field(None, ge=1, le=3)
    to_team: Id | None = None
    worklog: WorkLogIn | None = Field(None, description="Required: what was diagnosed and already done.")


class ReturnIn(InputSchema):
    to_team: Id | None = None
    worklog: WorkLogIn | None = None


class TimeIn(InputSchema):
    minutes: int = Field(ge=1, le=24 * 60)
    note: ShortText = ""


class MessageIn(InputSchema):
    kind: MessageKind = MessageKind.REPLY
    body: BodyText = ""
    body_html: BodyHtml = ""
    status: Status | None = Field(None, description="Agents: the status to set with a reply.")
    version: int | None = Field(None, ge=1, le=2**31 - 1)
    call_direction: CallDirection | None = None
    call_duration_seconds: int | None = Field(None, ge=0, le=86_400)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class MessageOut(Schema):
    id: int
    kind: str
    author_kind: str
    author_id: int | None
    author_label: str
    channel: str
    body_html: str
    body_text: str
    call_direction: str
    call_duration_seconds: int | None
    created_at: datetime
    attachments: list[AttachmentOut]


class MessageForCustomerOut(Schema):
    id: int
    author_kind: str
    author_label: str
    body_html: str
    body_text: str
    created_at: datetime
    attachments: list[AttachmentOut]


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor_kind: str
    actor_label: str
    data: dict[str, Any]


class WorkLogOut(Schema):
    id: int
    kind: str
    author_label: str
    from_line: int
    to_line: int
    from_team: Ref | None
    to_team: Ref | None
    diagnosis: str
    steps_taken: str
    request: str
    minutes_spent: int
    created_at: datetime
