"""The reminder: a customer who has not answered a request waiting for them is asked again, in their
language, to reply to the mail or in the portal; the request is solved after the brand's
``pending_close_days`` without an answer, which the mail tells.

Planned by ``outbound`` for the ``reminder_sent`` event the schedule records on a request waiting for the
customer, once per (event, recipient), threaded like a reply (In-Reply-To and References of the ticket's
mail, the ticket's own reply address where the mailbox takes plus addresses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import ngettext

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.customer_mail import plan_automatic_mail
from frontdesk.mail.models import OutboundMessage
from frontdesk.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts


def close_days(event: TicketEvent, ticket: Ticket) -> int:
    """The days left before the request is solved without an answer: as the event recorded them
    (``close_days``), else the brand's ``pending_close_days``; 0 means it is not solved by itself. (The event's
    ``days`` are the days the customer has been silent, not these.)"""
    data = event.data or {}
    for key in ("close_days", "pending_close_days"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return int(ticket.brand.pending_close_days or 0)


def days_text(days: int, language: str) -> str:
    """ "4 days" in ``language``, with the plural form the number takes."""
    with translation.override(language):
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def plan_reminder(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The reminder for customers answered by mail or on the portal, with an address; kept as skipped for a
    suppressed address or over the automatic-mail cap."""
    data = event.data or {}
    last_answer = str(data["last_answer"]) if "last_answer" in data else facts.last_answers.get(ticket.pk, "")
    days = close_days(event, ticket)
    return plan_automatic_mail(
        event,
        ticket,
        facts,
        kind=OutboundKind.REMINDER,
        template="reminder",
        context=lambda language: {
            "days": days,
            "days_text": days_text(days, language),
            "last_answer": last_answer,
        },
    )
