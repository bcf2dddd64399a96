"""``record_event``: the one way history is written, and the doorbell for its consumers."""

from __future__ import annotations

from typing import Any

from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import Actor


def record_event(
    ticket: Ticket, kind: EventKind, *, actor: Actor, data: dict[str, Any] | None = None
) -> TicketEvent:
    """Append an event to the ticket's history and queue its consumers after commit."""
    from frontdesk.tickets.tasks import dispatch_ticket_event

    event = TicketEvent.objects.create(
        ticket=ticket,
        brand_id=ticket.brand_id,
        kind=kind,
        actor_id=actor.user_id,
        actor_label=actor.label[:200],
        actor_kind=str(actor.kind),
        at=ticket.updated_at,
        data=data or {},
    )
    enqueue_on_commit(dispatch_ticket_event, event.pk)
    return event
