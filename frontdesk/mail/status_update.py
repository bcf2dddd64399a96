"""The status update: a customer whose request stays open longer than the brand's update interval is told,
in their language, that it is being worked on, with the latest public answer. Planned by ``outbound`` for the
``status_update`` event the service-level schedule records (``tickets.sla.send_status_updates``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.models import OutboundMessage
from frontdesk.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts


def plan_status_update(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The update mail for customers answered by mail or on the portal, with an address; kept as skipped for a
    suppressed address or over the automatic-mail cap."""
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
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=OutboundKind.STATUS_UPDATE,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip=facts.skip_reason(ticket.brand_id, recipient, OutboundKind.STATUS_UPDATE),
        source_message=None,
    )
