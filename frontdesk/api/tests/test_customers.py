from __future__ import annotations

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.users.models import Customer

ISOLATION = [
    Case(
        "list_customers",
        "GET",
        lambda w: "/customers",
        is_list=True,
        marker=lambda w: '"customer@opera-mail.example"',
    ),
    Case(
        "create_customer",
        "POST",
        lambda w: "/customers",
        lambda w: {"brand": "opera", "name": "Ivan", "emails": ["ivan@example.org"]},
    ),
    Case("get_customer", "GET", lambda w: f"/customers/{w.cast.opera.customer.pk}"),
    Case(
        "update_customer",
        "PATCH",
        lambda w: f"/customers/{w.cast.opera.customer.pk}",
        lambda w: {"name": "Renamed"},
    ),
]

test_isolation = isolation_test(ISOLATION)


def test_agent_creates_a_customer_with_contacts_in_an_organization(api, cast):
    response = api.post(
        "/customers",
        cast.opera.line1,
        {
            "brand": "opera",
            "name": "Ivan Petrov",
            "emails": ["Ivan@Example.org"],
            "phones": ["+7 495 123-45-67"],
            "language": "ru",
            "organization": cast.opera.organization.pk,
        },
    )
    assert response.status == 201, response.raw
    body = response.body
    assert body["emails"] == ["ivan@example.org"]
    assert body["phones"] == ["+74951234567"]
    assert body["organization"]["id"] == cast.opera.organization.pk
    assert Customer.objects.filter(pk=body["id"], brand=cast.opera.brand).exists()


def test_a_taken_email_is_409_conflict_naming_the_field(api, cast):
    response = api.post(
        "/customers", cast.opera.line1, {"brand": "opera", "emails": ["customer@opera-mail.example"]}
    )
    assert_problem(response, 409, "conflict", "emails")


def test_an_invalid_email_is_422_naming_the_field(api, cast):
    response = api.post("/customers", cast.opera.line1, {"brand": "opera", "emails": ["not-an-address"]})
    assert_problem(response, 422, "invalid_input", "emails")


def test_an_organization_of_another_brand_is_404(api, cast):
    response = api.post(
        "/customers", cast.opera.line1, {"brand": "opera", "organization": cast.tours.organization.pk}
    )
    assert_problem(response, 404, "not_found", "organization")


def test_agent_updates_a_customer_and_can_take_them_out_of_the_organization(api, cast):
    path = f"/customers/{cast.opera.customer.pk}"
    response = api.patch(path, cast.opera.line1, {"name": "New Name", "add_phones": ["+48 22 000 11 22"]})
    assert response.status == 200, response.raw
    assert response.body["name"] == "New Name"
    assert response.body["phones"] == ["+48220001122"]
    response = api.patch(path, cast.opera.line1, {"organization": None})
    assert response.body["organization"] is None


def test_customers_cannot_read_customer_records_even_their_own(api, cast):
    assert_problem(
        api.get(f"/customers/{cast.opera.customer.pk}", cast.opera.customer_user), 404, "not_found"
    )
    assert api.get("/customers", cast.opera.customer_user).body["items"] == []


def test_list_finds_a_customer_by_email(api, cast):
    response = api.get("/customers", cast.opera.line1, params={"email": "Colleague@opera-mail.example"})
    assert [c["id"] for c in response.body["items"]] == [cast.opera.colleague.pk]
