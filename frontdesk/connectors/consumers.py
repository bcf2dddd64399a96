"""The ticket-event consumer of the connectors app (listed in ``FRONTDESK_EVENT_CONSUMERS``): an answer on a
ticket of a private conversation, or of a mention or comment, goes back to the network."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.connectors.actions import queue_ticket_reply
from frontdesk.connectors.models import SocialItem, SocialThread
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent


def send_social_replies(event: TicketEvent) -> None:
    """Queue the reply of a ``replied`` event on a social conversation's ticket; idempotent per event."""
    queue_ticket_reply(event)


def send_social_replies_for_events(events: Sequence[TicketEvent]) -> None:
    """The same for a batch: one query finds which of the answered tickets are conversations at all."""
    replied = [event for event in events if event.kind == EventKind.REPLIED]
    if not replied:
        return
    tickets = sorted({event.ticket_id for event in replied})
    social = set(
        SocialThread.objects.filter(ticket_id__in=tickets)
        .order_by()
        .values_list("ticket_id", flat=True)
        .union(
            SocialItem.objects.filter(ticket_id__in=tickets).order_by().values_list("ticket_id", flat=True)
        )
    )
    for event in replied:
        if event.ticket_id in social:
            queue_ticket_reply(event)


# The dispatcher hands a batch of events to this instead of one event at a time.
send_social_replies.for_events = send_social_replies_for_events  # type: ignore[attr-defined]
