"""``record_event``: the one way history is written, and the doorbell for its consumers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import Actor

# What every event recorded in this context also carries (e.g. the automation trigger that caused it).
_cause: ContextVar[dict[str, Any] | None] = ContextVar("frontdesk_event_cause", default=None)


@contextmanager
def events_caused_by(cause: dict[str, Any]) -> Iterator[None]:
    """Events recorded inside the block get ``cause`` merged into their data (the caller's keys win), so
    that the consumers can tell what caused them (automation marks its own events to stop loops)."""
    token = _cause.set({**(_cause.get() or {}), **cause})
    try:
        yield
    finally:
        _cause.reset(token)


def new_event(
    ticket: Ticket, kind: EventKind, *, actor: Actor, data: dict[str, Any] | None = None
) -> TicketEvent:
    """The event ``record_event`` writes, not saved yet (``tickets.inserts`` saves it with its ticket)."""
    cause = _cause.get()
    if cause:
        data = {**cause, **(data or {})}
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
