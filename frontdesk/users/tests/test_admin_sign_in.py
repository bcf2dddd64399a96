"""The settings (the admin site) for brand admins: signing in through the one sign-in page, and the way there
from the desk."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from frontdesk.testing.cast import PASSWORD


def _next_of(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == "/accounts/login/"
    return parse_qs(parts.query)["next"][0]


def test_someone_not_signed_in_is_sent_to_the_sign_in_page_and_back_to_the_admin(client):
    response = client.get("/admin/login/", {"next": "/admin/brands/brand/"})

    assert response.status_code == 302
    assert _next_of(response["Location"]) == "/admin/brands/brand/"
    assert _next_of(client.get("/admin/login/")["Location"]) == "/admin/"


def test_a_next_address_on_another_site_is_replaced_by_the_admin(client):
    response = client.get("/admin/login/", {"next": "https://evil.example/admin/"})

    assert _next_of(response["Location"]) == "/admin/"


def test_a_brand_admin_signs_in_on_the_sign_in_page_and_reaches_the_admin(cast, client):
    response = client.post(
        "/accounts/login/", {"login": cast.opera.admin.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_someone_signed_in_without_access_gets_the_admins_own_page_not_a_loop(cast, client):
    client.force_login(cast.opera.line1)

    response = client.get("/admin/login/", {"next": "/admin/"})

    assert response.status_code == 200
    assert b"not authorized" in response.content


def test_the_header_links_brand_and_provider_admins_to_the_settings_and_no_one_else(cast, client):
    for user, shown in (
        (cast.opera.admin, True),
        (cast.provider_admin, True),
        (cast.opera.line1, False),
        (cast.opera.customer_user, False),
    ):
        client.force_login(user)
        page = client.get("/", follow=True).content.decode()
        assert ('class="settings-link" href="/admin/"' in page) is shown, user
        client.logout()


def test_the_desks_own_address_opens_the_queues(cast, client):
    client.force_login(cast.opera.line1)

    response = client.get("/desk/")

    assert response.status_code == 302
    assert response["Location"] == "/desk/queues/"
