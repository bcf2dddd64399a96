"""Scoped reads of people: what an actor may see, 404 for the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Subquery

from frontdesk.brands.models import Brand
from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.core.search import Kind, Source, backend_for, parse_query
from frontdesk.users.actors import Actor
from frontdesk.users.choices import ContactKind
from frontdesk.users.contacts import normalize_email, normalize_phone
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


# Callers ----------------------------------------------------------------------------------------------------

# The search indexes of customer names and contact values (installed with the ticket search, which reads them
# too: tickets.search).
CALLER_NAME = Source("customer_name", "users_customer", "name", Kind.NAMES)
CALLER_CONTACT = Source("contact_value", "users_customercontact", "value", Kind.SUBSTRING, key="customer_id")
MAX_CALLERS = 20
# A whole email or phone number typed in outranks a piece of one, which outranks a name.
# Each adds its rank (0 to 1) to its weight.
_EXACT, _PIECE, _NAME = 10.0, 5.0, 1.0
# A phone number typed with separators, perhaps starting with 00 for the international prefix.
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass(frozen=True)
class CallerHit:
    customer: Customer
    # ``exact`` (a whole email or phone), ``contact`` (a piece of one) or ``name``.
    found: str


def _exact_contact(text: str) -> tuple[str, str] | None:
    """The normalized (kind, value) of a whole email address or phone number, or None."""
    kind, normalize = (
        (ContactKind.EMAIL, normalize_email) if "@" in text else (ContactKind.PHONE, normalize_phone)
    )
    try:
        return kind, normalize(text)
    except InvalidInput:
        return None


def find_callers(actor: Actor, text: str | None, *, limit: int = 10) -> list[CallerHit]:
    """The customers of the actor's brands whose phone or email contains what was typed (``123-45``,
    ``kowalski@``, ``0048 22 …`` as ``+48 22 …``) or whose name is close to it (a typo forgiven), best first:
    a whole phone or email, then pieces, then names. Two statements whatever matches (three on PostgreSQL, where
    the search is prepared first); agents only, others find no one.

    Raises ``InvalidInput`` (field ``q``) for an empty or too long query."""
    query = parse_query(text)
    if not (actor.is_agent or actor.is_system):
        return []
    limit = max(1, min(limit, MAX_CALLERS))
    if _PHONE_LIKE.match(query.text) and query.needle.startswith("00"):
        query = replace(query, needle="+" + query.needle[2:])
    if actor.sees_all_brands:
        where, params = "", []
    else:
        brands = sorted(actor.agent_brand_ids)
        where, params = "src.brand_id IN (" + ", ".join(["%s"] * len(brands)) + ")", list(brands)
    parts: list[tuple[str, list[Any]]] = []
    exact = _exact_contact(query.text)
    if exact is not None:
        sql = "SELECT src.customer_id AS key, %s AS score FROM users_customercontact src WHERE src.kind = %s AND src.value = %s"
        parts.append((sql + (f" AND ({where})" if where else ""), [_EXACT, *exact, *params]))
    backend = backend_for(connection)
    for source, weight in ((CALLER_CONTACT, _PIECE), (CALLER_NAME, _NAME)):
        match = backend.match(source, query, limit=limit, where=where, params=params)
        if match is not None:
            parts.append((f"SELECT key, {weight} + rank AS score FROM ({match.sql}) AS m", match.params))  # noqa: S608 - numbers
    if not parts:
        return []
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS p{i}" for i, (sql, _) in enumerate(parts))  # noqa: S608 - built above
    scores: dict[int, float] = {}
    with transaction.atomic() if backend.needs_transaction else nullcontext():
        backend.prepare(connection, (CALLER_CONTACT, CALLER_NAME))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, MAX(score) FROM ({union}) AS hits GROUP BY key",  # noqa: S608 - built above
                [p for _, ps in parts for p in ps],
            )
            for key, score in cursor.fetchall():
                scores[key] = float(score)
    best = sorted(scores, key=lambda key: (-scores[key], -key))[:limit]
    found = customers_visible_to(actor).filter(pk__in=best).order_by().in_bulk()
    return [CallerHit(found[key], _found(scores[key])) for key in best if key in found]


def _found(score: float) -> str:
    if score >= _EXACT:
        return "exact"
    return "contact" if score >= _PIECE else "name"


def customer_contacts(customer: Customer) -> QuerySet[CustomerContact]:
    """The emails and phones of a customer the caller has already read through ``customers_visible_to``."""
    return CustomerContact.objects.filter(customer_id=customer.pk, brand_id=customer.brand_id).order_by(
        "kind", "id"
    )
