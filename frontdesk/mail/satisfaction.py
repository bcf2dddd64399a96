"""The rating mail: when a ticket is solved, its customer gets two signed links (good, bad) to the portal's
rating page, where they confirm and may comment (``tickets.satisfaction``). Planned by ``outbound`` like any
other mail: once per (event, recipient)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.models import OutboundMessage
from frontdesk.tickets.choices import Rating
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.tickets.satisfaction import rating_token

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts


def rating_url(ticket: Ticket, rating: str) -> str:
    """The portal's rating page for the ticket, with ``rating`` chosen; on the brand's own address."""
    from frontdesk.mail.outbound import portal_url

    return f"{portal_url(ticket.brand)}rate/{rating_token(ticket)}/?rating={rating}"


def plan_satisfaction(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The rating mail for a ``solved`` event: for customers answered by mail or on the portal, with an
    address, who have not rated the ticket yet; kept as skipped for a suppressed address or over the
    automatic-mail cap. None when no rating request is due (``outbound`` then considers the status mail)."""
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
    if ticket.pk in facts.rated:
        return None
    language = _language(ticket)
    context = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "good_url": rating_url(ticket, Rating.GOOD),
        "bad_url": rating_url(ticket, Rating.BAD),
        "ticket_url": ticket_url(ticket),
        "signature": signature_for(ticket.brand, language),
    }
    rendered = render("satisfaction", brand=ticket.brand, language=language, context=context, facts=facts)
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=OutboundKind.SATISFACTION,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip=facts.skip_reason(ticket.brand_id, recipient, OutboundKind.SATISFACTION),
        source_message=None,
    )
