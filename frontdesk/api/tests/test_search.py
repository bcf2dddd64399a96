"""GET /api/v1/search/tickets: ranked, scoped, 422 for an empty or too long query."""

from __future__ import annotations

import pytest

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test

ISOLATION = [
    Case(
        "search_tickets",
        "GET",
        lambda w: "/search/tickets?q=Tosca",
        is_list=True,
        marker=lambda w: w.number,
    ),
]

test_isolation = isolation_test(ISOLATION)


def test_agents_find_a_ticket_by_its_number_first_with_what_matched(api, world):
    other = world.cast.opera.ticket(f"Question about {world.number}")
    body = api.get(f"/search/tickets?q={world.number}", world.cast.opera.line1).body
    numbers = [item["ticket"]["number"] for item in body["items"]]
    assert numbers[0] == world.number
    assert other.number in numbers
    first = body["items"][0]
    assert "number" in first["found"]
    assert first["ticket"]["version"] == world.ticket.version
    assert first["score"] > body["items"][1]["score"]


def test_customers_get_the_customer_view_and_no_words_of_internal_notes(api, world):
    customer = world.cast.opera.customer_user
    items = api.get("/search/tickets?q=Tosca", customer).body["items"]
    assert [i["ticket"]["number"] for i in items] == [world.number]
    assert "version" not in items[0]["ticket"]
    assert api.get("/search/tickets?q=bounced", customer).body["items"] == []
    assert api.get("/search/tickets?q=bounced", world.cast.opera.line1).body["items"]


@pytest.mark.parametrize("q", ["", "%20%20", "x" * 201, "x" * 1001])
def test_an_empty_or_too_long_query_is_a_422_problem(api, world, q):
    response = api.get(f"/search/tickets?q={q}", world.cast.opera.line1)
    assert response.status == 422, response.raw
    assert response.content_type.startswith("application/problem+json")
    assert (
        response.body["errors"][0]["field"] == "q"
        if "errors" in response.body
        else response.body["field"] == "q"
    )


def test_a_missing_query_or_an_unknown_parameter_is_a_422_problem(api, world):
    assert_problem(api.get("/search/tickets", world.cast.opera.line1), 422, "validation_error")
    assert_problem(api.get("/search/tickets?q=a&page=2", world.cast.opera.line1), 422, "validation_error")
    assert_problem(api.get("/search/tickets?q=a&limit=101", world.cast.opera.line1), 422, "validation_error")


@pytest.mark.parametrize("many", [False, True])
def test_a_search_costs_the_same_queries_with_few_or_many_results(api, world, count_queries, many):
    for i in range(25 if many else 2):
        world.cast.opera.ticket(f"Tosca seats {i}")
    agent = world.cast.opera.line1
    api.get("/search/tickets?q=Tosca", agent)  # the token and the actor are cached from here on
    with count_queries() as queries:
        items = api.get("/search/tickets?q=Tosca&limit=50", agent).body["items"]
    assert len(items) == (26 if many else 3)
    few_or_many = len(queries)
    assert few_or_many <= 8, queries
