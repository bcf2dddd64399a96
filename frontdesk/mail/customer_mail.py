"""The skeleton every automatic mail to a ticket's customer shares (status update, status change, reminder,
rating request): who can be reached by mail, the context every such template has, rendering in the customer's
language, and the row kept as skipped for a suppressed address or over the automatic-mail cap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from frontdesk.brands.texts import signature_for
from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.models import OutboundMessage
from frontdesk.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts


def customer_address(ticket: Ticket) -> str:
    """The customer's address for mail about the ticket; "" for a customer without one or one who is answered
    on a channel of their own (chat, social), not by mail."""
    from frontdesk.mail.outbound import _NOT_BY_MAIL

    if ticket.channel in _NOT_BY_MAIL:
        return ""
    return (ticket.customer.email or "").lower()


def plan_automatic_mail(
    event: TicketEvent,
    ticket: Ticket,
    facts: _Facts,
    *,
    kind: OutboundKind,
    template: str,
    context: Callable[[str], Mapping[str, Any]],
) -> OutboundMessage | None:
    """The ``template`` mail of ``kind`` to the ticket's customer, once per (event, recipient), in their
    language: the common variables (ticket, brand, number, subject, customer name, ticket and portal addresses,
    signature) and what ``context(language)`` adds. None for a customer who cannot be reached by mail."""
    from frontdesk.mail.outbound import (
        _language,
        _new_outbound,
        portal_url,
        render,
        ticket_url,
    )

    recipient = customer_address(ticket)
    if not recipient:
        return None
    language = _language(ticket)
    variables = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "ticket_url": ticket_url(ticket),
        "portal_url": portal_url(ticket.brand),
        "signature": signature_for(ticket.brand, language),
        **context(language),
    }
    rendered = render(template, brand=ticket.brand, language=language, context=variables, facts=facts)
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=kind,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip=facts.skip_reason(ticket.brand_id, recipient, kind),
        source_message=None,
    )
