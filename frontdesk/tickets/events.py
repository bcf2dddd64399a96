"""``record_event``: the one way history is written, and the doorbell for its consumers."""

from __future__ import annotations

from typing import Any

from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import Actor


def new_event(
    ticket: Ticket, kind: EventKind, *, actor: Actor, data: dict[str, Any] | None = None
) -> TicketEvent:
    """The event ``record_event`` writes, not saved yet (``tickets.inserts`` saves it with its ticket)."""
    return TicketEvent(
        ticket=ticket,
        brand_id=ticket.brand_id,
        kind=kind,
        actor_id=actor.user_id,
        actor_label=actor.label[:200],
        actor_kind=str(actor.kind),
        at=ticket.updated_at,
        data=data or {},
    )


def record_event(
    ticket: Ticket, kind: EventKind, *, actor: Actor, data: dict[str, Any] | None = None
) -> TicketEvent:
    """Append an event to the ticket's history and queue its consumers after commit."""
    event = new_event(ticket, kind, actor=actor, data=data)
    event.save(force_insert=True)
    announce_event(event)
    return event


def announce_event(event: TicketEvent) -> None:
    """Ring the consumers' doorbell once the event is committed."""
    from frontdesk.tickets.tasks import dispatch_ticket_event

    enqueue_on_commit(dispatch_ticket_event, event.pk)
