"""The ticket-event consumer of the mail app (listed in ``FRONTDESK_EVENT_CONSUMERS``)."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.mail.choices import OutboundStatus
from frontdesk.mail.outbound import plan_mail_for_events
from frontdesk.tickets.models import TicketEvent


def send_ticket_mail(event: TicketEvent) -> None:
    """Queue the mail an event calls for (acknowledgement, agent reply); idempotent per (event, recipient)."""
    send_ticket_mails([event])


def send_ticket_mails(events: Sequence[TicketEvent]) -> None:
    """``send_ticket_mail`` for several events: planned together, sent through one doorbell per batch."""
    from frontdesk.mail.tasks import queue_sending

    planned = plan_mail_for_events(events)
    queue_sending([outbound.pk for outbound in planned if outbound.status == OutboundStatus.PENDING])


# The dispatcher hands a batch of events to this instead of one event at a time.
send_ticket_mail.for_events = send_ticket_mails  # type: ignore[attr-defined]
