"""Scoped reads of people: what an actor may see, 404 for the rest."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet, Subquery

from frontdesk.brands.models import Brand
from frontdesk.core.errors import NotFound
from frontdesk.users.actors import Actor
from frontdesk.users.models import Customer, CustomerContact, Organization, Team, User


def brands_visible_to(actor: Actor) -> QuerySet[Brand]:
    """Agents: the brands they serve (provider admins: all). Customers: the brands that serve them."""
    if actor.sees_all_brands:
        return Brand.objects.all()
    ids = set(actor.agent_brand_ids) | set(actor.customer_ids)
    return Brand.objects.filter(pk__in=sorted(ids))


def access_brand(actor: Actor, slug: str) -> Brand:
    try:
        return brands_visible_to(actor).get(slug=slug)
    except Brand.DoesNotExist:
        raise NotFound("brand") from None


def access_brand_by_id(actor: Actor, brand_id: int) -> Brand:
    try:
        return brands_visible_to(actor).get(pk=brand_id)
    except Brand.DoesNotExist:
        raise NotFound("brand") from None


def customer_by_contact(
    brand_id: int, kind: str, value: str, *, related: tuple[str, ...] = ("organization",)
) -> Customer | None:
    """The brand's customer with this (normalized) email or phone, or None; no actor: for the channels.

    The contact is found through its unique (brand, kind, value) index first, whatever the planner's statistics
    say about the tables (a join ordered by the customer's brand walks every customer of a new brand)."""
    contact = CustomerContact.objects.filter(brand_id=brand_id, kind=kind, value=value).values("customer_id")[
        :1
    ]
    return Customer.objects.filter(pk=Subquery(contact), brand_id=brand_id).select_related(*related).first()


def customers_by_contacts(
    kind: str, pairs: Iterable[tuple[int, str]], *, related: tuple[str, ...] = ("organization",)
) -> dict[tuple[int, str], Customer]:
    """``customer_by_contact`` for many (brand id, normalized value) pairs in two queries; pairs with no
    customer are left out of the result."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = CustomerContact.objects.filter(
        kind=kind,
        brand_id__in=sorted({brand_id for brand_id, _value in wanted}),
        value__in=sorted({value for _brand_id, value in wanted}),
    ).values_list("brand_id", "value", "customer_id")
    found = {
        (brand_id, value): customer_id for brand_id, value, customer_id in rows if (brand_id, value) in wanted
    }
    customers = Customer.objects.filter(pk__in=sorted(set(found.values()))).select_related(*related).in_bulk()
    return {
        pair: customers[customer_id]
        for pair, customer_id in found.items()
        if customer_id in customers and customers[customer_id].brand_id == pair[0]
    }


def customers_visible_to(actor: Actor) -> QuerySet[Customer]:
    """Agents: customers of their brands. Customers: themselves and, for managers, their organization."""
    qs = Customer.objects.select_related("organization", "brand")
    if actor.is_system:
        return qs
    if actor.is_agent:
        return qs.filter(actor.brand_scope())
    if actor.is_customer:
        return qs.filter(
            Q(pk__in=sorted(actor.customer_ids.values()))
            | Q(organization_id__in=actor.managed_organization_ids)
        )
    return qs.none()


def access_customer(actor: Actor, customer_id: int) -> Customer:
    try:
        return customers_visible_to(actor).get(pk=customer_id)
    except Customer.DoesNotExist:
        raise NotFound("customer") from None


def organizations_visible_to(actor: Actor) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if actor.is_system:
        return qs
    if actor.is_agent:
        return qs.filter(actor.brand_scope())
    if actor.is_customer:
        return qs.filter(pk__in=sorted(actor.managed_organization_ids))
    return qs.none()


def access_organization(actor: Actor, organization_id: int) -> Organization:
    try:
        return organizations_visible_to(actor).get(pk=organization_id)
    except Organization.DoesNotExist:
        raise NotFound("organization") from None


def teams_visible_to(actor: Actor) -> QuerySet[Team]:
    """Agents: teams of their brands and the shared teams. Customers see no teams."""
    if actor.sees_all_brands:
        return Team.objects.all()
    if not actor.is_agent:
        return Team.objects.none()
    return Team.objects.filter(actor.brand_scope() | Q(brand__isnull=True))


def access_team(actor: Actor, team_id: int) -> Team:
    try:
        return teams_visible_to(actor).get(pk=team_id)
    except Team.DoesNotExist:
        raise NotFound("team") from None


def agents_visible_to(actor: Actor) -> QuerySet[User]:
    """Agents serving any brand the actor serves."""
    if not (actor.is_agent or actor.is_system):
        return User.objects.none()
    qs = User.objects.filter(is_active=True)
    if actor.sees_all_brands:
        return qs.filter(Q(memberships__isnull=False) | Q(is_provider_admin=True)).distinct()
    return qs.filter(
        Q(memberships__brand_id__in=sorted(actor.agent_brand_ids)) | Q(is_provider_admin=True)
    ).distinct()


def access_agent(actor: Actor, user_id: int) -> User:
    try:
        return agents_visible_to(actor).get(pk=user_id)
    except User.DoesNotExist:
        raise NotFound("agent") from None
