"""The portal's start page and layout: found by the brand's slug or its own host, in the brand's look and
languages, and never showing another brand."""

from __future__ import annotations

import pytest
from django.test import override_settings

from frontdesk.testing.cast import PASSWORD


def test_portal_home_shows_the_brand_in_its_first_language(cast, client):
    page = client.get("/portal/opera/", HTTP_ACCEPT_LANGUAGE="pl")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Opera Box Office" in text
    assert "Opera Tours" not in text
    # The brand speaks ru and en; Polish from the browser is not among them.
    assert page["Content-Language"] == "ru"
    assert '<html lang="ru"' in text
    assert 'href="#content"' in text  # the skip link


def test_portal_follows_the_browser_among_the_brands_languages(cast, client):
    page = client.get("/portal/opera/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert page["Content-Language"] == "en"
    assert "Search our answers" in page.content.decode()
    assert 'href="/portal/opera/kb/"' in page.content.decode()  # every answer by topic, one click away


def test_language_switch_offers_only_the_brands_languages_and_is_remembered(cast, client):
    text = client.get("/portal/opera/").content.decode()
    assert 'value="ru"' in text
    assert 'value="en"' in text
    assert 'value="pl"' not in text
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/opera/"})
    assert client.get("/portal/opera/")["Content-Language"] == "en"


def test_brand_colour_and_a_readable_text_colour_reach_the_layout(cast, client):
    brand = cast.opera.brand
    brand.primary_color = "#ffdd00"
    brand.save(update_fields=["primary_color"])
    text = client.get("/portal/opera/").content.decode()
    assert "--accent: #ffdd00; --on-accent: #000000" in text


def test_unknown_or_inactive_brand_is_404(cast, client):
    assert client.get("/portal/no-such-brand/").status_code == 404
    brand = cast.tours.brand
    brand.is_active = False
    brand.save(update_fields=["is_active"])
    assert client.get("/portal/opera-tours/").status_code == 404
    # The look-alike slug does not reach the other brand.
    assert client.get("/portal/opera/").status_code == 200


def test_signed_in_customer_is_the_customer_of_this_brand_only(cast, client):
    client.login(email=cast.opera.customer_user.email, password=PASSWORD)
    response = client.get("/portal/opera/")
    assert response.wsgi_request.portal.customer == cast.opera.customer
    assert response.wsgi_request.portal.actor.customer_ids == {cast.opera.brand.pk: cast.opera.customer.pk}
    response = client.get("/portal/opera-tours/")
    assert response.wsgi_request.portal.customer is None
    assert not response.wsgi_request.portal.actor.customer_ids


def test_person_who_is_a_customer_of_both_brands_acts_in_each_as_that_brands_customer(cast, client):
    from frontdesk.users import actions as user_actions
    from frontdesk.users.actors import SYSTEM

    user = cast.opera.customer_user
    theirs = user_actions.create_customer(cast.tours.brand, actor=SYSTEM, emails=[user.email], user=user)
    client.login(email=user.email, password=PASSWORD)
    portal = client.get("/portal/opera-tours/").wsgi_request.portal
    assert portal.customer == theirs
    assert portal.actor.customer_ids == {cast.tours.brand.pk: theirs.pk}


def test_agent_visiting_a_portal_is_no_customer_there(cast, client):
    client.login(email=cast.opera.line1.email, password=PASSWORD)
    portal = client.get("/portal/opera/").wsgi_request.portal
    assert portal.customer is None
    assert not portal.actor.is_agent


@pytest.fixture
def own_host(cast):
    brand = cast.opera.brand
    brand.portal_host = "help.opera.example"
    brand.save(update_fields=["portal_host"])
    with override_settings(ALLOWED_HOSTS=["help.opera.example", "testserver"]):
        yield brand


def test_brand_with_its_own_host_has_its_portal_at_the_root_of_it(own_host, client):
    page = client.get("/", HTTP_HOST="help.opera.example")
    assert page.status_code == 200
    assert "Opera Box Office" in page.content.decode()
    assert page.wsgi_request.portal.on_host
    # Its links lead to the root of the host.
    assert '<a class="portal-brand" href="/">' in page.content.decode()
    # The desk and the admin are not served on a portal host.
    assert client.get("/desk/queues/", HTTP_HOST="help.opera.example").status_code == 404
    assert client.get("/admin/", HTTP_HOST="help.opera.example").status_code == 404
    # The same portal is still under /portal/<slug>/ on the main site, and the main site is unchanged.
    assert '<a class="portal-brand" href="/portal/opera/">' in client.get("/portal/opera/").content.decode()


def test_own_host_serves_sign_in_and_requests_at_its_root(own_host, cast, client):
    page = client.get("/signin/", HTTP_HOST="help.opera.example")
    assert page.status_code == 200
    assert 'action="/signin/"' in page.content.decode()
    response = client.post(
        "/signin/",
        {"login": cast.opera.customer_user.email, "password": PASSWORD},
        HTTP_HOST="help.opera.example",
    )
    assert response["Location"] == "/requests/"
    ticket = cast.opera.ticket("Tickets for Tosca")
    assert ticket.number in client.get("/requests/", HTTP_HOST="help.opera.example").content.decode()
    # The other brand's customer signed in on this host sees nothing of it.
    client.logout()
    client.login(email=cast.tours.customer_user.email, password=PASSWORD)
    assert client.get(f"/tickets/{ticket.number}/", HTTP_HOST="help.opera.example").status_code == 404
