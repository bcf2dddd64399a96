"""The letter to the management (seen by the brand's admins only) and the rating pages (by a signed link or
signed in; a bad rating opens a follow-up)."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket, TicketRating
from frontdesk.tickets.queries import access_ticket
from frontdesk.tickets.satisfaction import rating_token
from frontdesk.users.actors import actor_for


def _signed_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


# The letter to the management -----------------------------------------------------------------------------


def test_a_visitors_letter_reaches_the_brand_admin_and_not_the_line_agents(cast, client):
    response = client.post(
        "/portal/opera/management/",
        {"name": "Ivan", "email": "ivan@example.com", "subject": "Rude agent", "description": "Complaint."},
    )

    assert response.status_code == 302
    letter = Ticket.objects.get()
    assert letter.for_management
    assert letter.number in client.get(response["Location"]).content.decode()
    with pytest.raises(NotFound):
        access_ticket(actor_for(cast.opera.line1), letter.number)
    assert access_ticket(actor_for(cast.opera.admin), letter.number) == letter


def test_a_signed_in_customer_writes_as_themselves(cast, client):
    client = _signed_in(client, cast.opera.customer_user)
    page = client.get("/portal/opera/management/").content.decode()
    assert 'name="email"' not in page

    client.post("/portal/opera/management/", {"subject": "Thanks", "description": "Great service."})

    assert Ticket.objects.get().customer_id == cast.opera.customer.pk


def test_an_empty_letter_is_a_form_error(cast, client):
    response = client.post("/portal/opera/management/", {"name": "Ivan", "email": "ivan@example.com"})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"subject", "description"}
    assert not Ticket.objects.exists()


def test_the_letter_form_of_an_unknown_brand_is_404(cast, client):
    assert client.get("/portal/no-such-brand/management/").status_code == 404


# Rating -----------------------------------------------------------------------------------------------------


@pytest.fixture
def solved(cast):
    ticket = cast.opera.ticket("Where are my tickets?")
    actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Sent again."), status=Status.SOLVED
    )
    return Ticket.objects.get(pk=ticket.pk)


def test_the_mail_link_opens_the_form_with_the_rating_chosen(cast, client, solved):
    url = f"/portal/opera/rate/{rating_token(solved)}/"
    page = client.get(url, {"rating": "bad"})
    html = page.content.decode()
    assert page.status_code == 200
    assert solved.number in html
    assert page.context["form"]["rating"].value() == "bad"
    assert 'name="rating" value="bad"' in html


def test_a_good_rating_by_link_is_stored_and_thanked(cast, client, solved):
    response = client.post(
        f"/portal/opera/rate/{rating_token(solved)}/", {"rating": "good", "comment": "Thanks"}
    )

    assert response.status_code == 200
    rating = TicketRating.objects.get()
    assert (rating.ticket_id, rating.rating, rating.comment) == (solved.pk, "good", "Thanks")
    assert not Ticket.objects.filter(follow_up_of=solved).exists()


def test_a_bad_rating_by_link_opens_a_follow_up(cast, client, solved):
    client.post(f"/portal/opera/rate/{rating_token(solved)}/", {"rating": "bad", "comment": "Nothing came"})

    follow_up = Ticket.objects.get(follow_up_of=solved)
    assert follow_up.messages.get().body_text == "Nothing came"


def test_a_rating_without_a_choice_is_a_form_error(cast, client, solved):
    response = client.post(f"/portal/opera/rate/{rating_token(solved)}/", {"comment": "hm"})
    assert response.status_code == 422
    assert "rating" in response.context["form"].errors
    assert not TicketRating.objects.exists()


def test_a_link_on_another_brands_portal_or_forged_is_404(cast, client, solved):
    token = rating_token(solved)
    assert client.get(f"/portal/opera-tours/rate/{token}/").status_code == 404
    assert client.post(f"/portal/opera-tours/rate/{token}/", {"rating": "bad"}).status_code == 404
    assert client.get(f"/portal/opera/rate/{token[:-2]}xx/").status_code == 404
    assert not TicketRating.objects.exists()


def test_an_unsolved_request_shows_no_form(cast, client):
    ticket = cast.opera.ticket()
    page = client.get(f"/portal/opera/rate/{rating_token(ticket)}/").content.decode()
    assert '<form method="post"' not in page
    response = client.post(f"/portal/opera/rate/{rating_token(ticket)}/", {"rating": "good"})
    assert response.status_code == 422
    assert not TicketRating.objects.exists()


def test_the_signed_in_customer_rates_from_the_request(cast, client, solved):
    client = _signed_in(client, cast.opera.customer_user)
    url = f"/portal/opera/tickets/{solved.number}/rate/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"rating": "good"})

    assert response.status_code == 200
    assert TicketRating.objects.get().rating == "good"


@pytest.mark.parametrize("who", ["colleague", "other_brand_customer", "line1"])
def test_others_cannot_rate_the_request(cast, client, solved, who):
    user = {
        "colleague": cast.opera.colleague_user,
        "other_brand_customer": cast.tours.customer_user,
        "line1": cast.opera.line1,
    }[who]
    client = _signed_in(client, user)
    url = f"/portal/opera/tickets/{solved.number}/rate/"

    response = client.post(url, {"rating": "bad"})

    assert response.status_code in (200, 404)
    assert solved.subject not in response.content.decode()
    assert not TicketRating.objects.exists()


def test_a_visitor_is_sent_to_sign_in(cast, client, solved):
    response = client.get(f"/portal/opera/tickets/{solved.number}/rate/")
    assert response.status_code == 302
    assert not TicketRating.objects.exists()


def test_the_request_page_links_its_customer_to_the_rating_once_solved(cast, client, solved):
    client = _signed_in(client, cast.opera.customer_user)
    rate_url = f"/portal/opera/tickets/{solved.number}/rate/"
    assert rate_url in client.get(f"/portal/opera/tickets/{solved.number}/").content.decode()

    open_ticket = cast.opera.ticket("Still waiting")
    assert "/rate/" not in client.get(f"/portal/opera/tickets/{open_ticket.number}/").content.decode()
