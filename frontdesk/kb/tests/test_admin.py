"""The knowledge base in the Django admin: scoped to the brand admin's brands, articles read-only."""

from __future__ import annotations

import json

import pytest

from frontdesk.kb import actions
from frontdesk.kb.models import Category
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import actor_for


@pytest.fixture
def login(client):
    def _login(user):
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return _login


def test_a_brand_admin_sees_only_their_brands_articles_and_cannot_change_them(cast, login, write_article):
    mine = write_article(title="Opera seat map")
    theirs = write_article(cast.tours, title="Tours visa letter")
    client = login(cast.opera.admin)

    listing = client.get("/admin/kb/article/")
    assert listing.status_code == 200
    assert f"/admin/kb/article/{mine.pk}/change/".encode() in listing.content
    assert f"/admin/kb/article/{theirs.pk}/change/".encode() not in listing.content
    assert client.get(f"/admin/kb/article/{mine.pk}/change/").status_code == 200
    assert b"Opera seat map" in client.get(f"/admin/kb/article/{mine.pk}/change/").content
    assert client.get(f"/admin/kb/article/{theirs.pk}/change/").status_code == 302
    assert client.get("/admin/kb/article/add/").status_code == 403


def test_a_brand_admin_adds_a_category_to_their_brand_through_the_action(cast, login):
    actions.create_category(
        cast.tours.brand, actor=actor_for(cast.tours.admin), slug="visas", names={"en": "V"}
    )
    client = login(cast.opera.admin)
    assert b"visas" not in client.get("/admin/kb/category/").content

    response = client.post(
        "/admin/kb/category/add/",
        {"brand": cast.opera.brand.pk, "slug": "seats", "names": json.dumps({"en": "Seats"}), "position": 1},
    )

    assert response.status_code == 302, response.content[:2000]
    category = Category.objects.get(slug="seats")
    assert (category.brand_id, category.names) == (cast.opera.brand.pk, {"en": "Seats"})
    sneaky = client.post(
        "/admin/kb/category/add/",
        {"brand": cast.tours.brand.pk, "slug": "sneaky", "names": json.dumps({"en": "S"}), "position": 1},
    )
    assert sneaky.status_code == 200  # shown again with an error
    assert not Category.objects.filter(slug="sneaky").exists()


def test_agents_and_customers_do_not_get_into_the_admin(cast, login):
    for user in (cast.opera.line1, cast.opera.customer_user, cast.outsider):
        client = login(user)
        assert client.get("/admin/kb/article/").status_code == 302
        client.logout()
