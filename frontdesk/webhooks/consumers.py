"""The ticket-event consumer of the webhooks app (listed in ``FRONTDESK_EVENT_CONSUMERS``)."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.tickets.models import TicketEvent
from frontdesk.webhooks.actions import queue_subscribed_deliveries


def queue_webhooks(event: TicketEvent) -> None:
    """Queue a delivery of the event to each active endpoint of its brand subscribed to its kind; idempotent
    per (endpoint, event)."""
    queue_subscribed_deliveries([event])


def queue_webhooks_for_events(events: Sequence[TicketEvent]) -> None:
    queue_subscribed_deliveries(events)


# The dispatcher hands a batch of events to this instead of one event at a time.
queue_webhooks.for_events = queue_webhooks_for_events  # type: ignore[attr-defined]
