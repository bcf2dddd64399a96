"""Brands, teams, categories and the caller: the configuration a client needs to file and route tickets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.params.functions import Path

from frontdesk.api.auth import current_actor
from frontdesk.api.idempotency import idempotent, json_response, to_json
from frontdesk.api.pagination import PageIn, page_schema, paginate
from frontdesk.api.presenters import brands_json
from frontdesk.api.routers.common import lookup, payload_json, refuse_unknown_params
from frontdesk.api.schemas.people import (
    BrandForCustomerOut,
    BrandOut,
    CategoryCreateIn,
    CategoryFilterIn,
    CategoryOut,
    MeOut,
    TeamOut,
)
from frontdesk.tickets.categories import create_category as create_category_action
from frontdesk.tickets.queries import access_category, categories_visible_to
from frontdesk.users.queries import access_brand, brands_visible_to, teams_visible_to

if TYPE_CHECKING:
    from frontdesk.users.actors import Actor

brands = Router(tags=["brands"])
teams = Router(tags=["teams"])
categories = Router(tags=["categories"])
me = Router(tags=["me"])

BrandPage = page_schema(BrandOut | BrandForCustomerOut, "BrandPage")  # type: ignore[arg-type]
TeamPage = page_schema(TeamOut, "TeamPage")
CategoryPage = page_schema(CategoryOut, "CategoryPage")


@brands.get(
    "",
    response={200: BrandPage},
    summary="List brands",
    description="Agents see the brands they serve in full; customers the public face of the brands serving them.",
)
def list_brands(request: HttpRequest, page: Query[PageIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, PageIn)
    qs = brands_visible_to(actor)
    return json_response(
        200, paginate(qs, page, newest_first=False, serialize=lambda rows: brands_json(actor, rows))
    )


@brands.get("/{slug}", response={200: BrandOut | BrandForCustomerOut}, summary="Read a brand")
def get_brand(
    request: HttpRequest, slug: str = Path(..., max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
) -> HttpResponse:
    actor = current_actor(request)
    return json_response(200, brands_json(actor, [access_brand(actor, slug)])[0])


@teams.get(
    "", response={200: TeamPage}, summary="List teams", description="Agents only: their brands' and shared."
)
def list_teams(request: HttpRequest, filters: Query[CategoryFilterIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, CategoryFilterIn)
    qs = teams_visible_to(actor).select_related("brand")
    if filters.brand:
        qs = qs.filter(brand__slug=filters.brand)
    return json_response(
        200,
        paginate(
            qs,
            filters,
            newest_first=False,
            serialize=lambda rows: to_json([TeamOut.from_orm(t).model_dump() for t in rows]),
        ),
    )


def _category_json(category: Any) -> dict[str, Any]:
    return to_json(CategoryOut.from_orm(category).model_dump())


@categories.get(
    "",
    response={200: CategoryPage},
    summary="List categories",
    description="Agents: all of their brands'; customers: the active ones of the brands serving them.",
)
def list_categories(request: HttpRequest, filters: Query[CategoryFilterIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, CategoryFilterIn)
    qs = categories_visible_to(actor).select_related("brand")
    if filters.brand:
        qs = qs.filter(brand__slug=filters.brand)
    return json_response(
        200,
        paginate(qs, filters, newest_first=False, serialize=lambda rows: [_category_json(c) for c in rows]),
    )


@categories.post(
    "",
    response={201: CategoryOut},
    summary="Create a category",
    description="Brand admins; `parent` makes it a sub-category. Honours `Idempotency-Key`.",
)
def create_category(request: HttpRequest, payload: CategoryCreateIn) -> HttpResponse:
    actor = current_actor(request)

    def run() -> tuple[int, Any]:
        brand = lookup("brand", access_brand, actor, payload.brand)
        parent = lookup("parent", access_category, actor, payload.parent) if payload.parent else None
        category = create_category_action(brand, actor=actor, name=payload.name, parent=parent)
        return 201, _category_json(category)

    return idempotent(request, actor, operation="create_category", payload=payload_json(payload), create=run)


def _brand_refs(actor: Actor) -> dict[int, dict[str, Any]]:
    ids = set(actor.agent_lines) | set(actor.customer_ids)
    if not ids:
        return {}
    return {
        b.pk: {"id": b.pk, "slug": b.slug, "name": b.name}
        for b in brands_visible_to(actor).filter(pk__in=ids)
    }


@me.get(
    "", response={200: MeOut}, summary="Who am I", description="The caller, their brands and their lines."
)
def get_me(request: HttpRequest) -> HttpResponse:
    actor = current_actor(request)
    user: Any = request.user
    refs = _brand_refs(actor)
    body = {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "kind": str(actor.kind),
        "language": user.language,
        "time_zone": user.time_zone,
        "is_provider_admin": actor.is_provider_admin,
        "agent_of": [
            {"brand": refs[b], "line": line, "is_brand_admin": b in actor.admin_brand_ids}
            for b, line in sorted(actor.agent_lines.items())
            if b in refs
        ],
        "customer_of": [
            {
                "brand": refs[b],
                "customer_id": cid,
                "manages_organization": bool(actor.managed_organization_ids),
            }
            for b, cid in sorted(actor.customer_ids.items())
            if b in refs
        ],
    }
    return json_response(200, to_json(MeOut.model_validate(body).model_dump()))
