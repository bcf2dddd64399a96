"""Tickets: create, list with filters, read, change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from frontdesk.api.auth import current_actor
from frontdesk.api.errors import FieldNotAllowed
from frontdesk.api.idempotency import idempotent, json_response
from frontdesk.api.pagination import page_schema, paginate
from frontdesk.api.presenters import ticket_json, ticket_rows_json
from frontdesk.api.routers.common import NumberPath, lookup, payload_json, refuse_unknown_params
from frontdesk.api.schemas.tickets import (
    TicketCreateIn,
    TicketFilterIn,
    TicketForCustomerOut,
    TicketOut,
    TicketUpdateIn,
)
from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, MessageKind, Priority
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.queries import (
    TicketFilters,
    access_category,
    access_ticket,
    customer_for_new_ticket,
    filter_tickets,
    ticket_row,
    ticket_rows,
)
from frontdesk.users import actions as user_actions
from frontdesk.users.queries import (
    access_agent,
    access_brand,
    access_team,
    brands_visible_to,
    customers_visible_to,
)

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand
    from frontdesk.users.actors import Actor
    from frontdesk.users.models import Customer

router = Router(tags=["tickets"])

TicketPage = page_schema(TicketOut, "TicketPage")
TicketForCustomerPage = page_schema(TicketForCustomerOut, "TicketForCustomerPage")
AGENT_ONLY_CREATE_FIELDS = (
    "customer_id",
    "customer",
    "channel",
    "priority",
    "tags",
    "team",
    "assignee",
    "call",
)
AGENT_ONLY_FILTERS = ("team", "assignee", "line")


def _refuse(payload: Any, names: tuple[str, ...]) -> None:
    for name in names:
        if name in payload.model_fields_set and getattr(payload, name) not in (None, []):
            raise FieldNotAllowed(_("Only agents may set %(field)s.") % {"field": name}, field=name)


def _customer_for_agent(actor: Actor, payload: TicketCreateIn) -> tuple[Brand, Customer]:
    if payload.customer_id is not None and payload.customer is not None:
        raise InvalidInput(_("Give either customer_id or customer, not both."), field="customer")
    brand = lookup("brand", access_brand, actor, payload.brand) if payload.brand is not None else None
    if payload.customer_id is not None:
        customer = lookup("customer_id", customer_for_new_ticket, actor, payload.customer_id)
        if brand is not None and brand.pk != customer.brand_id:
            raise InvalidInput(_("The customer belongs to another brand."), field="brand")
        return customer.brand, customer
    if payload.customer is None:
        raise InvalidInput(_("Name the customer by customer_id or by email or phone."), field="customer_id")
    if brand is None:
        raise InvalidInput(_("Name the brand of the new customer."), field="brand")
    found = payload.customer
    customer = user_actions.find_or_create_customer(
        brand, actor=actor, email=found.email, phone=found.phone, name=found.name, language=found.language
    )
    return brand, customer


def _customer_for_self(actor: Actor, payload: TicketCreateIn) -> tuple[Brand, Customer]:
    _refuse(payload, AGENT_ONLY_CREATE_FIELDS)
    own = customers_visible_to(actor).filter(pk__in=sorted(actor.customer_ids.values()))
    if payload.brand is not None:
        own = own.filter(brand__slug=payload.brand)
    elif len(actor.customer_ids) > 1:
        raise InvalidInput(_("Name the brand this request is for."), field="brand")
    customer = own.first()
    if customer is None:
        raise NotFound("brand") if payload.brand else NotFound("customer")
    return customer.brand, customer


def _create(actor: Actor, payload: TicketCreateIn) -> tuple[int, Any]:
    if actor.is_customer:
        brand, customer = _customer_for_self(actor, payload)
    elif actor.is_agent or actor.is_system:
        brand, customer = _customer_for_agent(actor, payload)
    else:
        raise NotFound("brand")
    body = make_body(text=payload.body, html=payload.body_html)
    call = payload.call
    ticket = ticket_actions.create_ticket(
        brand,
        actor=actor,
        customer=customer,
        subject=payload.subject,
        body=body,
        channel=payload.channel or (Channel.PHONE if call else Channel.API),
        priority=payload.priority or Priority.NORMAL,
        category=lookup("category", access_category, actor, payload.category) if payload.category else None,
        tags=payload.tags,
        team=lookup("team", access_team, actor, payload.team) if payload.team else None,
        assignee=lookup("assignee", access_agent, actor, payload.assignee) if payload.assignee else None,
        language=payload.language or "",
        kind=MessageKind.CALL if call else MessageKind.REPLY,
        attachments=[AttachmentIn(a.filename, a.content_type, a.decoded()) for a in payload.attachments],
        call_direction=call.direction if call else "",
        call_duration_seconds=call.duration_seconds if call else None,
    )
    # The customer came with its organization joined; hand it to the ticket instead of reading it again.
    if ticket.organization_id is not None and ticket.organization_id == customer.organization_id:
        ticket.organization = customer.organization
    return 201, ticket_json(actor, ticket)


@router.post(
    "",
    response={201: TicketOut | TicketForCustomerOut},
    summary="Open a ticket",
    description="Agents open tickets for any customer of a brand they serve (by `customer_id`, or by email or "
    "phone in `customer`, creating the customer if new); customers open tickets for themselves. "
    "Honours `Idempotency-Key`.",
)
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> HttpResponse:
    actor = current_actor(request)
    return idempotent(
        request,
        actor,
        operation="create_ticket",
        payload=lambda: payload_json(payload),
        create=lambda: _create(actor, payload),
    )


@router.get(
    "",
    response={200: TicketPage | TicketForCustomerPage},
    summary="List tickets",
    description="Newest first. Customers see their own tickets (managers: their organization's).",
)
def list_tickets(request: HttpRequest, filters: Query[TicketFilterIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, TicketFilterIn)
    if not actor.is_agent and not actor.is_system:
        _refuse(filters, AGENT_ONLY_FILTERS)
    assignee = filters.assignee
    # The brand as an id, so that the database walks the (brand, status, id) index instead of sorting a join.
    brand_id = (
        brands_visible_to(actor).filter(slug=filters.brand).values_list("pk", flat=True).first()
        if filters.brand
        else None
    )
    qs = filter_tickets(
        actor,
        TicketFilters(
            status=[str(s) for s in filters.status] if filters.status else None,
            team_id=filters.team,
            assignee_id=int(assignee) if assignee and assignee != "none" else None,
            unassigned=assignee == "none",
            customer_id=filters.customer,
            organization_id=filters.organization,
            category_id=filters.category,
            channel=filters.channel,
            line=filters.line,
            priority=filters.priority,
            updated_since=filters.updated_since,
            brand_id=brand_id,
        ),
        details=False,
    )
    if filters.brand and brand_id is None:
        qs = qs.none()
    page = paginate(ticket_rows(qs), filters, serialize=lambda rows: ticket_rows_json(actor, rows))
    return json_response(200, page)


@router.get("/{number}", response={200: TicketOut | TicketForCustomerOut}, summary="Read a ticket")
def get_ticket(request: HttpRequest, number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    return json_response(200, ticket_rows_json(actor, [ticket_row(actor, number)])[0])


_NOT_NULL = ("subject", "status", "priority", "tags", "language")


@router.patch(
    "/{number}",
    response={200: TicketOut | TicketForCustomerOut},
    summary="Change a ticket",
    description="Agents change any of the fields sent; customers may only mark their ticket solved or closed, "
    "or reopen a solved one. With `version`, a ticket changed meanwhile answers 409 `ticket_changed`.",
)
def update_ticket(request: HttpRequest, payload: TicketUpdateIn, number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    ticket = access_ticket(actor, number)
    sent = payload.model_fields_set - {"version"}
    for name in _NOT_NULL:
        if name in sent and getattr(payload, name) is None:
            raise InvalidInput(_("%(field)s cannot be null.") % {"field": name}, field=name)
    if not actor.serves(ticket.brand_id):
        _refuse(payload, tuple(sorted(sent - {"status"})))
        if payload.status is not None:
            ticket_actions.change_status(ticket, actor=actor, status=payload.status, version=payload.version)
        return json_response(200, ticket_json(actor, access_ticket(actor, number)))
    changes: dict[str, Any] = {name: getattr(payload, name) for name in sent & {*_NOT_NULL}}
    if "category" in sent:
        changes["category"] = (
            lookup("category", access_category, actor, payload.category) if payload.category else None
        )
    if "team" in sent:
        changes["team"] = lookup("team", access_team, actor, payload.team) if payload.team else None
    if "assignee" in sent:
        changes["assignee"] = (
            lookup("assignee", access_agent, actor, payload.assignee) if payload.assignee else None
        )
    if changes or payload.version is not None:
        ticket_actions.update_ticket(ticket, actor=actor, version=payload.version, **changes)
    return json_response(200, ticket_json(actor, access_ticket(actor, number)))
