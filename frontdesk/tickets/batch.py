"""Many new tickets at once: ``create_ticket``'s checks and rows, written with one statement per table.

For a channel that takes work in batches (a worker with 50 stored mails): numbers come from one update of
each brand's counter, then the tickets, their first messages, attachments and ``created`` events go in as one
multi-row INSERT each. Call it inside the caller's transaction; an error rolls all of them back (and the
counter with them), and the caller falls back to one ``create_ticket`` per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from frontdesk.brands.models import Brand
from frontdesk.tickets.actions import new_ticket, stored_attachments
from frontdesk.tickets.choices import Channel, EventKind
from frontdesk.tickets.content import AttachmentIn, Body
from frontdesk.tickets.events import announce_event, new_event
from frontdesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from frontdesk.tickets.numbering import next_ticket_numbers
from frontdesk.users.actors import Actor
from frontdesk.users.models import Customer


@dataclass
class NewTicket:
    """The arguments of one ``create_ticket`` call (the ones the batch channels use)."""

    brand: Brand
    actor: Actor
    customer: Customer
    subject: str
    body: Body
    channel: Channel
    attachments: Sequence[AttachmentIn] = field(default_factory=tuple)


def create_tickets(items: Sequence[NewTicket]) -> list[Ticket]:
    """``create_ticket`` for each item, in the order given; each ticket keeps its first message for
    ``actions.first_message``. Must run inside a transaction."""
    if not items:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("create_tickets must run inside a transaction")
    built = [
        new_ticket(
            item.brand,
            actor=item.actor,
            customer=item.customer,
            subject=item.subject,
            body=item.body,
            channel=item.channel,
            attachments=item.attachments,
        )
        for item in items
    ]
    # Files first, before the counters are locked (a failure leaves files that the orphan sweep removes).
    attachments = [
        row
        for item, (ticket, message, _data) in zip(items, built, strict=True)
        for row in stored_attachments(ticket, message, item.attachments)
    ]
    by_brand: dict[int, list[Ticket]] = defaultdict(list)
    for ticket, _message, _data in built:
        by_brand[ticket.brand_id].append(ticket)
    # Brands in a fixed order, so that two batches lock their counters in the same order.
    for brand_id in sorted(by_brand):
        tickets = by_brand[brand_id]
        numbers = next_ticket_numbers(tickets[0].brand, len(tickets), now=tickets[0].created_at)
        for ticket, number in zip(tickets, numbers, strict=True):
            ticket.number = number
    tickets = Ticket.objects.bulk_create([ticket for ticket, _message, _data in built])
    messages = []
    for ticket, message, _data in built:
        message.ticket = ticket
        messages.append(message)
    Message.objects.bulk_create(messages)
    if attachments:
        Attachment.objects.bulk_create(attachments)
    events = [
        new_event(ticket, EventKind.CREATED, actor=item.actor, data={"message": message.pk, **data})
        for item, (ticket, message, data) in zip(items, built, strict=True)
    ]
    TicketEvent.objects.bulk_create(events)
    for event in events:
        announce_event(event)
    for ticket, message, _data in built:
        ticket._first_message = message  # type: ignore[attr-defined]
    return tickets
