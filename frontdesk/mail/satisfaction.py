"""The rating mail: when a ticket is solved, its customer gets two signed links (good, bad) to the portal's
rating page, where they confirm and may comment (``tickets.satisfaction``). Planned by ``outbound`` like any
other mail: once per (event, recipient)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.customer_mail import plan_automatic_mail
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
    if ticket.pk in facts.rated:
        return None
    return plan_automatic_mail(
        event,
        ticket,
        facts,
        kind=OutboundKind.SATISFACTION,
        template="satisfaction",
        context=lambda _language: {
            "good_url": rating_url(ticket, Rating.GOOD),
            "bad_url": rating_url(ticket, Rating.BAD),
        },
    )
