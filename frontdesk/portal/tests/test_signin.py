"""Signing in to a brand's portal by password or by an emailed code, signing up, recovering a password and
signing out: allauth's flows in the brand's look, leading back into the portal, and making the person that
brand's customer only once their address is proven."""

from __future__ import annotations

import re

from django.core import mail

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for_customer
from frontdesk.users.models import Customer


def _mail_ticket(brand, email, subject="Where are my tickets?"):
    """A request from a customer who wrote by mail and has no account."""
    customer = user_actions.find_or_create_customer(brand, actor=SYSTEM, email=email, name="Mail Writer")
    return ticket_actions.create_ticket(
        brand,
        actor=actor_for_customer(customer),
        customer=customer,
        subject=subject,
        body=make_body(text="Sent by mail."),
        channel=Channel.EMAIL,
    )


def test_sign_in_page_is_in_the_brands_look_and_language(cast, client):
    page = client.get("/portal/opera/signin/")
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Language"] == "ru"
    assert "Opera Box Office" in text
    assert 'href="/portal/opera/signin/code/"' in text
    assert 'href="/portal/opera/signup/"' in text


def test_customer_signs_in_with_a_password_and_lands_on_their_requests(cast, client):
    ticket = cast.opera.ticket("Tickets for Tosca")
    response = client.post(
        "/portal/opera/signin/", {"login": cast.opera.customer_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/opera/requests/"
    assert ticket.number in client.get("/portal/opera/requests/").content.decode()


def test_sign_in_follows_a_safe_next_page_only(cast, client):
    data = {"login": cast.opera.customer_user.email, "password": PASSWORD}
    response = client.post("/portal/opera/signin/?next=/portal/opera/lookup/", data)
    assert response["Location"] == "/portal/opera/lookup/"
    client.logout()
    response = client.post("/portal/opera/signin/?next=https://evil.example/", data)
    assert response["Location"] == "/portal/opera/requests/"


def test_wrong_password_is_a_form_error(cast, client):
    response = client.post(
        "/portal/opera/signin/", {"login": cast.opera.customer_user.email, "password": "no"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_sign_in_by_code_proves_the_address_and_links_the_mail_customer(cast, client):
    ticket = _mail_ticket(cast.opera.brand, "writer@mail.example")
    user_actions.create_user(email="writer@mail.example", password="another-long-password")
    response = client.post("/portal/opera/signin/code/", {"email": "writer@mail.example"})
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/opera/signin/code/confirm/")
    (message,) = [m for m in mail.outbox if "writer@mail.example" in m.to]
    code = re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]+)?)\s*$", message.body, re.MULTILINE).group(1)
    assert client.get(response["Location"]).status_code == 200
    confirmed = client.post("/portal/opera/signin/code/confirm/", {"code": code})
    assert confirmed.status_code == 302
    page = client.get("/portal/opera/requests/").content.decode()
    assert ticket.number in page
    assert Customer.objects.get(pk=ticket.customer_id).user.email == "writer@mail.example"


def test_sign_up_makes_an_account_but_shows_nothing_until_the_address_is_proven(cast, client):
    ticket = _mail_ticket(cast.opera.brand, "claimer@mail.example")
    response = client.post(
        "/portal/opera/signup/",
        {
            "email": "claimer@mail.example",
            "password1": "a-long-new-password",
            "password2": "a-long-new-password",
        },
    )
    assert response.status_code == 302
    page = client.get("/portal/opera/requests/")
    assert page.status_code == 200
    assert ticket.number not in page.content.decode()
    assert 'action="/portal/opera/signin/confirm-address/"' in page.content.decode()
    assert Customer.objects.get(pk=ticket.customer_id).user_id is None
    # Asking for a code signs out and sends one to the address.
    mail.outbox.clear()
    response = client.post("/portal/opera/signin/confirm-address/", {"next": "/portal/opera/requests/"})
    assert response["Location"].startswith("/portal/opera/signin/code/confirm/")
    assert [m.to for m in mail.outbox] == [["claimer@mail.example"]]


def test_password_recovery_mails_a_link(cast, client):
    response = client.post("/portal/opera/password/reset/", {"email": cast.opera.customer_user.email})
    assert response.status_code == 302
    assert response["Location"] == "/portal/opera/password/reset/sent/"
    assert [m.to for m in mail.outbox] == [[cast.opera.customer_user.email]]
    assert client.get(response["Location"]).status_code == 200


def test_sign_out(cast, sign_in):
    client = sign_in(cast.opera.customer_user)
    assert client.get("/portal/opera/signout/").status_code == 405
    response = client.post("/portal/opera/signout/")
    assert response["Location"] == "/portal/opera/"
    assert client.get("/portal/opera/requests/").status_code == 302


def test_signed_in_agent_is_no_customer_on_a_portal_and_sees_no_requests(cast, sign_in):
    cast.opera.ticket("Tickets for Tosca")
    page = sign_in(cast.opera.line1).get("/portal/opera/requests/").content.decode()
    assert "OPR-" not in page


def test_password_reset_mail_is_the_brands_and_its_link_sets_a_password_in_the_portal(cast, client):
    client.post("/portal/opera/password/reset/", {"email": cast.opera.customer_user.email})
    (message,) = mail.outbox
    assert message.subject.startswith("[Opera Box Office] ")
    assert "Opera Box Office" in message.from_email
    path = re.search(r"http://[^/\s]+(/portal/opera/password/reset/key/\S+/)", message.body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert form_page.redirect_chain[-1][0].endswith("-set-password/")  # the key leaves the address
    assert "Opera Box Office" in form_page.content.decode()
    new = "a-brand-new-password-42"
    done = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    assert done["Location"] == "/portal/opera/signin/"
    client.logout()
    assert client.login(email=cast.opera.customer_user.email, password=new)


def test_password_reset_outside_the_portal_keeps_allauths_own_mail(cast, client):
    client.post("/accounts/password/reset/", {"email": cast.opera.line1.email})
    (message,) = mail.outbox
    assert "Opera Box Office" not in message.subject
    assert "/accounts/password/reset/key/" in message.body


def test_agent_with_a_proven_address_does_not_become_a_customer_of_their_own_brand(cast, client):
    from allauth.account.models import EmailAddress

    agent = cast.opera.line1
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    client.login(email=agent.email, password=PASSWORD)
    client.get("/portal/opera/")
    assert not Customer.objects.filter(brand=cast.opera.brand, user=agent).exists()
    # On a brand they do not serve they are a customer like anyone.
    client.get("/portal/opera-tours/")
    assert Customer.objects.filter(brand=cast.tours.brand, user=agent).exists()
