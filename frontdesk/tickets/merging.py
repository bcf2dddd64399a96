"""Merging duplicates, splitting a message off into a ticket of its own, and links between related tickets.

Merging keeps history where it was written: the merged ticket keeps its messages and events, is closed and
points to the survivor (``merged_into``). The survivor's timeline shows the merged tickets' messages through
``queries.timeline_messages_visible_to``; mail answering the merged ticket threads to the survivor because
routing follows ``merged_into``. Nothing is moved, so the merged ticket's own page, its attachments and its
events stay exactly as they were.

Splitting copies: the new ticket opens with the message's text and copies of its attachments, and the message
stays in the original ticket's history (nothing written there is rewritten).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import Conflict, InvalidInput, require
from frontdesk.tickets.actions import AttachmentIn, Body, create_ticket, first_message
from frontdesk.tickets.choices import AuthorKind, Channel, EventKind, MessageKind, Priority, Status
from frontdesk.tickets.events import record_event
from frontdesk.tickets.locks import check_version, lock_tickets
from frontdesk.tickets.models import Message, Ticket, TicketEvent, TicketLink
from frontdesk.tickets.permissions import can_work_on
from frontdesk.users.actors import Actor

# Longer chains than this are refused rather than followed (merges re-point, so chains stay one step long).
MAX_CHAIN = 20


def final_survivor(ticket: Ticket) -> Ticket:
    """The ticket a merged ticket ended up in (itself when it was never merged), within its brand, as the
    database has it now."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    seen = {ticket.pk}
    while ticket.merged_into_id is not None:
        if ticket.merged_into_id in seen or len(seen) > MAX_CHAIN:
            raise Conflict(_("These tickets are merged into each other in a loop."), field="into")
        nxt = Ticket.objects.filter(pk=ticket.merged_into_id, brand_id=ticket.brand_id).first()
        if nxt is None:
            break
        seen.add(nxt.pk)
        ticket = nxt
    return ticket


def _bump(ticket: Ticket, fields: set[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=sorted(fields | {"updated_at", "version"}))


def _check_pair(actor: Actor, ticket: Ticket, other: Ticket, field: str) -> None:
    require(can_work_on(actor, ticket) and can_work_on(actor, other))
    if ticket.brand_id != other.brand_id:
        raise InvalidInput(_("The other ticket belongs to another brand."), field=field)
    if ticket.pk == other.pk:
        raise InvalidInput(_("A ticket cannot be merged or linked with itself."), field=field)


@transaction.atomic
def merge_tickets(source: Ticket, *, into: Ticket, actor: Actor, version: int | None = None) -> Ticket:
    """Close ``source`` as a duplicate of ``into`` (or of the ticket ``into`` was itself merged into) and
    return the survivor. ``version`` is the source's version the agent saw."""
    survivor = final_survivor(into)
    _check_pair(actor, source, survivor, "into")
    locked = {t.pk: t for t in lock_tickets([source.pk, survivor.pk])}
    source, survivor = locked[source.pk], locked[survivor.pk]
    if survivor.merged_into_id is not None:
        # Merged elsewhere between the look-up and the lock.
        raise Conflict(_("The other ticket was just merged into another one; try again."), field="into")
    if source.merged_into_id is not None:
        raise InvalidInput(_("This ticket is already merged into another one."), field="into")
    if survivor.status == Status.CLOSED:
        raise InvalidInput(_("A closed ticket cannot take in another one."), field="into")
    check_version(source, version)
    now = timezone.now()
    source.updated_at = survivor.updated_at = now
    before = source.status
    source.merged_into = survivor
    fields = {"merged_into"}
    if before != Status.CLOSED:
        source.status, source.closed_at = Status.CLOSED, now
        fields |= {"status", "closed_at"}
    _bump(source, fields)
    # Tickets merged into the source earlier now point to the survivor too: one step to the end, never a loop.
    moved = list(
        Ticket.objects.filter(merged_into_id=source.pk, brand_id=source.brand_id).values_list("pk", flat=True)
    )
    if moved:
        Ticket.objects.filter(pk__in=moved).update(merged_into=survivor)
    record_event(
        source,
        EventKind.MERGED,
        actor=actor,
        data={"into": survivor.number, "before": before, "after": "closed"},
    )
    record_event(survivor, EventKind.MERGED, actor=actor, data={"from": source.number})
    _bump(survivor, set())
    return survivor


def _copy_attachments(message: Message) -> list[AttachmentIn]:
    copies = []
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            copies.append(AttachmentIn(attachment.filename, attachment.content_type, handle.read()))
    return copies


@transaction.atomic
def split_message(message: Message, *, actor: Actor) -> Ticket:
    """Open a new ticket of the same customer and brand from a customer's message (not the one the ticket
    was opened with); the message stays where it was written and the new ticket gets a copy of it."""
    original = message.ticket
    require(can_work_on(actor, original))
    if message.author_kind != AuthorKind.CUSTOMER or message.kind != MessageKind.REPLY:
        raise InvalidInput(_("Only a customer's message can be split off."), field="message")
    if first_message(original).pk == message.pk:
        raise InvalidInput(
            _("The first message is the ticket itself; it cannot be split off."), field="message"
        )
    (original,) = lock_tickets([original.pk])
    done = TicketEvent.objects.filter(
        ticket_id=original.pk, kind=EventKind.FIELDS_CHANGED, data__message=message.pk
    )
    if done.filter(data__has_key="split_to").exists():
        raise InvalidInput(_("This message was already split off into a ticket of its own."), field="message")
    subject = _("%(subject)s (split from %(number)s)") % {
        "subject": original.subject,
        "number": original.number,
    }
    ticket = create_ticket(
        original.brand,
        actor=actor,
        customer=original.customer,
        subject=subject[:300],
        body=Body(html=message.body_html, text=message.body_text),
        channel=Channel(message.channel) if message.channel in Channel.values else Channel(original.channel),
        priority=Priority(original.priority),
        category=original.category,
        language=original.language,
        attachments=_copy_attachments(message),
    )
    # The copy is the customer's message, as written: their words, not the agent's who split it off.
    Message.objects.filter(ticket_id=ticket.pk).update(
        author_kind=message.author_kind, author_id=message.author_id, author_label=message.author_label
    )
    # And the two tickets are related.
    low, high = _pair(original, ticket)
    TicketLink.objects.get_or_create(
        low=low, high=high, defaults={"brand_id": original.brand_id, "created_by_id": actor.user_id}
    )
    original.updated_at = timezone.now()
    record_event(
        ticket,
        EventKind.FIELDS_CHANGED,
        actor=actor,
        data={"split_from": original.number, "message": message.pk},
    )
    record_event(
        original,
        EventKind.FIELDS_CHANGED,
        actor=actor,
        data={"split_to": ticket.number, "message": message.pk},
    )
    _bump(original, set())
    return ticket


def _pair(a: Ticket, b: Ticket) -> tuple[Ticket, Ticket]:
    return (a, b) if a.pk < b.pk else (b, a)


def _record_on_both(low: Ticket, high: Ticket, key: str, actor: Actor) -> None:
    now = timezone.now()
    for one, two in ((low, high), (high, low)):
        one.updated_at = now
        record_event(one, EventKind.FIELDS_CHANGED, actor=actor, data={key: two.number})
        _bump(one, set())


@transaction.atomic
def link_tickets(ticket: Ticket, *, other: Ticket, actor: Actor) -> TicketLink:
    """Mark two tickets of one brand as related; linking a pair twice returns the existing link."""
    _check_pair(actor, ticket, other, "other")
    low, high = _pair(*lock_tickets([ticket.pk, other.pk]))
    existing = TicketLink.objects.filter(low=low, high=high).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(
                brand_id=low.brand_id, low=low, high=high, created_by_id=actor.user_id
            )
    except IntegrityError:
        return TicketLink.objects.get(low=low, high=high)
    _record_on_both(low, high, "linked", actor)
    return link


@transaction.atomic
def unlink_tickets(ticket: Ticket, *, other: Ticket, actor: Actor) -> bool:
    """Remove the link between two tickets; False when there was none."""
    _check_pair(actor, ticket, other, "other")
    low, high = _pair(*lock_tickets([ticket.pk, other.pk]))
    deleted, _kinds = TicketLink.objects.filter(low=low, high=high).delete()
    if not deleted:
        return False
    _record_on_both(low, high, "unlinked", actor)
    return True


def links_of(ticket: Ticket) -> Q:
    """The condition for the links a ticket is in (either side)."""
    return Q(low_id=ticket.pk) | Q(high_id=ticket.pk)
