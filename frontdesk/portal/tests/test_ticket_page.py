"""A request's page in the portal: the public history only, answering with attachments, closing and reopening;
404 for everyone else."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.queries import messages_visible_to
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for


def _url(ticket, rest=""):
    return f"/portal/opera/tickets/{ticket.number}/{rest}"


@pytest.fixture
def ticket(cast):
    ticket = cast.opera.ticket("Tickets for Tosca")
    agent = actor_for(cast.opera.line1)
    ticket_actions.add_note(ticket, actor=agent, body=make_body(text="Internal: payment looks odd."))
    ticket_actions.reply_to_ticket(
        ticket, actor=agent, body=make_body(text="We are resending your e-tickets.")
    )
    return ticket


def test_customer_sees_the_public_history_without_notes(cast, sign_in, ticket):
    page = sign_in(cast.opera.customer_user).get(_url(ticket))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hello, my e-tickets did not arrive." in text
    assert "We are resending your e-tickets." in text
    assert "Internal: payment looks odd." not in text
    assert 'action="/portal/opera/tickets/' in text


@pytest.mark.parametrize("who", ["outsider", "colleague", "other_brand_customer", "other_brand_agent"])
def test_anyone_else_gets_404(cast, sign_in, ticket, who):
    user = {
        "outsider": cast.outsider,
        "colleague": cast.opera.colleague_user,
        "other_brand_customer": cast.tours.customer_user,
        "other_brand_agent": cast.tours.line1,
    }[who]
    client = sign_in(user)
    assert client.get(_url(ticket)).status_code == 404
    assert client.post(_url(ticket, "reply/"), {"body": "Let me in"}).status_code == 404
    assert client.post(_url(ticket, "solve/")).status_code == 404
    attachment_url = _url(ticket, "attachments/1/")
    assert client.get(attachment_url).status_code == 404
    assert len(messages_visible_to(SYSTEM, ticket)) == 3


def test_the_same_number_in_the_look_alike_brand_is_404(cast, sign_in, ticket):
    client = sign_in(cast.opera.customer_user)
    assert client.get(f"/portal/opera-tours/tickets/{ticket.number}/").status_code == 404


def test_visitor_is_asked_to_sign_in_for_any_number(cast, client, ticket):
    for number in (ticket.number, "OPR-00-999999"):
        response = client.get(f"/portal/opera/tickets/{number}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/portal/opera/signin/")
    assert client.post(_url(ticket, "reply/"), {"body": "Hi"}).status_code == 404


def test_manager_opens_a_colleagues_request(cast, sign_in):
    user_actions.update_customer(cast.opera.customer, actor=SYSTEM, is_organization_manager=True)
    theirs = cast.opera.ticket("Colleague's question", by=cast.opera.colleague)
    assert sign_in(cast.opera.customer_user).get(_url(theirs)).status_code == 200


def test_customer_replies_with_an_attachment_and_downloads_it(cast, sign_in, ticket):
    from frontdesk.tickets.models import Ticket

    Ticket.objects.filter(pk=ticket.pk).update(channel="email")  # it came in by mail
    client = sign_in(cast.opera.customer_user)
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    response = client.post(_url(ticket, "reply/"), {"body": "Here is my receipt.", "attachments": [upload]})
    assert response.status_code == 302
    message = list(messages_visible_to(SYSTEM, ticket))[-1]
    assert message.body_text == "Here is my receipt."
    assert message.author_kind == "customer"
    assert message.channel == "web"  # written on the portal, whatever channel the request came in on
    attachment = message.attachments.get()
    page = client.get(_url(ticket)).content.decode()
    assert "receipt.pdf" in page
    download = client.get(_url(ticket, f"attachments/{attachment.pk}/"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 receipt"


def test_empty_reply_is_a_form_error(cast, sign_in, ticket):
    response = sign_in(cast.opera.customer_user).post(_url(ticket, "reply/"), {"body": "   "})
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()


def test_an_attachment_of_an_internal_note_is_404(cast, sign_in, ticket):
    from frontdesk.tickets.content import AttachmentIn

    note = ticket_actions.add_note(
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="Scan of the card"),
        attachments=[AttachmentIn("card.png", "image/png", b"\x89PNG")],
    )
    attachment = note.attachments.get()
    assert (
        sign_in(cast.opera.customer_user).get(_url(ticket, f"attachments/{attachment.pk}/")).status_code
        == 404
    )


def test_customer_closes_and_reopens_their_request(cast, sign_in, ticket):
    client = sign_in(cast.opera.customer_user)
    assert client.post(_url(ticket, "solve/")).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    page = client.get(_url(ticket)).content.decode()
    assert "reopen/" in page
    assert client.post(_url(ticket, "reopen/")).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_reopening_an_open_request_is_refused_as_a_form_error(cast, sign_in, ticket):
    response = sign_in(cast.opera.customer_user).post(_url(ticket, "reopen/"))
    assert response.status_code == 422


def test_closed_request_takes_no_answer(cast, sign_in, ticket):
    ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.CLOSED)
    client = sign_in(cast.opera.customer_user)
    assert "ticket_reply" not in client.get(_url(ticket)).content.decode()
    response = client.post(_url(ticket, "reply/"), {"body": "One more thing"})
    assert response.status_code == 422


@pytest.mark.parametrize("replies", [1, 20])
def test_ticket_page_costs_the_same_queries_for_a_short_and_a_long_history(
    cast, sign_in, count_queries, replies
):
    ticket = cast.opera.ticket("Tickets for Tosca")
    agent = actor_for(cast.opera.line1)
    for i in range(replies):
        ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text=f"Answer {i}"))
    client = sign_in(cast.opera.customer_user)
    client.get(_url(ticket))
    with count_queries() as queries:
        response = client.get(_url(ticket))
    assert response.status_code == 200
    assert f"Answer {replies - 1}" in response.content.decode()
    # Session, user, brand, customer; the ticket with its brand and organization (no team or category here);
    # the messages (with merged ones) and their attachments; the events.
    assert len(queries) == 10, "\n".join(queries)


def test_times_are_in_the_brands_zone_or_the_persons_own(cast, sign_in, ticket):
    brand = cast.opera.brand
    brand.time_zone = "Asia/Tokyo"
    brand.save(update_fields=["time_zone"])
    client = sign_in(cast.opera.customer_user)
    assert "+09:00" in client.get(_url(ticket)).content.decode()
    user = cast.opera.customer_user
    user.time_zone = "America/Sao_Paulo"
    user.save(update_fields=["time_zone"])
    assert "-03:00" in client.get(_url(ticket)).content.decode()
