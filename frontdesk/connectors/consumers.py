"""The ticket-event consumer of the connectors app (listed in ``FRONTDESK_EVENT_CONSUMERS``): an answer on a
ticket of a private conversation goes back to the network."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.connectors.actions import queue_ticket_reply
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent


def send_social_replies(event: TicketEvent) -> None:
    """Queue the reply of a ``replied`` event on a social conversation's ticket; idempotent per event."""
    queue_ticket_reply(event)


def send_social_replies_for_events(events: Sequence[TicketEvent]) -> None:
    for event in events:
        if event.kind == EventKind.REPLIED:
            queue_ticket_reply(event)


# The dispatcher hands a batch of events to this instead of one event at a time.
send_social_replies.for_events = send_social_replies_for_events  # type: ignore[attr-defined]
