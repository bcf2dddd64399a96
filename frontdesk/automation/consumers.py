"""The ticket-event consumer of automation (listed in ``FRONTDESK_EVENT_CONSUMERS``)."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.automation.engine import active_triggers, run_triggers_on
from frontdesk.tickets.models import TicketEvent


def run_triggers(event: TicketEvent) -> None:
    """Run the brand's active triggers for this event in their order, each at most once."""
    run_triggers_for_events([event])


def run_triggers_for_events(events: Sequence[TicketEvent]) -> None:
    """``run_triggers`` for several events, in the order they happened; the triggers are read once per batch."""
    triggers = active_triggers([event.brand_id for event in events])
    for event in sorted(events, key=lambda e: e.pk):
        run_triggers_on(event, triggers.get(event.brand_id, []))


# The dispatcher hands a batch of events to this instead of one event at a time.
run_triggers.for_events = run_triggers_for_events  # type: ignore[attr-defined]
