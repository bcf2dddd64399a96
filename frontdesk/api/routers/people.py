"""Customers and organizations, for agents of the brands they belong to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from frontdesk.api.auth import current_actor
from frontdesk.api.idempotency import idempotent, json_response, to_json
from frontdesk.api.pagination import page_schema, paginate
from frontdesk.api.presenters import customers_json
from frontdesk.api.routers.common import id_path, lookup, one_or_404, payload_json, refuse_unknown_params
from frontdesk.api.schemas.people import (
    CustomerCreateIn,
    CustomerFilterIn,
    CustomerOut,
    CustomerUpdateIn,
    OrganizationCreateIn,
    OrganizationFilterIn,
    OrganizationOut,
)
from frontdesk.core.errors import NotFound
from frontdesk.users import actions as user_actions
from frontdesk.users.queries import (
    access_brand,
    access_organization,
    customers_visible_to,
    organizations_visible_to,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from frontdesk.users.actors import Actor
    from frontdesk.users.models import Customer

customers = Router(tags=["customers"])
organizations = Router(tags=["organizations"])

CustomerPage = page_schema(CustomerOut, "CustomerPage")
OrganizationPage = page_schema(OrganizationOut, "OrganizationPage")


def _for_agents(actor: Actor, what: str) -> None:
    """People records are the agents' business; customers and strangers find nothing here."""
    if not (actor.is_agent or actor.is_system):
        raise NotFound(what)


def _customers(actor: Actor) -> QuerySet[Customer]:
    return customers_visible_to(actor).prefetch_related("contacts")


def _customer_json(actor: Actor, customer_id: int) -> dict[str, Any]:
    return customers_json([one_or_404(_customers(actor).filter(pk=customer_id), "customer")])[0]


@customers.get("", response={200: CustomerPage}, summary="List customers", description="Newest first.")
def list_customers(request: HttpRequest, filters: Query[CustomerFilterIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, CustomerFilterIn)
    qs = _customers(actor) if actor.is_agent or actor.is_system else _customers(actor).none()
    if filters.brand:
        qs = qs.filter(brand__slug=filters.brand)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    if filters.email:
        qs = qs.filter(contacts__kind="email", contacts__value=filters.email.strip().lower())
    return json_response(200, paginate(qs, filters, serialize=customers_json))


@customers.post(
    "", response={201: CustomerOut}, summary="Create a customer", description="Honours `Idempotency-Key`."
)
def create_customer(request: HttpRequest, payload: CustomerCreateIn) -> HttpResponse:
    actor = current_actor(request)

    def run() -> tuple[int, Any]:
        _for_agents(actor, "brand")
        brand = lookup("brand", access_brand, actor, payload.brand)
        organization = (
            lookup("organization", access_organization, actor, payload.organization)
            if payload.organization
            else None
        )
        customer = user_actions.create_customer(
            brand,
            actor=actor,
            name=payload.name,
            emails=payload.emails,
            phones=payload.phones,
            language=payload.language,
            organization=organization,
            is_organization_manager=payload.is_organization_manager,
        )
        return 201, _customer_json(actor, customer.pk)

    return idempotent(request, actor, operation="create_customer", payload=payload_json(payload), create=run)


@customers.get("/{customer_id}", response={200: CustomerOut}, summary="Read a customer")
def get_customer(request: HttpRequest, customer_id: int = id_path("The customer id.")) -> HttpResponse:
    actor = current_actor(request)
    _for_agents(actor, "customer")
    return json_response(200, _customer_json(actor, customer_id))


@customers.patch(
    "/{customer_id}",
    response={200: CustomerOut},
    summary="Change a customer",
    description="Only the fields sent change; `organization: null` removes the customer from it.",
)
def update_customer(
    request: HttpRequest, payload: CustomerUpdateIn, customer_id: int = id_path("The customer id.")
) -> HttpResponse:
    actor = current_actor(request)
    _for_agents(actor, "customer")
    customer = one_or_404(_customers(actor).filter(pk=customer_id), "customer")
    sent = payload.model_fields_set
    organization: Any = False
    if "organization" in sent:
        organization = (
            lookup("organization", access_organization, actor, payload.organization)
            if payload.organization
            else None
        )
    user_actions.update_customer(
        customer,
        actor=actor,
        name=payload.name,
        language=payload.language,
        organization=organization,
        is_organization_manager=payload.is_organization_manager,
        add_emails=payload.add_emails,
        add_phones=payload.add_phones,
    )
    return json_response(200, _customer_json(actor, customer_id))


def _organizations(actor: Actor) -> Any:
    if not (actor.is_agent or actor.is_system):
        return organizations_visible_to(actor).none()
    return organizations_visible_to(actor).select_related("brand")


def _organization_json(organization: Any) -> dict[str, Any]:
    return to_json(OrganizationOut.from_orm(organization).model_dump())


@organizations.get(
    "", response={200: OrganizationPage}, summary="List organizations", description="Newest first."
)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilterIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, OrganizationFilterIn)
    qs = _organizations(actor)
    if filters.brand:
        qs = qs.filter(brand__slug=filters.brand)
    return json_response(
        200, paginate(qs, filters, serialize=lambda rows: [_organization_json(o) for o in rows])
    )


@organizations.post(
    "",
    response={201: OrganizationOut},
    summary="Create an organization",
    description="Honours `Idempotency-Key`.",
)
def create_organization(request: HttpRequest, payload: OrganizationCreateIn) -> HttpResponse:
    actor = current_actor(request)

    def run() -> tuple[int, Any]:
        _for_agents(actor, "brand")
        brand = lookup("brand", access_brand, actor, payload.brand)
        organization = user_actions.create_organization(
            brand, actor=actor, name=payload.name, domains=payload.domains
        )
        return 201, _organization_json(organization)

    return idempotent(
        request, actor, operation="create_organization", payload=payload_json(payload), create=run
    )


@organizations.get("/{organization_id}", response={200: OrganizationOut}, summary="Read an organization")
def get_organization(
    request: HttpRequest, organization_id: int = id_path("The organization id.")
) -> HttpResponse:
    actor = current_actor(request)
    organization = one_or_404(_organizations(actor).filter(pk=organization_id), "organization")
    return json_response(200, _organization_json(organization))
