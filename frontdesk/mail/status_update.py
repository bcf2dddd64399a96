"""The status update: a customer whose request stays open longer than the brand's update interval is told,
in their language, that it is being worked on, with the latest public answer. Planned by ``outbound`` for the
``status_update`` event the service-level schedule records (``tickets.sla.send_status_updates``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts


def plan_status_update(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The update mail for customers answered by mail or on the portal, with an address, not suppressed."""
    from frontdesk.mail.outbound import (
        _NOT_BY_MAIL,
        _language,
        _new_outbound,
        render,
        signature_for,
        ticket_url,
    )

    recipient = (ticket.customer.email or "").lower()
    if not recipient or ticket.channel in _NOT_BY_MAIL:
        return None
    suppressed = Suppression.objects.filter(
        brand_id=ticket.brand_id, address=recipient, until__gt=timezone.now()
    ).exists()
    language = _language(ticket)
    context = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "last_answer": str((event.data or {}).get("last_answer", "")),
        "ticket_url": ticket_url(ticket),
        "signature": signature_for(ticket.brand, language),
    }
    rendered = render("status_update", brand=ticket.brand, language=language, context=context, facts=facts)
    # Sent by the system, like an acknowledgement (a kind of its own would need its own choice and migration).
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip="suppressed" if suppressed else "",
        source_message=None,
    )
