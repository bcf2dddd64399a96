"""The acknowledgement of a customer without an account carries a sign-in link: it makes the account (or links
the existing one), confirms the address and signs in, once; customers with an account and agents get none."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for_customer
from frontdesk.users.models import Customer

LINK = re.compile(r"http://[^/\s]+(/portal/opera/welcome/[^/\s\"]+/)")


@pytest.fixture
def mail_request(cast, django_capture_on_commit_callbacks):
    """A first request by mail from someone without an account; its acknowledgement went out."""

    def write(email="first@mail.example"):
        customer = user_actions.find_or_create_customer(
            cast.opera.brand, actor=SYSTEM, email=email, name="First"
        )
        with django_capture_on_commit_callbacks(execute=True):
            return ticket_actions.create_ticket(
                cast.opera.brand,
                actor=actor_for_customer(customer),
                customer=customer,
                subject="Where are my tickets?",
                body=make_body(text="Sent by mail."),
                channel=Channel.EMAIL,
            )

    return write


def _ack_link(email):
    (ack,) = [m for m in mail.outbox if m.to == [email]]
    html = ack.alternatives[0][0]
    link = LINK.search(ack.body).group(1)
    assert link in html
    return link


def test_acknowledgement_link_makes_the_account_and_signs_in_once(cast, client, mail_request):
    ticket = mail_request()
    link = _ack_link("first@mail.example")
    assert client.get(link).status_code == 200  # a button: a mail scanner's GET spends nothing
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/portal/opera/requests/"
    page = client.get("/portal/opera/requests/").content.decode()
    assert ticket.number in page
    customer = Customer.objects.select_related("user").get(pk=ticket.customer_id)
    assert customer.user.email == "first@mail.example"
    # Spent.
    client.logout()
    assert client.post(link).status_code == 404


def test_acknowledgement_link_is_in_the_customers_language(cast, mail_request):
    mail_request()
    (ack,) = [m for m in mail.outbox if m.to == ["first@mail.example"]]
    # The brand's first language is Russian.
    assert "Откройте эту ссылку" in ack.body


def test_customer_with_an_account_gets_no_sign_in_link(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast.opera.ticket("Tickets for Tosca")
    (ack,) = [m for m in mail.outbox if m.to == [cast.opera.customer.email]]
    assert "/welcome/" not in ack.body


def test_link_of_another_brand_does_not_sign_in(cast, client, mail_request):
    mail_request()
    link = _ack_link("first@mail.example").replace("/opera/", "/opera-tours/")
    assert client.post(link).status_code == 404
    assert not client.get("/portal/opera/").wsgi_request.user.is_authenticated


def test_link_to_an_agents_address_asks_for_the_password(cast, client, mail_request):
    agent = cast.opera.line1
    mail_request(email=agent.email)
    response = client.post(_ack_link(agent.email))
    assert response.status_code == 302
    assert response["Location"] == "/portal/opera/signin/"
    assert not client.get("/portal/opera/").wsgi_request.user.is_authenticated


def test_a_call_written_down_by_an_agent_is_acknowledged_with_the_sign_in_link(
    cast, client, django_capture_on_commit_callbacks
):
    from frontdesk.users.actors import actor_for

    agent = actor_for(cast.opera.line1)
    caller = user_actions.find_or_create_customer(
        cast.opera.brand, actor=agent, email="caller@mail.example", name="Caller"
    )
    phone_only = user_actions.find_or_create_customer(cast.opera.brand, actor=agent, phone="+48 22 123 45 67")
    tickets = []
    with django_capture_on_commit_callbacks(execute=True):
        for customer in (caller, phone_only):
            tickets.append(
                ticket_actions.create_ticket(
                    cast.opera.brand,
                    actor=agent,
                    customer=customer,
                    subject="Called about a refund",
                    body=make_body(text="The caller wants a refund."),
                    channel=Channel.PHONE,
                )
            )
    # The customer with only a phone number gets no mail.
    (ack,) = mail.outbox
    assert ack.to == ["caller@mail.example"]
    assert "Спасибо за звонок" in ack.body
    assert client.post(_ack_link("caller@mail.example")).status_code == 302
    page = client.get("/portal/opera/requests/").content.decode()
    assert tickets[0].number in page
    assert tickets[1].number not in page
