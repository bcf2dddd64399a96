"""The reports' event consumer: every ticket event refreshes that ticket's facts."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.reports.facts import refresh_facts
from frontdesk.tickets.models import TicketEvent


def update_ticket_facts(event: TicketEvent) -> None:
    refresh_facts([event.ticket_id])


def update_many_ticket_facts(events: Sequence[TicketEvent]) -> None:
    refresh_facts(event.ticket_id for event in events)


# The dispatcher hands a batch of events to this instead of one event at a time.
update_ticket_facts.for_events = update_many_ticket_facts  # type: ignore[attr-defined]
