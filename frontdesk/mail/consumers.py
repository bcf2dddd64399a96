"""The ticket-event consumer of the mail app (listed in ``FRONTDESK_EVENT_CONSUMERS``)."""

from __future__ import annotations

from frontdesk.core.work import enqueue_on_commit
from frontdesk.mail.choices import OutboundStatus
from frontdesk.mail.outbound import plan_mail_for_event
from frontdesk.tickets.models import TicketEvent


def send_ticket_mail(event: TicketEvent) -> None:
    """Queue the mail an event calls for (acknowledgement, agent reply); idempotent per (event, recipient)."""
    from frontdesk.mail.tasks import send_outbound_message

    for outbound in plan_mail_for_event(event):
        if outbound.status == OutboundStatus.PENDING:
            enqueue_on_commit(send_outbound_message, outbound.pk)
