"""The Django admin shows configuration scoped like every other read."""

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.categories import create_category
from frontdesk.users.actors import SYSTEM


@pytest.fixture
def login(client):
    def _login(user):
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return _login


def test_agent_and_customer_and_outsider_cannot_open_the_admin(cast, login):
    for user in (cast.opera.line1, cast.opera.customer_user, cast.outsider):
        client = login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        client.logout()


def test_brand_admin_sees_only_their_brands_categories(cast, login):
    mine = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    theirs = create_category(cast.tours.brand, actor=SYSTEM, name="Visa documents")
    client = login(cast.opera.admin)
    listing = client.get("/admin/tickets/category/")
    assert listing.status_code == 200
    assert b"Refunds" in listing.content
    assert b"Visa documents" not in listing.content
    assert client.get(f"/admin/tickets/category/{mine.pk}/change/").status_code == 200
    # Another brand's object answers as if it did not exist.
    assert client.get(f"/admin/tickets/category/{theirs.pk}/change/").status_code == 302


def test_brand_admin_cannot_see_users_or_tokens_or_other_brands(cast, login):
    client = login(cast.opera.admin)
    assert client.get("/admin/users/user/").status_code == 403
    assert client.get("/admin/users/apitoken/").status_code == 403
    brands = client.get("/admin/brands/brand/")
    assert b"Opera Box Office" in brands.content
    assert b"Opera Tours" not in brands.content
    assert client.get("/admin/brands/brand/add/").status_code == 403


def test_brand_admin_adds_a_category_to_their_own_brand_only(cast, login):
    client = login(cast.opera.admin)
    form = client.get("/admin/tickets/category/add/")
    assert b"Opera Box Office" in form.content
    assert b"Opera Tours" not in form.content
    response = client.post(
        "/admin/tickets/category/add/", {"brand": cast.tours.brand.pk, "name": "Sneaky", "is_active": "on"}
    )
    assert response.status_code == 200  # the form is shown again with an error
    response = client.post(
        "/admin/tickets/category/add/",
        {"brand": cast.opera.brand.pk, "name": "Seat change", "is_active": "on"},
    )
    assert response.status_code == 302
    from frontdesk.tickets.models import Category

    assert Category.objects.get(name="Seat change").path == "Seat change"
    assert not Category.objects.filter(name="Sneaky").exists()


def test_provider_admin_sees_every_brand_and_the_users(cast, login):
    client = login(cast.provider_admin)
    brands = client.get("/admin/brands/brand/")
    assert b"Opera Box Office" in brands.content
    assert b"Opera Tours" in brands.content
    assert client.get("/admin/users/user/").status_code == 200


def test_tickets_are_read_only_in_the_admin(cast, login):
    ticket = cast.opera.ticket()
    client = login(cast.provider_admin)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get("/admin/tickets/ticket/add/").status_code == 403
