"""Status by number without an account: the same answer whether or not the pair exists, a one-time link by
mail for the real pair, rate limits, and a link that opens one request in one browser session."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail

from frontdesk.portal import lookup
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.queries import events_visible_to, messages_visible_to
from frontdesk.users.actors import SYSTEM

URL = "/portal/opera/lookup/"
LINK = re.compile(r"http://[^/]+(/portal/opera/lookup/[^/\s\"]+/)")


@pytest.fixture
def ticket(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket("Tickets for Tosca")
    mail.outbox.clear()
    return ticket


def _ask(client, number, email, capture):
    with capture(execute=True):
        return client.post(URL, {"number": number, "email": email})


def _link_in(outbox):
    """The look-up link of the one mail in ``outbox`` that carries one."""
    (link,) = [m.group(1) for m in (LINK.search(message.body) for message in outbox) if m]
    return link


def test_the_answer_is_the_same_for_an_existing_and_a_missing_pair(
    cast, client, ticket, django_capture_on_commit_callbacks
):
    email = cast.opera.customer.email
    real = _ask(client, ticket.number, email, django_capture_on_commit_callbacks)
    wrong_email = _ask(client, ticket.number, "someone@else.example", django_capture_on_commit_callbacks)
    missing = _ask(client, "OPR-26-999999", email, django_capture_on_commit_callbacks)
    assert real.status_code == wrong_email.status_code == missing.status_code == 200

    def strip(response, number, address):
        text = response.content.decode().replace(number, "N").replace(address, "E")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert strip(real, ticket.number, email) == strip(wrong_email, ticket.number, "someone@else.example")
    assert strip(real, ticket.number, email) == strip(missing, "OPR-26-999999", email)
    # Only the real pair got a mail, to that address, with the request's number.
    assert [m.to for m in mail.outbox] == [[email]]
    assert ticket.number in mail.outbox[0].subject
    events = [e.kind for e in events_visible_to(SYSTEM, ticket)]
    assert events.count(EventKind.ACCESS_LINK_SENT) == 1


def test_a_number_of_the_look_alike_brand_sends_nothing(cast, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        theirs = cast.tours.ticket("Tour question")
    mail.outbox.clear()
    response = _ask(client, theirs.number, cast.tours.customer.email, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert mail.outbox == []


def test_the_answer_takes_at_least_the_minimum_time(cast, client, monkeypatch, db):
    monkeypatch.setattr(lookup, "MIN_ANSWER_SECONDS", 0.2)
    started = time.monotonic()
    client.post(URL, {"number": "OPR-26-000001", "email": "nobody@mail.example"})
    assert time.monotonic() - started >= 0.2


def test_bad_input_is_a_form_error(cast, client):
    response = client.post(URL, {"number": "", "email": "not an address"})
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()


def test_lookups_are_limited_per_request_number_and_per_address(cast, client, ticket):
    for _ in range(lookup.PER_TARGET_PER_HOUR):
        assert client.post(URL, {"number": ticket.number, "email": "a@mail.example"}).status_code == 200
    limited = client.post(
        URL, {"number": ticket.number, "email": "b@mail.example"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert limited.status_code == 429
    assert "Too many look-ups" in limited.content.decode()
    limited = client.post(URL, {"number": ticket.number, "email": "b@mail.example"})
    assert "Слишком много запросов" in limited.content.decode()
    # Another number is still answered from this address (IP) for now.
    assert client.post(URL, {"number": "OPR-26-000777", "email": "c@mail.example"}).status_code == 200


def test_lookups_are_limited_per_client_address(cast, client, db):
    for i in range(lookup.PER_IP_PER_HOUR):
        assert client.post(URL, {"number": f"OPR-26-{i:06}", "email": f"{i}@mail.example"}).status_code == 200
    assert client.post(URL, {"number": "OPR-26-000999", "email": "x@mail.example"}).status_code == 429


def test_the_link_opens_the_request_once_in_this_browser_with_answering(
    cast, client, ticket, django_capture_on_commit_callbacks
):
    _ask(client, ticket.number, cast.opera.customer.email, django_capture_on_commit_callbacks)
    link = _link_in(mail.outbox)
    # Following the link shows a button; a mail scanner's GET does not spend it.
    assert client.get(link).status_code == 200
    assert client.get(f"/portal/opera/tickets/{ticket.number}/").status_code == 302
    opened = client.post(link)
    assert opened.status_code == 302
    assert opened["Location"] == f"/portal/opera/tickets/{ticket.number}/"
    page = client.get(opened["Location"])
    assert page.status_code == 200
    assert "Hello, my e-tickets did not arrive." in page.content.decode()
    assert (
        client.post(f"/portal/opera/tickets/{ticket.number}/reply/", {"body": "Still waiting."}).status_code
        == 302
    )
    last = list(messages_visible_to(SYSTEM, ticket))[-1]
    assert (last.body_text, last.author_kind) == ("Still waiting.", "customer")
    # Spent: a second browser cannot use it.
    other = client.__class__()
    assert other.post(link).status_code == 404
    assert other.get(f"/portal/opera/tickets/{ticket.number}/").status_code == 302


def test_the_link_opens_nothing_else(cast, client, ticket, django_capture_on_commit_callbacks):
    other = cast.opera.ticket("Another of mine")
    _ask(client, ticket.number, cast.opera.customer.email, django_capture_on_commit_callbacks)
    client.post(_link_in(mail.outbox))
    assert client.get(f"/portal/opera/tickets/{other.number}/").status_code == 302
    assert client.get(f"/portal/opera-tours/tickets/{ticket.number}/").status_code == 302
    assert client.get("/portal/opera/requests/").status_code == 302
    # The link's token does not open the request in the look-alike brand.
    assert client.post(_link_in(mail.outbox).replace("/opera/", "/opera-tours/")).status_code == 404


def test_forged_link_is_refused(cast, client, db):
    assert client.post("/portal/opera/lookup/forged-token/").status_code == 404


def test_behind_the_proxy_the_limit_counts_the_address_the_proxy_saw(cast, client, settings, db):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for i in range(lookup.PER_IP_PER_HOUR):
        client.post(
            URL, {"number": f"OPR-26-{i:06}", "email": f"{i}@mail.example"}, HTTP_X_FORWARDED_FOR="1.2.3.4"
        )
    # A spoofed first entry does not escape the limit; another visitor behind the same proxy is still served.
    spoofed = client.post(
        URL, {"number": "OPR-26-000900", "email": "s@mail.example"}, HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4"
    )
    assert spoofed.status_code == 429
    other = client.post(
        URL, {"number": "OPR-26-000901", "email": "o@mail.example"}, HTTP_X_FORWARDED_FOR="5.6.7.8"
    )
    assert other.status_code == 200
