"""The status update: a customer whose request stays open longer than the brand's update interval is told,
in their language, that it is being worked on, with the latest public answer. Planned by ``outbound`` for the
``status_update`` event the service-level schedule records (``tickets.sla.send_status_updates``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.customer_mail import plan_automatic_mail
from frontdesk.mail.models import OutboundMessage
from frontdesk.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts


def plan_status_update(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The update mail for customers answered by mail or on the portal, with an address; kept as skipped for a
    suppressed address or over the automatic-mail cap."""
    last_answer = str((event.data or {}).get("last_answer", ""))
    return plan_automatic_mail(
        event,
        ticket,
        facts,
        kind=OutboundKind.STATUS_UPDATE,
        template="status_update",
        context=lambda _language: {"last_answer": last_answer},
    )
