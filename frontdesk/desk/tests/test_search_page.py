"""The search page: results as the agent types, for the agent's brands only, a message for a refused query."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM

URL = "/desk/search/"


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_page_has_a_search_box_that_asks_again_as_the_agent_types(cast, client):
    page = _sign_in(client, cast.opera.line1).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="q"' in html
    assert "delay:300ms" in html
    assert 'hx-target="#search-results"' in html


def test_htmx_gets_the_results_only_best_first_with_where_they_matched(cast, client):
    in_subject = cast.opera.ticket("Refund for Tosca")
    by_number = cast.opera.ticket("Seats")
    _sign_in(client, cast.opera.line1)
    html = client.get(URL, {"q": "tosca"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert in_subject.number in html
    assert by_number.number not in html
    assert "subject" in html
    html = client.get(URL, {"q": by_number.number}).content.decode()
    assert html.index(by_number.number) < html.index("</tbody>")
    assert "<html" in html


def test_a_customer_found_by_a_misspelt_name(cast, client):
    petrova = create_customer(cast.opera.brand, actor=SYSTEM, name="Anna Petrova", emails=["anna@p.example"])
    ticket = cast.opera.ticket("Seats", by=petrova)
    html = _sign_in(client, cast.opera.line1).get(URL, {"q": "Petorva"}).content.decode()
    assert ticket.number in html
    assert "Anna Petrova" in html


def test_a_too_long_query_is_answered_with_a_message_and_422(cast, client):
    response = _sign_in(client, cast.opera.line1).get(URL, {"q": "x" * 201}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    blank = client.get(URL, {"q": "   "}, HTTP_HX_REQUEST="true")
    assert blank.status_code == 200
    assert "Type at least three letters" in blank.content.decode()


def test_nothing_found_says_so(cast, client):
    html = _sign_in(client, cast.opera.line1).get(URL, {"q": "zyzzyva"}).content.decode()
    assert "No tickets match" in html


def test_the_other_brand_and_the_outsider_see_nothing(cast, client):
    ticket = cast.opera.ticket("Refund for Tosca")
    for user in (cast.tours.line1, cast.tours.admin):
        client.logout()
        html = _sign_in(client, user).get(URL, {"q": "tosca"}).content.decode()
        assert ticket.number not in html
        html = client.get(URL, {"q": ticket.number}).content.decode()
        assert f">{ticket.number}</a>" not in html  # the query itself is echoed in the search box
        assert "No tickets match" in html
    for user in (cast.outsider, cast.opera.customer_user, cast.tours.customer_user):
        client.logout()
        assert _sign_in(client, user).get(URL, {"q": "tosca"}).status_code == 404
    client.logout()
    assert client.get(URL, {"q": "tosca"}).status_code == 302


@pytest.mark.parametrize("many", [False, True])
def test_the_page_costs_the_same_queries_with_few_or_many_results(cast, client, count_queries, many):
    for i in range(30 if many else 2):
        cast.opera.ticket(f"Tosca seats {i}")
    _sign_in(client, cast.opera.line1)
    client.get(URL, {"q": "tosca"})  # the actor is cached from here on
    with count_queries() as queries:
        html = client.get(URL, {"q": "tosca"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.count("<tr>") == (31 if many else 3)
    assert len(queries) <= 10, queries
    few_or_many = len(queries)
    with count_queries(few_or_many):
        client.get(URL, {"q": "seats"}, HTTP_HX_REQUEST="true")


def test_the_page_speaks_the_agent_s_language(cast, client):
    for _ in range(2):
        cast.opera.ticket("Tosca")
    user = cast.opera.line1
    user.language = "ru"
    user.save(update_fields=["language"])
    html = _sign_in(client, user).get(URL, {"q": "tosca"}).content.decode()
    assert "Поиск заявок" in html
    assert "Найдено 2 заявки" in html
    user.language = "pl"
    user.save(update_fields=["language"])
    html = client.get(URL, {"q": "x" * 201}).content.decode()
    assert "najwyżej 200 znaków" in html
