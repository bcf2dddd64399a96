from __future__ import annotations

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test

ISOLATION = [
    Case(
        "list_organizations",
        "GET",
        lambda w: "/organizations",
        is_list=True,
        marker=lambda w: '"Opera Box Office Partners"',
    ),
    Case(
        "create_organization",
        "POST",
        lambda w: "/organizations",
        lambda w: {"brand": "opera", "name": "Bolshoi Friends", "domains": ["friends.example"]},
    ),
    Case("get_organization", "GET", lambda w: f"/organizations/{w.cast.opera.organization.pk}"),
]

test_isolation = isolation_test(ISOLATION)


def test_agent_creates_an_organization(api, cast):
    response = api.post(
        "/organizations",
        cast.opera.line1,
        {"brand": "opera", "name": "Friends", "domains": ["Friends.Example"]},
    )
    assert response.status == 201, response.raw
    assert response.body["domains"] == ["friends.example"]
    assert response.body["brand"]["slug"] == "opera"


def test_a_duplicate_name_is_409_and_an_empty_one_422(api, cast):
    duplicate = api.post(
        "/organizations", cast.opera.line1, {"brand": "opera", "name": "Opera Box Office Partners"}
    )
    assert_problem(duplicate, 409, "conflict", "name")
    assert_problem(
        api.post("/organizations", cast.opera.line1, {"brand": "opera", "name": ""}),
        422,
        "validation_error",
        "name",
    )


def test_managers_do_not_get_organization_records_from_the_api(api, cast):
    response = api.get(f"/organizations/{cast.opera.organization.pk}", cast.opera.customer_user)
    assert_problem(response, 404, "not_found")
