"""Every write on tickets. Views, the API, mail, commands and tasks call these; nothing else saves tickets.

Each action checks the capability, locks the ticket, saves with ``update_fields``, records one event per
change and defers side effects until commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import InvalidInput, InvalidTransition, require
from frontdesk.tickets.choices import (
    TRANSITIONS,
    AuthorKind,
    CallDirection,
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Status,
)
from frontdesk.tickets.content import AttachmentIn, Body, make_body, store_attachment
from frontdesk.tickets.escalation import WorkLog, add_worklog, escalate_ticket, log_time, return_ticket
from frontdesk.tickets.events import announce_event, new_event, record_event
from frontdesk.tickets.inserts import can_insert_at_once, insert_ticket
from frontdesk.tickets.locks import check_version, lock_ticket
from frontdesk.tickets.models import Attachment, Category, Message, RequestType, Ticket
from frontdesk.tickets.numbering import next_ticket_number, number_sql_for
from frontdesk.tickets.permissions import can_create_ticket, can_reply, can_work_on, is_requester
from frontdesk.users.actors import Actor
from frontdesk.users.models import Customer, Team, User

__all__ = [
    "AttachmentIn",
    "Body",
    "WorkLog",
    "add_note",
    "add_worklog",
    "assign_ticket",
    "change_status",
    "create_ticket",
    "escalate_ticket",
    "log_call",
    "log_time",
    "make_body",
    "reply_to_ticket",
    "return_ticket",
    "update_ticket",
]

MAX_TAGS = 20
MAX_ATTACHMENTS = 20
MAX_SUBJECT = 300
LANGUAGES = ("en", "ru", "pl")


def _author_kind(actor: Actor) -> AuthorKind:
    if actor.is_customer:
        return AuthorKind.CUSTOMER
    return AuthorKind.SYSTEM if actor.is_system else AuthorKind.AGENT


def _clean_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject:
        raise InvalidInput(_("A ticket needs a subject."), field="subject")
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(
            _("The subject is longer than %(limit)d characters.") % {"limit": MAX_SUBJECT}, field="subject"
        )
    return subject


def _clean_tags(tags: Sequence[str]) -> list[str]:
    clean = list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
    if len(clean) > MAX_TAGS or any(len(t) > 50 for t in clean):
        raise InvalidInput(
            _("At most %(limit)d tags of at most 50 characters.") % {"limit": MAX_TAGS}, field="tags"
        )
    return clean


# The choices a new ticket is checked against, listed once (``Choices.values`` builds a new list each time).
_CHANNELS = tuple(Channel.values)
_PRIORITIES = tuple(Priority.values)
_MESSAGE_KINDS = tuple(MessageKind.values)


def _check_choice(value: str, choices: Sequence[str], field: str) -> None:
    if value not in choices:
        raise InvalidInput(
            _("%(value)s is not one of %(choices)s.") % {"value": value, "choices": ", ".join(choices)},
            field=field,
        )


def _check_brand(obj: Category | Team | None, brand_id: int, field: str) -> None:
    if obj is not None and obj.brand_id not in (None, brand_id):
        raise InvalidInput(_("The %(field)s belongs to another brand.") % {"field": field}, field=field)


def _check_assignee(ticket: Ticket, assignee: User | None) -> None:
    if assignee is None:
        return
    from frontdesk.users.actors import actor_for

    if not actor_for(assignee).serves(ticket.brand_id):
        raise InvalidInput(_("The assignee does not serve this ticket's brand."), field="assignee")


def _new_message(
    ticket: Ticket,
    *,
    actor: Actor,
    kind: MessageKind,
    body: Body,
    channel: str,
    call_direction: str = "",
    call_duration_seconds: int | None = None,
) -> Message:
    return Message(
        ticket=ticket,
        brand_id=ticket.brand_id,
        kind=kind,
        author_kind=_author_kind(actor),
        author_id=actor.user_id,
        author_label=actor.label[:200],
        channel=channel,
        body_html=body.html,
        body_text=body.text,
        call_direction=call_direction,
        call_duration_seconds=call_duration_seconds,
        created_at=ticket.updated_at,
    )


def _check_attachment_count(attachments: Sequence[AttachmentIn]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("At most %(limit)d attachments per message.") % {"limit": MAX_ATTACHMENTS}, field="attachments"
        )


def _add_message(
    ticket: Ticket,
    *,
    actor: Actor,
    kind: MessageKind,
    body: Body,
    channel: str,
    attachments: Sequence[AttachmentIn] = (),
    call_direction: str = "",
    call_duration_seconds: int | None = None,
) -> Message:
    _check_attachment_count(attachments)
    message = _new_message(
        ticket,
        actor=actor,
        kind=kind,
        body=body,
        channel=channel,
        call_direction=call_direction,
        call_duration_seconds=call_duration_seconds,
    )
    _save_message(message, attachments)
    return message


def stored_attachments(
    ticket: Ticket, message: Message, attachments: Sequence[AttachmentIn]
) -> list[Attachment]:
    """The attachment rows of a new message, their files written to storage first (rows not saved yet)."""
    return [
        Attachment(
            message=message,
            ticket=ticket,
            brand_id=ticket.brand_id,
            file=item.file,
            filename=item.filename,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        for item in [store_attachment(a) for a in attachments]
    ]


def _save_message(message: Message, attachments: Sequence[AttachmentIn]) -> None:
    rows = stored_attachments(message.ticket, message, attachments)
    message.save(force_insert=True)
    for row in rows:
        row.save(force_insert=True)


def new_ticket(
    brand: Brand,
    *,
    actor: Actor,
    customer: Customer,
    subject: str,
    body: Body,
    channel: Channel,
    priority: Priority = Priority.NORMAL,
    category: Category | None = None,
    tags: Sequence[str] = (),
    team: Team | None = None,
    assignee: User | None = None,
    language: str = "",
    kind: MessageKind = MessageKind.REPLY,
    attachments: Sequence[AttachmentIn] = (),
    call_direction: str = "",
    call_duration_seconds: int | None = None,
    follow_up_of: Ticket | None = None,
    request_type: RequestType | None = None,
    custom_fields: Mapping[str, Any] | None = None,
    documents: Mapping[str, Sequence[AttachmentIn]] | None = None,
    for_management: bool = False,
) -> tuple[Ticket, Message, dict[str, Any]]:
    """``create_ticket``'s checks and its unsaved ticket, first message and the data of its ``created`` event
    (without the message id): for ``create_ticket`` and for writing many at once (``tickets.batch``)."""
    if customer.brand_id != brand.pk:
        raise InvalidInput(_("The customer belongs to another brand."), field="customer")
    require(can_create_ticket(actor, brand.pk, customer.pk))
    _check_choice(channel, _CHANNELS, "channel")
    _check_choice(priority, _PRIORITIES, "priority")
    _check_choice(kind, _MESSAGE_KINDS, "kind")
    if language:
        _check_choice(language, LANGUAGES, "language")
    if actor.is_customer:
        if team is not None or assignee is not None:
            raise InvalidInput(_("Customers cannot choose a team or an assignee."), field="team")
        if category is not None and not category.is_active:
            raise InvalidInput(_("This category is no longer offered."), field="category")
        if kind != MessageKind.REPLY:
            raise InvalidInput(_("Customers write messages, not notes or call records."), field="kind")
    fields, documents_data = _request_answers(brand, request_type, custom_fields, documents)
    if request_type is not None:
        # The type's defaults where the caller chose nothing.
        category = category or request_type.category
        team = team or request_type.team
        if priority == Priority.NORMAL and request_type.priority:
            priority = Priority(request_type.priority)
    _check_brand(category, brand.pk, "category")
    _check_brand(team, brand.pk, "team")
    if follow_up_of is not None and follow_up_of.brand_id != brand.pk:
        raise InvalidInput(_("The earlier ticket belongs to another brand."), field="follow_up_of")
    _check_attachment_count(attachments)
    now = timezone.now()
    ticket = Ticket(
        brand=brand,
        subject=_clean_subject(subject),
        priority=priority,
        category=category,
        tags=_clean_tags(tags),
        channel=channel,
        language=language or customer.language or brand.default_language,
        customer=customer,
        organization_id=customer.organization_id,
        team=team,
        assignee=assignee,
        line=team.line if team is not None else 1,
        created_at=now,
        updated_at=now,
        last_customer_message_at=now if actor.is_customer else None,
        follow_up_of=follow_up_of,
        request_type=request_type,
        custom_fields=fields,
        for_management=for_management,
    )
    _check_assignee(ticket, assignee)
    data: dict[str, Any] = {"channel": channel, "status": ticket.status, "priority": priority} | (
        {"follow_up_of": follow_up_of.number} if follow_up_of is not None else {}
    )
    if request_type is not None:
        data["request_type"] = request_type.slug
    if documents_data:
        data["documents"] = documents_data
    if for_management:
        data["for_management"] = True
    message = _new_message(
        ticket,
        actor=actor,
        kind=kind,
        body=body,
        channel=channel,
        call_direction=call_direction,
        call_duration_seconds=call_duration_seconds,
    )
    return ticket, message, data


def _request_answers(
    brand: Brand,
    request_type: RequestType | None,
    custom_fields: Mapping[str, Any] | None,
    documents: Mapping[str, Sequence[AttachmentIn]] | None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The custom fields as stored and the documents' file names by key, checked against the request type."""
    from frontdesk.tickets.request_types import check_documents, clean_custom_fields

    if request_type is None:
        if custom_fields or documents:
            raise InvalidInput(_("Custom fields and documents need a request type."), field="request_type")
        return {}, {}
    if request_type.brand_id != brand.pk:
        raise InvalidInput(_("The request type belongs to another brand."), field="request_type")
    if not request_type.is_active:
        raise InvalidInput(_("This request type is no longer offered."), field="request_type")
    fields = clean_custom_fields(request_type, custom_fields or {})
    check_documents(request_type, documents or {})
    return fields, {key: [f.filename for f in files] for key, files in (documents or {}).items() if files}


class TicketOptions(TypedDict, total=False):
    """``create_ticket``'s optional arguments, with the defaults of ``new_ticket``."""

    priority: Priority
    category: Category | None
    tags: Sequence[str]
    team: Team | None
    assignee: User | None
    language: str
    kind: MessageKind
    attachments: Sequence[AttachmentIn]
    call_direction: str
    call_duration_seconds: int | None
    follow_up_of: Ticket | None
    request_type: RequestType | None
    custom_fields: Mapping[str, Any] | None
    documents: Mapping[str, Sequence[AttachmentIn]] | None
    for_management: bool


def create_ticket(
    brand: Brand,
    *,
    actor: Actor,
    customer: Customer,
    subject: str,
    body: Body,
    channel: Channel,
    **options: Unpack[TicketOptions],
) -> Ticket:
    """Open a ticket with its first message: the customer's words, or the agent's record of a call.

    ``follow_up_of`` links a ticket opened by an answer to a closed ticket of the same brand. A
    ``request_type`` brings its category, team and priority where none is given, and checks
    ``custom_fields`` and ``documents`` (attached to the first message before the other attachments).
    ``for_management`` shows the ticket to the brand's managers only."""
    documents = options.get("documents") or {}
    if documents:
        options["attachments"] = [
            *(f for files in documents.values() for f in files),
            *options.get("attachments", ()),
        ]
    ticket, message, data = new_ticket(
        brand, actor=actor, customer=customer, subject=subject, body=body, channel=channel, **options
    )
    attachments = options.get("attachments", ())
    now = ticket.created_at
    number = number_sql_for(brand, now) if can_insert_at_once() else None
    if number is not None:
        # PostgreSQL: the number, the ticket, its message, attachments and event in one statement
        # (tickets.inserts).
        event = new_event(ticket, EventKind.CREATED, actor=actor, data=data)
        files = stored_attachments(ticket, message, attachments)
        insert_ticket(ticket, message, event, year=number.year, number=number.sql, attachments=files)
        announce_event(event)
        ticket._first_message = message  # type: ignore[attr-defined]
        return ticket
    with transaction.atomic():
        ticket.number = next_ticket_number(brand, now=now)
        ticket.save(force_insert=True)
        message.ticket = ticket
        _save_message(message, attachments)
        record_event(ticket, EventKind.CREATED, actor=actor, data={"message": message.pk, **data})
    ticket._first_message = message  # type: ignore[attr-defined]
    return ticket


def first_message(ticket: Ticket) -> Message:
    """The message a ticket was opened with: kept from ``create_ticket`` on the instance it returned."""
    kept: Message | None = getattr(ticket, "_first_message", None)
    if kept is not None:
        return kept
    return Message.objects.filter(ticket=ticket).order_by("id")[:1].get()


def _set_status(ticket: Ticket, status: str, *, actor: Actor, fields: set[str], reason: str = "") -> None:
    """Move to ``status`` if the workflow allows it, stamping solved/closed times and recording the event."""
    old = ticket.status
    if status not in Status.values:
        raise InvalidInput(_("%(status)s is not a ticket status.") % {"status": status}, field="status")
    if status == old:
        return
    if status not in TRANSITIONS.get(old, frozenset()):
        raise InvalidTransition(
            _("A ticket cannot go from %(old)s to %(new)s.") % {"old": old, "new": status}, field="status"
        )
    ticket.status = status
    fields.add("status")
    if status == Status.SOLVED:
        ticket.solved_at = ticket.updated_at
        fields.add("solved_at")
    elif status == Status.CLOSED:
        ticket.closed_at = ticket.updated_at
        fields.add("closed_at")
    elif old == Status.SOLVED:
        # Reopened: it is no longer solved; when it was is kept in the history.
        ticket.solved_at = None
        fields.add("solved_at")
    if old == Status.SOLVED and status == Status.OPEN:
        kind = EventKind.REOPENED
    else:
        kind = {Status.SOLVED: EventKind.SOLVED, Status.CLOSED: EventKind.CLOSED}.get(
            Status(status), EventKind.STATUS_CHANGED
        )
    data: dict[str, Any] = {"before": old, "after": status}
    if reason:
        data["reason"] = reason
    record_event(ticket, kind, actor=actor, data=data)


def _save(ticket: Ticket, fields: set[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=sorted(fields | {"updated_at", "version"}))


@transaction.atomic
def change_status(
    ticket: Ticket, *, actor: Actor, status: str, version: int | None = None, reason: str = ""
) -> Ticket:
    """Agents move along the workflow; requesters may mark their ticket solved or reopen a solved one.
    ``reason`` (a code, e.g. ``auto_close_solved``) is recorded in the event's data."""
    ticket = lock_ticket(ticket.pk)
    if not can_work_on(actor, ticket):
        require(is_requester(actor, ticket) and status in (Status.SOLVED, Status.OPEN, Status.CLOSED))
        if status == Status.OPEN and ticket.status != Status.SOLVED:
            raise InvalidTransition(_("Only a solved ticket can be reopened."), field="status")
    check_version(ticket, version)
    ticket.updated_at = timezone.now()
    fields: set[str] = set()
    _set_status(ticket, status, actor=actor, fields=fields, reason=reason)
    if fields:
        _save(ticket, fields)
    return ticket


@transaction.atomic
def reply_to_ticket(
    ticket: Ticket,
    *,
    actor: Actor,
    body: Body,
    attachments: Sequence[AttachmentIn] = (),
    status: str | None = None,
    version: int | None = None,
    channel: str | None = None,
) -> Message:
    """A public message. From an agent it may set a status in the same step ("send and set pending");
    from the customer it reopens a solved ticket and ends a wait for them."""
    ticket = lock_ticket(ticket.pk)
    require(can_reply(actor, ticket))
    check_version(ticket, version)
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(_("The ticket is closed; open a new request instead."), field="status")
    if channel is not None:
        _check_choice(channel, Channel.values, "channel")
    ticket.updated_at = timezone.now()
    fields: set[str] = set()
    customer_side = is_requester(actor, ticket) and not can_work_on(actor, ticket)
    message = _add_message(
        ticket,
        actor=actor,
        kind=MessageKind.REPLY,
        body=body,
        # An agent's answer on a social ticket goes back to the network: it is a message of that channel.
        channel=channel
        or (ticket.channel if customer_side or ticket.channel == Channel.SOCIAL else Channel.WEB),
        attachments=attachments,
    )
    if customer_side:
        ticket.last_customer_message_at = ticket.updated_at
        fields.add("last_customer_message_at")
        record_event(ticket, EventKind.CUSTOMER_MESSAGE, actor=actor, data={"message": message.pk})
        # A solved ticket reopens (event ``reopened``); a wait for the customer ends.
        if ticket.status in (Status.SOLVED, Status.PENDING_CUSTOMER, Status.ON_HOLD):
            _set_status(ticket, Status.OPEN, actor=actor, fields=fields, reason="customer_reply")
    elif actor.is_system:
        # An automatic answer (a trigger's) is not an agent's: no clock stops and a new ticket stays new.
        record_event(ticket, EventKind.REPLIED, actor=actor, data={"message": message.pk, "automatic": True})
        if status:
            _set_status(ticket, status, actor=actor, fields=fields)
    else:
        if ticket.first_response_at is None:
            ticket.first_response_at = ticket.updated_at
            fields.add("first_response_at")
        ticket.last_agent_message_at = ticket.updated_at
        fields.add("last_agent_message_at")
        record_event(ticket, EventKind.REPLIED, actor=actor, data={"message": message.pk})
        target = status or (Status.OPEN if ticket.status == Status.NEW else None)
        if target:
            _set_status(ticket, target, actor=actor, fields=fields)
    _save(ticket, fields)
    return message


@transaction.atomic
def add_note(
    ticket: Ticket,
    *,
    actor: Actor,
    body: Body,
    attachments: Sequence[AttachmentIn] = (),
    version: int | None = None,
) -> Message:
    """An internal note, visible to agents only."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    ticket.updated_at = timezone.now()
    message = _add_message(
        ticket, actor=actor, kind=MessageKind.NOTE, body=body, channel=Channel.WEB, attachments=attachments
    )
    record_event(ticket, EventKind.NOTE_ADDED, actor=actor, data={"message": message.pk})
    _save(ticket, set())
    return message


@transaction.atomic
def log_call(
    ticket: Ticket,
    *,
    actor: Actor,
    direction: str,
    duration_seconds: int,
    body: Body,
    version: int | None = None,
) -> Message:
    """A phone call on an existing ticket: direction, duration and what was said."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    if direction not in CallDirection.values:
        raise InvalidInput(_("The call direction is inbound or outbound."), field="direction")
    if not 0 <= duration_seconds <= 24 * 3600:
        raise InvalidInput(_("The call duration is between 0 and 86400 seconds."), field="duration_seconds")
    ticket.updated_at = timezone.now()
    message = _add_message(
        ticket,
        actor=actor,
        kind=MessageKind.CALL,
        body=body,
        channel=Channel.PHONE,
        call_direction=direction,
        call_duration_seconds=duration_seconds,
    )
    record_event(
        ticket,
        EventKind.CALL_LOGGED,
        actor=actor,
        data={"message": message.pk, "direction": direction, "duration_seconds": duration_seconds},
    )
    _save(ticket, set())
    return message


def _assign(
    ticket: Ticket,
    assignee: User | None,
    *,
    actor: Actor,
    fields: set[str],
    details: Mapping[str, Any] | None = None,
) -> None:
    if (
        assignee is None
        and ticket.assignee_id is None
        or assignee is not None
        and assignee.pk == ticket.assignee_id
    ):
        return
    _check_assignee(ticket, assignee)
    before = ticket.assignee_id
    ticket.assignee = assignee
    fields.add("assignee")
    record_event(
        ticket,
        EventKind.ASSIGNED,
        actor=actor,
        data={
            "before": before,
            "after": assignee.pk if assignee else None,
            "after_label": str(assignee) if assignee else "",
            **(details or {}),
        },
    )


@transaction.atomic
def assign_ticket(
    ticket: Ticket,
    *,
    actor: Actor,
    assignee: User | None,
    version: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> Ticket:
    """Give the ticket to ``assignee`` (None: to nobody). ``details`` go into the event's data, e.g. how an
    automatic assignment chose (``tickets.assignment``)."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    ticket.updated_at = timezone.now()
    fields: set[str] = set()
    _assign(ticket, assignee, actor=actor, fields=fields, details=details)
    if fields:
        _save(ticket, fields)
    return ticket


_UNSET: Any = object()


@transaction.atomic
def update_ticket(
    ticket: Ticket,
    *,
    actor: Actor,
    version: int | None = None,
    subject: str = _UNSET,
    status: str = _UNSET,
    priority: str = _UNSET,
    category: Category | None = _UNSET,
    tags: Sequence[str] = _UNSET,
    team: Team | None = _UNSET,
    assignee: User | None = _UNSET,
    language: str = _UNSET,
) -> Ticket:
    """Change any of the given fields at once, one event per kind of change; omitted fields stay.

    A closed ticket is final: its history is the record, and a change would rewrite what was reported.
    """
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(_("The ticket is closed and can no longer be changed."), field="status")
    ticket.updated_at = timezone.now()
    fields: set[str] = set()
    changed: dict[str, list[Any]] = {}
    if subject is not _UNSET and _clean_subject(subject) != ticket.subject:
        changed["subject"] = [ticket.subject, _clean_subject(subject)]
        ticket.subject = changed["subject"][1]
        fields.add("subject")
    if language is not _UNSET and language != ticket.language:
        _check_choice(language, LANGUAGES, "language")
        changed["language"] = [ticket.language, language]
        ticket.language = language
        fields.add("language")
    if changed:
        record_event(ticket, EventKind.FIELDS_CHANGED, actor=actor, data={"changes": changed})
    if priority is not _UNSET and priority != ticket.priority:
        if priority not in Priority.values:
            raise InvalidInput(_("Unknown priority."), field="priority")
        record_event(
            ticket,
            EventKind.PRIORITY_CHANGED,
            actor=actor,
            data={"before": ticket.priority, "after": priority},
        )
        ticket.priority = priority
        fields.add("priority")
    if category is not _UNSET and (category.pk if category else None) != ticket.category_id:
        _check_brand(category, ticket.brand_id, "category")
        record_event(
            ticket,
            EventKind.CATEGORIZED,
            actor=actor,
            data={
                "before": ticket.category_id,
                "after": category.pk if category else None,
                "after_label": category.path if category else "",
            },
        )
        ticket.category = category
        fields.add("category")
    if tags is not _UNSET and _clean_tags(tags) != ticket.tags:
        record_event(
            ticket,
            EventKind.TAGS_CHANGED,
            actor=actor,
            data={"before": ticket.tags, "after": _clean_tags(tags)},
        )
        ticket.tags = _clean_tags(tags)
        fields.add("tags")
    if team is not _UNSET and (team.pk if team else None) != ticket.team_id:
        _check_brand(team, ticket.brand_id, "team")
        record_event(
            ticket,
            EventKind.TEAM_CHANGED,
            actor=actor,
            data={
                "before": ticket.team_id,
                "after": team.pk if team else None,
                "after_label": str(team or ""),
            },
        )
        ticket.team = team
        fields.add("team")
    if assignee is not _UNSET:
        _assign(ticket, assignee, actor=actor, fields=fields)
    if status is not _UNSET:
        _set_status(ticket, status, actor=actor, fields=fields)
    if fields:
        _save(ticket, fields)
    return ticket
