"""The new tickets of a batch of mail, written together.

Most mail in a burst opens a ticket. Those mails of a batch (routed to a new ticket, from a person, with no more
attachments than one message holds) are ingested in one transaction: their new customers, then their tickets,
first messages, attachments and events with one statement per table (``tickets.batch``), then one UPDATE marks
them processed. Any error rolls all of it back and the mails go the usual way, one transaction each, where a
bad one is quarantined alone. Every other mail (answers, notes, bounces, automatic mail) goes that way from the
start.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.ingest import Quarantine, _attachments, _body, _customer, _subject
from frontdesk.mail.models import InboundMessage
from frontdesk.mail.parsed import ParsedMail
from frontdesk.mail.route import Lookups, Route, RouteKind, is_automatic, route_message, sender_of
from frontdesk.tickets.actions import MAX_ATTACHMENTS, first_message
from frontdesk.tickets.batch import NewTicket, create_tickets
from frontdesk.tickets.choices import Channel
from frontdesk.users.actors import actor_for_customer

logger = logging.getLogger(__name__)

_MARKED = [
    "status",
    "reason",
    "error",
    "parser_version",
    "sender",
    "subject",
    "is_automatic",
    "ticket",
    "ticket_message",
    "processed_at",
    "claimed_until",
]


def _opens_a_ticket(inbound: InboundMessage, parsed: ParsedMail, lookups: Lookups) -> Route | None:
    if (
        is_automatic(parsed)
        or len(parsed.attachments) > MAX_ATTACHMENTS
        or lookups.answers_the_batch(inbound.brand_id, parsed)  # threaded after the mail it answers
    ):
        return None
    try:
        route = route_message(inbound, parsed, lookups)
    except Quarantine:
        return None
    return route if route.kind == RouteKind.NEW_TICKET else None


def ingest_new_tickets(
    mails: list[tuple[InboundMessage, ParsedMail]], lookups: Lookups, *, parser_version: str
) -> dict[int, str]:
    """Ingest together the mails that open a ticket; returns their statuses (the others are not touched).
    Nothing is written when anything fails: the caller then takes every mail one by one."""
    chosen = [
        (inbound, parsed, route)
        for inbound, parsed in mails
        if (route := _opens_a_ticket(inbound, parsed, lookups)) is not None
    ]
    if len(chosen) < 2:
        return {}
    try:
        with transaction.atomic():
            items = []
            for inbound, parsed, route in chosen:
                # A second mail of a new sender in this batch takes the customer its first one created.
                customer = lookups.pending(inbound.brand_id, sender_of(parsed)) or _customer(
                    route, parsed, inbound, lookups
                )
                items.append(
                    NewTicket(
                        brand=inbound.brand,
                        actor=actor_for_customer(customer),
                        customer=customer,
                        subject=_subject(parsed),
                        body=_body(parsed, new_text_only=False),
                        channel=Channel.EMAIL,
                        attachments=_attachments(parsed),
                    )
                )
            tickets = create_tickets(items)
            now = timezone.now()
            # New instances: the loaded rows stay as they were should this fail.
            marked = [
                InboundMessage(
                    pk=inbound.pk,
                    status=InboundStatus.INGESTED,
                    reason=route.reason[:50],
                    error="",
                    parser_version=parser_version[:20],
                    sender=sender_of(parsed)[:254],
                    subject=_subject(parsed)[:300],
                    is_automatic=False,
                    ticket=ticket,
                    ticket_message=first_message(ticket),
                    processed_at=now,
                    claimed_until=None,
                )
                for (inbound, parsed, route), ticket in zip(chosen, tickets, strict=True)
            ]
            InboundMessage.objects.bulk_update(marked, _MARKED)
    except Exception:  # nothing was written: the mails go one by one
        logger.warning(
            "Writing %s new tickets together failed; one mail at a time now", len(chosen), exc_info=True
        )
        lookups.forget()
        return {}
    lookups.keep()
    return {inbound.pk: str(InboundStatus.INGESTED) for inbound, _parsed, _route in chosen}
