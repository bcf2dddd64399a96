"""The JSON body of a delivery: what a brand's own systems need about a ticket event, and nothing more.

Never in it: another brand's data, internal notes' text, work-log texts (diagnosis, steps, requests to the next
line), agents' e-mail addresses, SLA internals. See docs/webhooks.md.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from frontdesk.tickets.choices import MessageKind
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.webhooks.choices import PING_KIND

# Keys of an event's data that carry internal free text (work logs of escalations and hand-backs).
INTERNAL_DATA_KEYS = frozenset(
    {"diagnosis", "steps_taken", "request", "note", "body", "body_text", "body_html"}
)
# The longest message text sent, in characters.
MESSAGE_TEXT_CHARS = 20_000


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    customer = ticket.customer
    assignee = ticket.assignee
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "language": ticket.language,
        "tags": list(ticket.tags or []),
        "category": ticket.category.name if ticket.category is not None else None,
        "team": ticket.team.name if ticket.team is not None else None,
        "line": ticket.line,
        "assignee": {"name": assignee.get_full_name() or str(assignee)} if assignee is not None else None,
        "customer": {"name": customer.name, "email": customer.email},
        "organization": ticket.organization.name if ticket.organization is not None else None,
        "created_at": _time(ticket.created_at),
        "updated_at": _time(ticket.updated_at),
        "solved_at": _time(ticket.solved_at),
        "closed_at": _time(ticket.closed_at),
    }


def message_payload(message: Message) -> dict[str, Any]:
    """A message the event is about: its text only when the customer sees it (a reply; never an internal
    note's or a call record's)."""
    shown: dict[str, Any] = {
        "id": message.pk,
        "kind": message.kind,
        "author_kind": message.author_kind,
        "author": message.author_label,
        "created_at": _time(message.created_at),
    }
    if message.kind == MessageKind.REPLY:
        shown["text"] = message.body_text[:MESSAGE_TEXT_CHARS]
    return shown


def event_data(event: TicketEvent) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    return {key: value for key, value in data.items() if key not in INTERNAL_DATA_KEYS}


def build_body(
    *,
    delivery_id: int,
    brand_slug: str,
    event: TicketEvent | None,
    message: Message | None = None,
    at: datetime | None = None,
) -> str:
    """The body of delivery ``delivery_id``; ``event`` None makes a test ping."""
    body: dict[str, Any] = {"delivery": delivery_id, "brand": brand_slug}
    if event is None:
        body |= {"event": None, "kind": PING_KIND, "at": _time(at), "ticket": None, "data": {}}
    else:
        body |= {
            "event": event.pk,
            "kind": event.kind,
            "at": _time(event.at),
            "actor": {"kind": event.actor_kind, "name": event.actor_label},
            "ticket": ticket_payload(event.ticket),
            "data": event_data(event),
        }
        if message is not None:
            body["message"] = message_payload(message)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
