"""The ticket-event consumer of the desk (listed in ``FRONTDESK_EVENT_CONSUMERS``): tells the open desk pages
that a ticket changed, so that queues and the ticket's page fetch their part again through the scoped views.
The push names the kind of event, the ticket and its brand, nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontdesk.core.live import brand_group, push_many, ticket_group

if TYPE_CHECKING:
    from frontdesk.tickets.models import TicketEvent


def push_ticket_event(event: TicketEvent) -> None:
    push_ticket_events([event])


def push_ticket_events(events: Sequence[TicketEvent]) -> None:
    """One push per event to the ticket's pages and its brand's pages, in the order they happened."""
    push_many(
        (
            [ticket_group(event.ticket_id), brand_group(event.brand_id)],
            {
                "type": "ticket.changed",
                "kind": str(event.kind),
                "ticket": event.ticket_id,
                "number": event.ticket.number,
                "brand": event.brand_id,
            },
        )
        for event in events
    )


# The dispatcher hands a batch of events to this instead of one event at a time.
push_ticket_event.for_events = push_ticket_events  # type: ignore[attr-defined]
