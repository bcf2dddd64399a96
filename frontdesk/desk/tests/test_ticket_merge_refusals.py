"""What the merge and link forms refuse about the other ticket is said at once: before the merge is confirmed,
and for a ticket linked with itself."""

from __future__ import annotations

import pytest

from frontdesk.desk.tests.test_ticket_merge import HTMX, _sign_in, _ticket, _url
from frontdesk.tickets.models import Ticket, TicketLink
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM


@pytest.fixture
def two_brand_agent(cast, client):
    """An agent of both brands: another brand's ticket is found, and must still be refused."""
    user_actions.add_agent_membership(cast.opera.line1, actor=SYSTEM, brand=cast.tours.brand, line=1)
    return _sign_in(client, cast.opera.line1)


def test_merging_into_another_brands_ticket_is_refused_before_the_confirmation(cast, two_brand_agent):
    ticket, foreign = _ticket(cast, "Ours"), _ticket(cast, "Theirs", brand="tours")

    response = two_brand_agent.post(
        _url(ticket, "merge/"), {"into": foreign.number, "version": ticket.version}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "The other ticket belongs to another brand." in html
    assert "Confirm the merge" not in html
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def test_merging_into_itself_is_refused_before_the_confirmation(cast, two_brand_agent):
    ticket = _ticket(cast)

    response = two_brand_agent.post(_url(ticket, "merge/"), {"into": ticket.number}, **HTMX)

    assert response.status_code == 422
    assert "A ticket cannot be merged into itself." in response.content.decode()


def test_a_confirmed_merge_into_another_brands_ticket_is_refused_too(cast, two_brand_agent):
    ticket, foreign = _ticket(cast, "Ours"), _ticket(cast, "Theirs", brand="tours")

    response = two_brand_agent.post(
        _url(ticket, "merge/"), {"into": foreign.number, "version": ticket.version, "confirm": "on"}, **HTMX
    )

    assert response.status_code == 422
    assert "The other ticket belongs to another brand." in response.content.decode()
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize("typed", ["as_is", "small_letters"])
def test_linking_a_ticket_with_itself_says_so(cast, two_brand_agent, typed):
    ticket = _ticket(cast)
    number = ticket.number if typed == "as_is" else ticket.number.lower()

    response = two_brand_agent.post(_url(ticket, "links/"), {"other": number}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 422
    assert "A ticket cannot be merged or linked with itself." in html
    assert 'id="id_other_error"' in html
    assert not TicketLink.objects.exists()


def test_linking_with_another_brands_ticket_says_so(cast, two_brand_agent):
    ticket, foreign = _ticket(cast, "Ours"), _ticket(cast, "Theirs", brand="tours")

    response = two_brand_agent.post(_url(ticket, "links/"), {"other": foreign.number}, **HTMX)

    assert response.status_code == 422
    assert "The other ticket belongs to another brand." in response.content.decode()
    assert not TicketLink.objects.exists()
