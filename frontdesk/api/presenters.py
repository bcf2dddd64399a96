"""Objects to JSON for one audience. Lists are loaded whole first (joins and prefetches), then mapped without
queries: one page costs the same number of queries for 3 items or 100."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.urls import reverse
from ninja.responses import NinjaJSONEncoder

from frontdesk.api.idempotency import to_json
from frontdesk.api.schemas.people import BrandForCustomerOut, BrandOut, CustomerOut
from frontdesk.api.schemas.tickets import (
    EventOut,
    MessageForCustomerOut,
    MessageOut,
    WorkLogOut,
)
from frontdesk.tickets.queries import TICKET_ROW_FIELDS, ticket_row_refs

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand
    from frontdesk.tickets.models import Message, Ticket, TicketEvent, WorkLogEntry
    from frontdesk.users.actors import Actor

# What of an event's data a customer may read; the rest (ids, work logs, assignees) stays internal.
CUSTOMER_EVENT_DATA = frozenset({"before", "after", "reason", "channel"})


def sees_internals(actor: Actor, brand_id: int) -> bool:
    """Agents of the brand (and the system) see a ticket's internals; everyone else the customer view."""
    return actor.serves(brand_id)


_ENCODER = NinjaJSONEncoder()


def _time(value: datetime | None) -> str | None:
    """A moment as ninja's encoder writes it, so that every endpoint formats times alike."""
    return None if value is None else cast(str, _ENCODER.default(value))


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def ticket_json(actor: Actor, ticket: Ticket) -> dict[str, Any]:
    """``TicketOut`` or ``TicketForCustomerOut`` as JSON types, built directly from the loaded row.

    Tickets are the hottest payload (50 to a page), and going through the schema costs more than the query
    that loaded them; ``tests/test_presenters.py`` holds this to the schemas field by field.
    """
    customer, assignee, category = ticket.customer, ticket.assignee, ticket.category
    row = {name: getattr(ticket, name) for name in TICKET_COLUMNS}
    row.update(
        customer__name=customer.name,
        customer__email=customer.email,
        customer__phone=customer.phone,
        assignee__name=None if assignee is None else assignee.name,
        assignee__email=None if assignee is None else assignee.email,
    )
    brand = ticket.brand
    return _ticket_row_json(
        actor,
        row,
        brand={"id": brand.pk, "slug": brand.slug, "name": brand.name},
        organization=_ref(ticket.organization),
        team=_ref(ticket.team),
        category=None if category is None else {"id": category.pk, "path": category.path},
    )


# The ticket's own columns among ``tickets.queries.TICKET_ROW_FIELDS``.
TICKET_COLUMNS = tuple(name for name in TICKET_ROW_FIELDS if "__" not in name)


def _ticket_row_json(
    actor: Actor,
    row: dict[str, Any],
    *,
    brand: dict[str, Any],
    organization: dict[str, Any] | None,
    team: dict[str, Any] | None,
    category: dict[str, Any] | None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": row["number"],
        "subject": row["subject"],
        "status": row["status"],
    }
    internal = sees_internals(actor, row["brand_id"])
    if internal:
        data["priority"] = row["priority"]
    data["channel"] = row["channel"]
    data["language"] = row["language"]
    if not internal:
        data.update(
            brand=brand,
            customer={"id": row["customer_id"], "name": row["customer__name"]},
            category=category,
        )
    else:
        data.update(
            tags=list(row["tags"]),
            line=row["line"],
            version=row["version"],
            brand=brand,
            customer={
                "id": row["customer_id"],
                "name": row["customer__name"],
                "email": row["customer__email"],
                "phone": row["customer__phone"],
            },
            organization=organization,
            team=team,
            assignee=None
            if row["assignee_id"] is None
            else {
                "id": row["assignee_id"],
                "name": row["assignee__name"] or row["assignee__email"],
                "email": row["assignee__email"],
            },
            category=category,
            minutes_spent=row["minutes_spent"],
        )
    data["created_at"] = _time(row["created_at"])
    data["updated_at"] = _time(row["updated_at"])
    if internal:
        data["first_response_at"] = _time(row["first_response_at"])
    data["solved_at"] = _time(row["solved_at"])
    data["closed_at"] = _time(row["closed_at"])
    return data


def ticket_rows_json(actor: Actor, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of ``tickets.queries.ticket_rows`` as ``ticket_json`` gives each ticket: plain values, no models;
    brands, organizations, teams and categories in one query per kind the page has."""
    refs = ticket_row_refs(rows)
    return [
        _ticket_row_json(
            actor,
            row,
            brand=refs.brands[row["brand_id"]],
            organization=refs.organizations.get(row["organization_id"]),
            team=refs.teams.get(row["team_id"]),
            category=refs.categories.get(row["category_id"]),
        )
        for row in rows
    ]


def _attachments(number: str, message: Message) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "url": reverse(
                "api-v1:download_attachment",
                kwargs={"number": number, "message_id": message.pk, "attachment_id": a.pk},
            ),
        }
        for a in message.attachments.all()
    ]


def message_json(actor: Actor, ticket: Ticket, message: Message) -> dict[str, Any]:
    schema = MessageOut if sees_internals(actor, ticket.brand_id) else MessageForCustomerOut
    data = {
        field: getattr(message, field)
        for field in schema.model_fields
        if field != "attachments" and hasattr(message, field)
    }
    data["attachments"] = _attachments(ticket.number, message)
    return to_json(schema.model_validate(data).model_dump())


def messages_json(actor: Actor, ticket: Ticket, messages: Sequence[Message]) -> list[dict[str, Any]]:
    return [message_json(actor, ticket, m) for m in messages]


def events_json(actor: Actor, ticket: Ticket, events: Sequence[TicketEvent]) -> list[dict[str, Any]]:
    internal = sees_internals(actor, ticket.brand_id)
    items = []
    for event in events:
        item = EventOut.from_orm(event).model_dump()
        if not internal:
            item["data"] = {k: v for k, v in event.data.items() if k in CUSTOMER_EVENT_DATA}
        items.append(item)
    return to_json(items)


def worklog_json(entries: Sequence[WorkLogEntry]) -> list[dict[str, Any]]:
    return to_json([WorkLogOut.from_orm(e).model_dump() for e in entries])


def brands_json(actor: Actor, brands: Sequence[Brand]) -> list[dict[str, Any]]:
    return to_json(
        [(BrandOut if actor.serves(b.pk) else BrandForCustomerOut).from_orm(b).model_dump() for b in brands]
    )


def customers_json(customers: Sequence[Any]) -> list[dict[str, Any]]:
    return to_json([CustomerOut.from_orm(c).model_dump() for c in customers])
