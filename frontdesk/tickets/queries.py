"""Scoped reads of tickets and their children. Missing and not-yours both raise ``NotFound``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, F, Model, Q, QuerySet, Value, When
from django.db.models.expressions import Col

from frontdesk.brands.models import Brand
from frontdesk.core.errors import NotFound
from frontdesk.tickets.choices import EventKind, MessageKind
from frontdesk.tickets.inserts import prepared_cursor
from frontdesk.tickets.models import (
    Attachment,
    Category,
    Message,
    Ticket,
    TicketEvent,
    TicketLink,
    WorkLogEntry,
)
from frontdesk.users.actors import Actor
from frontdesk.users.models import Customer, Organization, Team
from frontdesk.users.queries import access_customer

# What a customer may read of a ticket's history.
CUSTOMER_EVENT_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.REPLIED,
        EventKind.STATUS_CHANGED,
        EventKind.REOPENED,
        EventKind.SOLVED,
        EventKind.CLOSED,
        EventKind.RATED,
        EventKind.MERGED,
    }
)


def _management_hidden(actor: Actor) -> list[int]:
    """The brands whose tickets for management this agent does not see: those they serve but do not manage
    (brand admins and provider admins are the managers)."""
    if actor.sees_all_brands:
        return []
    return sorted(set(actor.agent_lines) - actor.admin_brand_ids)


def tickets_visible_to(actor: Actor) -> QuerySet[Ticket]:
    """Agents: tickets of the brands they serve, except those written to the management of a brand they do
    not manage. Customers: their own, and their organization's if they manage it. Everyone else: nothing."""
    qs = Ticket.objects.all()
    if actor.is_system:
        return qs
    if actor.is_agent:
        qs = qs.filter(actor.brand_scope())
        hidden = _management_hidden(actor)
        if hidden:
            # Only where it matters: an agent managing all their brands keeps the plain filter.
            managed = sorted(actor.admin_brand_ids & set(actor.agent_lines))
            qs = (
                qs.filter(Q(for_management=False) | Q(brand_id__in=managed))
                if managed
                else qs.filter(for_management=False)
            )
        return qs
    if actor.is_customer:
        return qs.filter(
            Q(customer_id__in=sorted(actor.customer_ids.values()))
            | Q(organization_id__in=sorted(actor.managed_organization_ids))
        )
    return qs.none()


def with_details(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Everything a ticket list or page shows, loaded up front in a fixed number of queries.

    Customer and assignee are joined; brand, organization, team and category come as one small query each.
    Joining all six costs PostgreSQL 10-25 ms to plan at a million tickets against well under a millisecond to
    run (and planning grows with every join), while four lookups by primary key cost about one.
    """
    return qs.select_related("customer", "assignee").prefetch_related(
        "brand", "organization", "team", "category"
    )


def access_ticket(actor: Actor, number: str) -> Ticket:
    try:
        return with_details(tickets_visible_to(actor)).get(number=number)
    except Ticket.DoesNotExist:
        raise NotFound("ticket") from None


@dataclass(frozen=True)
class TicketFilters:
    status: list[str] | None = None
    brand_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    customer_id: int | None = None
    organization_id: int | None = None
    category_id: int | None = None
    channel: str | None = None
    line: int | None = None
    priority: str | None = None
    updated_since: datetime | None = None


def filter_tickets(actor: Actor, filters: TicketFilters, *, details: bool = True) -> QuerySet[Ticket]:
    """The actor's tickets matching ``filters``; with ``details`` loaded as ``with_details`` does (without, for
    ``ticket_rows``)."""
    qs = tickets_visible_to(actor)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.brand_id is not None:
        qs = qs.filter(brand_id=filters.brand_id)
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee_id is not None:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.customer_id is not None:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.category_id is not None:
        qs = qs.filter(category_id=filters.category_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.line is not None:
        qs = qs.filter(line=filters.line)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.updated_since is not None:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return with_details(qs) if details else qs


# What a ticket list shows of each ticket, as plain values: the ticket's own columns with its customer and
# assignee joined. A page of 50 model instances (with customers and assignees: ~150) cost more Python than
# the query; these rows carry only what is shown.
TICKET_ROW_FIELDS = (
    "id",
    "number",
    "subject",
    "status",
    "priority",
    "channel",
    "language",
    "tags",
    "line",
    "version",
    "brand_id",
    "customer_id",
    "customer__name",
    "customer__email",
    "customer__phone",
    "organization_id",
    "team_id",
    "assignee_id",
    "assignee__name",
    "assignee__email",
    "category_id",
    "minutes_spent",
    "created_at",
    "updated_at",
    "first_response_at",
    "solved_at",
    "closed_at",
)


def ticket_rows(qs: QuerySet[Ticket]) -> QuerySet[Ticket, dict[str, Any]]:
    """``qs`` (from ``filter_tickets(..., details=False)``) as dicts of ``TICKET_ROW_FIELDS``."""
    return qs.values(*TICKET_ROW_FIELDS)


def ticket_row(actor: Actor, number: str) -> dict[str, Any]:
    """One ticket the actor may see, as a row of ``TICKET_ROW_FIELDS``; ``NotFound`` like ``access_ticket``."""
    row = ticket_rows(tickets_visible_to(actor).filter(number=number)).first()
    if row is None:
        raise NotFound("ticket")
    return row


@dataclass(frozen=True)
class TicketRowRefs:
    """The brands, organizations, teams and categories of a page of ticket rows, by id, as the API names them."""

    brands: dict[int, dict[str, Any]]
    organizations: dict[int, dict[str, Any]]
    teams: dict[int, dict[str, Any]]
    categories: dict[int, dict[str, Any]]


def ticket_row_refs(rows: Sequence[dict[str, Any]]) -> TicketRowRefs:
    """What the rows point to, in one query whatever the page holds (none for no rows): brands (id, slug, name),
    organizations and teams (id, name), categories (id, path), each looked up by primary key."""
    kinds: tuple[tuple[str, type[Model], str, str, str | None], ...] = (
        ("brand", Brand, "brand_id", "name", "slug"),
        ("organization", Organization, "organization_id", "name", None),
        ("team", Team, "team_id", "name", None),
        ("category", Category, "category_id", "path", None),
    )
    parts = []
    for kind, model, key, label, extra in kinds:
        ids = sorted({row[key] for row in rows if row[key] is not None})
        if ids:
            parts.append(
                model._default_manager.filter(pk__in=ids)
                .annotate(
                    ref_kind=Value(kind, output_field=CharField()),
                    ref_id=F("id"),
                    ref_label=F(label),
                    ref_extra=F(extra) if extra else Value("", output_field=CharField()),
                )
                .values_list("ref_kind", "ref_id", "ref_label", "ref_extra")
                .order_by()
            )
    found: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind, *_rest in kinds}
    if parts:
        for kind, pk, label, extra in parts[0].union(*parts[1:], all=True):
            if kind == "brand":
                found[kind][pk] = {"id": pk, "slug": extra, "name": label}
            else:
                found[kind][pk] = {"id": pk, "path" if kind == "category" else "name": label}
    return TicketRowRefs(
        brands=found["brand"],
        organizations=found["organization"],
        teams=found["team"],
        categories=found["category"],
    )


def can_see_ticket(actor: Actor, ticket: Ticket) -> bool:
    """The check of ``tickets_visible_to`` for one loaded ticket, without a query. Children of a ticket are
    scoped through it, so a ticket object from elsewhere never opens another brand's or person's data."""
    if actor.is_agent or actor.is_system:
        if ticket.for_management and not actor.administers(ticket.brand_id):
            return False
        return actor.serves(ticket.brand_id)
    if actor.is_customer:
        return ticket.customer_id in actor.customer_ids.values() or (
            ticket.organization_id is not None and ticket.organization_id in actor.managed_organization_ids
        )
    return False


def _works_on(actor: Actor, ticket: Ticket) -> bool:
    return (actor.is_agent or actor.is_system) and can_see_ticket(actor, ticket)


def messages_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[Message]:
    """A visible ticket's messages; customers see public replies only, never notes or call records."""
    if not can_see_ticket(actor, ticket):
        return Message.objects.none()
    qs = Message.objects.filter(ticket_id=ticket.pk).prefetch_related("attachments")
    if not _works_on(actor, ticket):
        qs = qs.filter(kind=MessageKind.REPLY)
    return qs.order_by("created_at", "id")


def timeline_messages_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[Message]:
    """``messages_visible_to`` plus the messages of the tickets merged into this one (they stay on their own
    tickets; a merge re-points earlier merges, so one step finds them all). Each message carries
    ``origin_number``, the number of the ticket it was written on. One query, however many were merged."""
    if not can_see_ticket(actor, ticket):
        return Message.objects.none()
    # One semi-join on message_ticket: the ticket by its key and the merged ones by ticket_merged_into (an OR
    # of `ticket_id = X` with an IN would leave PostgreSQL a filter over every message instead).
    ticket_ids = Ticket.objects.filter(
        Q(pk=ticket.pk) | Q(merged_into_id=ticket.pk, brand_id=ticket.brand_id)
    ).values("pk")
    qs = (
        Message.objects.filter(ticket_id__in=ticket_ids)
        .annotate(origin_number=F("ticket__number"))
        .prefetch_related("attachments")
    )
    if not _works_on(actor, ticket):
        qs = qs.filter(kind=MessageKind.REPLY)
    return qs.order_by("created_at", "id")


def linked_tickets_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[Ticket]:
    """The tickets linked to a visible ticket, as far as the actor may see them, newest first."""
    if not can_see_ticket(actor, ticket):
        return Ticket.objects.none()
    # The other end of each link, as one IN (an OR of two would have PostgreSQL filter every ticket).
    others = (
        TicketLink.objects.filter(Q(low_id=ticket.pk) | Q(high_id=ticket.pk))
        .annotate(other=Case(When(low_id=ticket.pk, then=F("high_id")), default=F("low_id")))
        .values("other")
    )
    return tickets_visible_to(actor).filter(pk__in=others, brand_id=ticket.brand_id).order_by("-id")


def merged_into_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[Ticket]:
    """The tickets merged into a visible ticket, oldest first."""
    if not can_see_ticket(actor, ticket):
        return Ticket.objects.none()
    return tickets_visible_to(actor).filter(merged_into_id=ticket.pk, brand_id=ticket.brand_id).order_by("id")


def events_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    """A visible ticket's history; customers see only the kinds in ``CUSTOMER_EVENT_KINDS``."""
    if not can_see_ticket(actor, ticket):
        return TicketEvent.objects.none()
    qs = TicketEvent.objects.filter(ticket_id=ticket.pk)
    if not _works_on(actor, ticket):
        qs = qs.filter(kind__in=sorted(CUSTOMER_EVENT_KINDS))
    return qs.order_by("at", "id")


def worklog_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[WorkLogEntry]:
    """The work log of a ticket, for the agents who work on it only."""
    if not _works_on(actor, ticket):
        return WorkLogEntry.objects.none()
    return WorkLogEntry.objects.filter(ticket_id=ticket.pk).select_related("from_team", "to_team")


def access_attachment(actor: Actor, ticket: Ticket, attachment_id: int) -> Attachment:
    """An attachment of a message the actor may see on a ticket they may see (including the messages of the
    tickets merged into it, which its timeline shows)."""
    try:
        return Attachment.objects.select_related("message").get(
            pk=attachment_id, message__in=timeline_messages_visible_to(actor, ticket).values("pk")
        )
    except Attachment.DoesNotExist:
        raise NotFound("attachment") from None


def categories_visible_to(actor: Actor) -> QuerySet[Category]:
    """Agents: every category of their brands. Customers: the active ones of the brands serving them."""
    if actor.is_system:
        return Category.objects.all()
    if actor.is_agent:
        return Category.objects.filter(actor.brand_scope())
    if actor.is_customer:
        return Category.objects.filter(brand_id__in=sorted(actor.customer_ids), is_active=True)
    return Category.objects.none()


def access_category(actor: Actor, category_id: int) -> Category:
    try:
        return categories_visible_to(actor).get(pk=category_id)
    except Category.DoesNotExist:
        raise NotFound("category") from None


Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """All concrete columns of a model under a table alias, with the converters the ORM would apply."""

    model: type[Model]
    alias: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, Col, tuple[Converter, ...]], ...]

    @classmethod
    def of(cls, model: type[Model], alias: str) -> _Columns:
        fields = model._meta.concrete_fields
        converters = []
        for i, field in enumerate(fields):
            col = Col(alias, field)
            found = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
            if found:
                converters.append((i, col, tuple(found)))
        return cls(model, alias, tuple(f.attname for f in fields), tuple(converters))

    def select(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(f.column)}" for f in self.model._meta.concrete_fields)

    def load(self, values: Sequence[Any]) -> Model | None:
        """The instance of a row's slice of values (``None`` for an outer join that found nothing)."""
        row = list(values)
        if row[self.attnames.index("id")] is None:
            return None
        for i, col, converters in self.converters:
            for convert in converters:
                row[i] = convert(row[i], col, connection)
        return self.model.from_db(connection.alias, list(self.attnames), row)


@functools.cache
def _customer_statement(vendor: str) -> tuple[str, tuple[_Columns, _Columns, _Columns]]:
    del vendor  # the cache key: converters and quoting belong to the database
    parts = (
        _Columns.of(Customer, "c"),
        _Columns.of(Brand, "b"),
        _Columns.of(Organization, "o"),
    )
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(p.select() for p in parts)} "  # noqa: S608 - names from the models
        f"FROM {quote(Customer._meta.db_table)} c "
        f"INNER JOIN {quote(Brand._meta.db_table)} b ON b.id = c.brand_id "
        f"LEFT OUTER JOIN {quote(Organization._meta.db_table)} o ON o.id = c.organization_id "
        "WHERE c.id = %s"
    )
    return sql, parts


def customer_for_new_ticket(actor: Actor, customer_id: int) -> Customer:
    """The customer an agent names for a new ticket, with brand and organization: for agents and the system
    what ``users.queries.access_customer`` answers, through one statement built once per process.

    Opening tickets through the API is the hottest write; building the ORM query for this one row cost more
    than running it.
    """
    if not (actor.is_agent or actor.is_system):
        return access_customer(actor, customer_id)
    sql, (customer_part, brand_part, organization_part) = _customer_statement(connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [customer_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("customer")
    first, second = len(customer_part.attnames), len(customer_part.attnames) + len(brand_part.attnames)
    customer = customer_part.load(row[:first])
    assert isinstance(customer, Customer)
    # The scope of ``users.queries.customers_visible_to`` for agents: customers of the brands they serve.
    if not actor.serves(customer.brand_id):
        raise NotFound("customer")
    customer.brand = brand_part.load(row[first:second])  # type: ignore[assignment]
    customer.organization = organization_part.load(row[second:])  # type: ignore[assignment]
    return customer
