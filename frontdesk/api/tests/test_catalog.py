"""Brands, teams, categories and /me."""

from __future__ import annotations

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.tickets.models import Category

ISOLATION = [
    Case("list_brands", "GET", lambda w: "/brands", is_list=True, marker=lambda w: '"slug": "opera"'),
    Case("get_brand", "GET", lambda w: "/brands/opera"),
    Case("list_teams", "GET", lambda w: "/teams", is_list=True, marker=lambda w: "Opera Box Office Desk"),
    Case(
        "list_categories",
        "GET",
        lambda w: "/categories",
        is_list=True,
        marker=lambda w: "Refunds at the opera",
    ),
    Case(
        "create_category",
        "POST",
        lambda w: "/categories",
        lambda w: {"brand": "opera", "name": "Late arrival", "parent": w.category.pk},
        owner="admin",
    ),
    Case("get_me", "GET", lambda w: "/me", is_list=True, marker=lambda w: '"slug": "opera"'),
]

test_isolation = isolation_test(ISOLATION)


def test_agents_see_brand_settings_and_customers_only_the_public_face(api, cast):
    agent = api.get("/brands/opera", cast.opera.line1).body
    customer = api.get("/brands/opera", cast.opera.customer_user).body
    assert agent["ticket_prefix"] == "OPR"
    assert "ticket_prefix" not in customer
    assert "sender_addresses" not in customer
    assert customer["slug"] == "opera"


def test_provider_admin_sees_every_brand(api, cast):
    slugs = {b["slug"] for b in api.get("/brands", cast.provider_admin).body["items"]}
    assert slugs == {"opera", "opera-tours"}


def test_customers_see_no_teams(api, world):
    assert api.get("/teams", world.cast.opera.customer_user).body["items"] == []


def test_brand_admin_creates_a_sub_category_and_a_line_agent_may_not(api, world):
    cast = world.cast
    body = {"brand": "opera", "name": "Cancelled show", "parent": world.category.pk}
    assert_problem(api.post("/categories", cast.opera.line1, body), 403, "permission_denied")
    response = api.post("/categories", cast.opera.admin, body)
    assert response.status == 201, response.raw
    assert response.body["path"] == "Refunds at the opera / Cancelled show"
    assert Category.objects.filter(path="Refunds at the opera / Cancelled show").count() == 1


def test_a_parent_category_of_another_brand_is_404(api, world, cast):
    from frontdesk.tickets.categories import create_category
    from frontdesk.users.actors import SYSTEM

    tours_category = create_category(cast.tours.brand, actor=SYSTEM, name="Tours")
    response = api.post(
        "/categories", cast.opera.admin, {"brand": "opera", "name": "Mixed", "parent": tours_category.pk}
    )
    assert_problem(response, 404, "not_found", "parent")


def test_a_category_name_with_a_slash_is_422(api, cast):
    response = api.post("/categories", cast.opera.admin, {"brand": "opera", "name": "a/b"})
    assert_problem(response, 422, "invalid_input", "name")


def test_me_tells_agents_their_lines_and_customers_their_brands(api, cast):
    agent = api.get("/me", cast.opera.line2).body
    assert agent["kind"] == "agent"
    assert [(m["brand"]["slug"], m["line"]) for m in agent["agent_of"]] == [("opera", 2)]
    customer = api.get("/me", cast.opera.customer_user).body
    assert customer["kind"] == "customer"
    assert [c["brand"]["slug"] for c in customer["customer_of"]] == ["opera"]
    outsider = api.get("/me", cast.outsider).body
    assert (outsider["kind"], outsider["agent_of"], outsider["customer_of"]) == ("nobody", [], [])
