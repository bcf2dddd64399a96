"""Tickets written to a brand's management: its managers (brand admins, provider admins) see them; line
agents, other brands and strangers get 404 in the queries, the desk and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from frontdesk.core.errors import NotFound
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.queries import (
    TicketFilters,
    access_ticket,
    can_see_ticket,
    filter_tickets,
    tickets_visible_to,
)
from frontdesk.users.actions import create_api_token
from frontdesk.users.actors import actor_for


@pytest.fixture
def letter(cast):
    """The opera customer's complaint to the management, and an ordinary ticket beside it."""
    opera = cast.opera
    ordinary = opera.ticket("Seats")
    letter = actions.create_ticket(
        opera.brand,
        actor=actor_for(opera.customer_user),
        customer=opera.customer,
        subject="Your agent was rude",
        body=make_body(text="I would like to complain."),
        channel=Channel.WEB,
        for_management=True,
    )
    return letter, ordinary


@pytest.mark.parametrize("who", ["line1", "line2"])
def test_line_agents_cannot_see_tickets_for_management(cast, letter, who):
    letter, ordinary = letter
    agent = actor_for(getattr(cast.opera, who))

    assert list(tickets_visible_to(agent)) == [ordinary]
    assert not can_see_ticket(agent, letter)
    with pytest.raises(NotFound):
        access_ticket(agent, letter.number)
    assert letter.pk not in {t.pk for t in filter_tickets(agent, TicketFilters(brand_id=cast.opera.brand.pk))}


@pytest.mark.parametrize("who", ["admin", "provider_admin"])
def test_brand_admins_and_provider_admins_see_them(cast, letter, who):
    letter, ordinary = letter
    user = cast.provider_admin if who == "provider_admin" else cast.opera.admin
    manager = actor_for(user)

    assert {t.pk for t in tickets_visible_to(manager).filter(brand_id=cast.opera.brand.pk)} == {
        letter.pk,
        ordinary.pk,
    }
    assert can_see_ticket(manager, letter)
    assert access_ticket(manager, letter.number).for_management


def test_the_admin_of_another_brand_and_the_customers_colleague_do_not(cast, letter):
    letter, _ordinary = letter
    for user in (cast.tours.admin, cast.opera.colleague_user, cast.outsider):
        with pytest.raises(NotFound):
            access_ticket(actor_for(user), letter.number)


def test_an_agent_who_manages_one_brand_sees_its_letters_but_not_anothers(cast, letter):
    from frontdesk.users.actions import add_agent_membership

    letter, _ordinary = letter
    tours_letter = actions.create_ticket(
        cast.tours.brand,
        actor=actor_for(cast.tours.customer_user),
        customer=cast.tours.customer,
        subject="Complaint",
        body=make_body(text="To the management."),
        channel=Channel.WEB,
        for_management=True,
    )
    # The opera admin also works line 1 for the tours brand.
    add_agent_membership(
        cast.opera.admin, actor=actor_for(cast.provider_admin), brand=cast.tours.brand, line=1
    )
    cast.opera.admin.refresh_from_db()
    both = actor_for(cast.opera.admin)

    visible = set(tickets_visible_to(both).values_list("pk", flat=True))
    assert letter.pk in visible
    assert tours_letter.pk not in visible


def test_the_customer_who_wrote_sees_their_letter(cast, letter):
    letter, _ordinary = letter
    assert access_ticket(actor_for(cast.opera.customer_user), letter.number) == letter


def _desk(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_desk_ticket_page_is_404_for_line_agents_and_shown_to_the_brand_admin(cast, letter):
    letter, _ordinary = letter
    url = f"/desk/tickets/{letter.number}/"
    assert _desk(cast.opera.line1).get(url).status_code == 404
    assert _desk(cast.opera.line2).get(url).status_code == 404
    response = _desk(cast.opera.admin).get(url)
    assert response.status_code == 200
    assert "Your agent was rude" in response.content.decode()


def test_the_api_answers_404_to_line_agents_and_the_ticket_to_the_brand_admin(cast, letter):
    letter, _ordinary = letter
    client = Client()

    def get(user, path):
        _token, raw = create_api_token(user, name="tests")
        return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert get(cast.opera.line1, f"/tickets/{letter.number}").status_code == 404
    listed = get(cast.opera.line2, "/tickets").json()
    assert letter.number not in {item["number"] for item in listed["items"]}
    response = get(cast.opera.admin, f"/tickets/{letter.number}")
    assert response.status_code == 200
    assert response.json()["number"] == letter.number
