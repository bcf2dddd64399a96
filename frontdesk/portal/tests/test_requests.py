"""My requests: the customer's own requests in this brand, filters, pages, the organization for managers,
and nothing of anyone else."""

from __future__ import annotations

import pytest

from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Status
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for

URL = "/portal/opera/requests/"


def test_visitor_is_sent_to_the_portals_sign_in(cast, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/opera/signin/?next=")


def test_customer_sees_their_requests_of_this_brand_only(cast, sign_in):
    mine = cast.opera.ticket("My tickets did not arrive")
    colleagues = cast.opera.ticket("Colleague's question", by=cast.opera.colleague)
    other_brand = cast.tours.ticket("Tour question")
    page = sign_in(cast.opera.customer_user).get(URL).content.decode()
    assert mine.number in page
    assert colleagues.number not in page
    assert other_brand.number not in page


def test_outsider_and_other_brands_customer_see_no_list(cast, sign_in):
    cast.opera.ticket("My tickets did not arrive")
    page = sign_in(cast.outsider).get(URL)
    # Signed in but no customer here, with an address never confirmed: asked to confirm it; no list.
    assert page.status_code == 200
    assert "OPR-" not in page.content.decode()
    page = sign_in(cast.tours.customer_user).get(URL)
    assert "OPR-" not in page.content.decode()


def test_status_filter_and_text_search(cast, sign_in):
    actor = actor_for(cast.opera.line1)
    first = cast.opera.ticket("Refund for Tosca")
    second = cast.opera.ticket("Seat change")
    ticket_actions.change_status(second, actor=actor, status=Status.SOLVED)
    client = sign_in(cast.opera.customer_user)
    open_page = client.get(URL).content.decode()
    assert first.number in open_page
    assert second.number not in open_page
    solved_page = client.get(URL, {"status": "solved"}).content.decode()
    assert second.number in solved_page
    assert first.number not in solved_page
    found = client.get(URL, {"status": "all", "q": "Tosca"}).content.decode()
    assert first.number in found
    assert second.number not in found
    by_number = client.get(URL, {"status": "all", "q": second.number}).content.decode()
    assert second.number in by_number
    assert first.number not in by_number


def test_bad_filters_fall_back_to_defaults(cast, sign_in):
    cast.opera.ticket("My tickets did not arrive")
    response = sign_in(cast.opera.customer_user).get(URL, {"status": "bogus", "before": "x", "scope": "?"})
    assert response.status_code == 200
    assert "OPR-" in response.content.decode()


def test_pages_of_twenty_newest_first(cast, sign_in):
    tickets = [cast.opera.ticket(f"Question {i}") for i in range(23)]
    client = sign_in(cast.opera.customer_user)
    first_page = client.get(URL).content.decode()
    assert tickets[-1].number in first_page
    assert tickets[2].number not in first_page
    assert "before=" in first_page
    second = client.get(URL, {"before": tickets[3].pk}).content.decode()
    assert tickets[2].number in second
    assert tickets[0].number in second
    assert tickets[3].number not in second


def test_manager_switches_to_the_organizations_requests(cast, sign_in):
    user_actions.update_customer(cast.opera.customer, actor=SYSTEM, is_organization_manager=True)
    colleagues = cast.opera.ticket("Colleague's question", by=cast.opera.colleague)
    client = sign_in(cast.opera.customer_user)
    assert colleagues.number not in client.get(URL).content.decode()
    page = client.get(URL, {"scope": "organization"}).content.decode()
    assert colleagues.number in page
    assert cast.opera.colleague.name in page


def test_non_manager_asking_for_the_organization_sees_their_own_only(cast, sign_in):
    colleagues = cast.opera.ticket("Colleague's question", by=cast.opera.colleague)
    page = sign_in(cast.opera.customer_user).get(URL, {"scope": "organization"}).content.decode()
    assert colleagues.number not in page


@pytest.mark.parametrize("rows", [3, 40])
def test_list_costs_the_same_queries_for_few_and_many_requests(cast, sign_in, count_queries, rows):
    for i in range(rows):
        cast.opera.ticket(f"Question {i}")
    client = sign_in(cast.opera.customer_user)
    client.get(URL)  # sessions and caches warm
    with count_queries(at_most=6) as queries:
        response = client.get(URL, {"status": "all"})
    assert response.status_code == 200
    # The session, the user, the brand, the customer, the page of rows (the actor comes from the cache).
    assert len(queries) == 5, queries
