from __future__ import annotations

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.models import Customer

NEW_TICKET = {"subject": "Seats missing", "body": "Row 7 is not on my e-ticket."}

ISOLATION = [
    Case(
        "create_ticket",
        "POST",
        lambda w: "/tickets",
        lambda w: {**NEW_TICKET, "customer_id": w.cast.opera.customer.pk},
        refused_to_customers="customer_id",
        variant="by_customer_id",
    ),
    Case(
        "create_ticket",
        "POST",
        lambda w: "/tickets",
        lambda w: {**NEW_TICKET, "brand": "opera", "customer": {"email": "new@opera-mail.example"}},
        refused_to_customers="customer",
        variant="by_brand_and_email",
    ),
    Case("list_tickets", "GET", lambda w: "/tickets", is_list=True, marker=lambda w: w.number),
    Case("get_ticket", "GET", lambda w: f"/tickets/{w.number}"),
    Case("update_ticket", "PATCH", lambda w: f"/tickets/{w.number}", lambda w: {"priority": "high"}),
]

test_isolation = isolation_test(ISOLATION)


def test_agent_opens_a_ticket_for_a_customer_of_their_brand_by_id(api, cast):
    response = api.post("/tickets", cast.opera.line1, {**NEW_TICKET, "customer_id": cast.opera.customer.pk})
    assert response.status == 201, response.raw
    body = response.body
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.customer_id == cast.opera.customer.pk
    assert ticket.channel == "api"
    assert body["brand"]["slug"] == "opera"
    assert body["organization"]["id"] == cast.opera.organization.pk
    assert body["status"] == Status.NEW
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CREATED).count() == 1


def test_agent_opens_a_ticket_for_a_new_customer_by_email_which_creates_the_customer(api, cast):
    response = api.post(
        "/tickets",
        cast.opera.line1,
        {**NEW_TICKET, "brand": "opera", "customer": {"email": "Maria@Example.org", "name": "Maria"}},
    )
    assert response.status == 201, response.raw
    customer = Customer.objects.get(brand=cast.opera.brand, email="maria@example.org")
    assert customer.name == "Maria"
    assert response.body["customer"]["id"] == customer.pk
    again = api.post(
        "/tickets",
        cast.opera.line1,
        {**NEW_TICKET, "brand": "opera", "customer": {"email": "maria@example.org"}},
    )
    assert again.body["customer"]["id"] == customer.pk


def test_agent_records_a_phone_call_as_the_first_message(api, cast):
    response = api.post(
        "/tickets",
        cast.opera.line1,
        {
            **NEW_TICKET,
            "customer": {"phone": "+48 22 123-45-67"},
            "brand": "opera",
            "call": {"direction": "inbound", "duration_seconds": 95},
        },
    )
    assert response.status == 201, response.raw
    ticket = Ticket.objects.get(number=response.body["number"])
    assert ticket.channel == "phone"
    message = ticket.messages.get()
    assert (message.kind, message.call_direction, message.call_duration_seconds) == ("call", "inbound", 95)


def test_customer_opens_a_ticket_only_for_themselves(api, cast):
    response = api.post("/tickets", cast.opera.customer_user, {**NEW_TICKET, "brand": "opera"})
    assert response.status == 201, response.raw
    ticket = Ticket.objects.get(number=response.body["number"])
    assert ticket.customer_id == cast.opera.customer.pk
    assert "team" not in response.body
    assert "assignee" not in response.body
    assert "line" not in response.body


def test_customer_cannot_open_a_ticket_for_a_colleague(api, cast):
    response = api.post(
        "/tickets",
        cast.opera.customer_user,
        {**NEW_TICKET, "brand": "opera", "customer_id": cast.opera.colleague.pk},
    )
    assert_problem(response, 422, "field_not_allowed", "customer_id")
    assert not Ticket.objects.filter(customer=cast.opera.colleague).exists()


def test_customer_cannot_route_their_ticket_to_a_team(api, world):
    response = api.post(
        "/tickets", world.cast.opera.customer_user, {**NEW_TICKET, "brand": "opera", "team": world.team.pk}
    )
    assert_problem(response, 422, "field_not_allowed", "team")


def test_customer_of_another_brand_cannot_open_a_ticket_in_this_brand(api, cast):
    response = api.post("/tickets", cast.tours.customer_user, {**NEW_TICKET, "brand": "opera"})
    assert_problem(response, 404, "not_found")
    assert Ticket.objects.count() == 0


def test_agent_cannot_use_another_brands_team_category_or_assignee(api, world, cast):
    from frontdesk.tickets.categories import create_category
    from frontdesk.users.actions import create_team
    from frontdesk.users.actors import SYSTEM

    tours_team = create_team(actor=SYSTEM, name="Tours desk", brand=cast.tours.brand)
    tours_category = create_category(cast.tours.brand, actor=SYSTEM, name="Tours refunds")
    base = {**NEW_TICKET, "customer_id": cast.opera.customer.pk}
    for field, value in (
        ("team", tours_team.pk),
        ("category", tours_category.pk),
        ("assignee", cast.tours.line1.pk),
    ):
        response = api.post("/tickets", cast.opera.line1, {**base, field: value})
        assert_problem(response, 404, "not_found", field)
    assert Ticket.objects.exclude(pk=world.ticket.pk).count() == 0


def test_agent_naming_a_brand_that_is_not_the_customers_gets_422(api, cast):
    from frontdesk.users.actions import add_agent_membership
    from frontdesk.users.actors import SYSTEM

    add_agent_membership(cast.opera.line1, actor=SYSTEM, brand=cast.tours.brand, line=1)
    response = api.post(
        "/tickets",
        cast.opera.line1,
        {**NEW_TICKET, "brand": "opera-tours", "customer_id": cast.opera.customer.pk},
    )
    assert_problem(response, 422, "invalid_input", "brand")


def test_wrong_types_unknown_fields_and_oversized_text_name_each_field(api, cast):
    response = api.post(
        "/tickets",
        cast.opera.line1,
        {"customer_id": "seven", "subject": "x" * 301, "body": "hi", "priority": "whenever", "colour": "red"},
    )
    body = assert_problem(response, 422, "validation_error")
    codes = {e["field"]: e["code"] for e in body["errors"]}
    assert codes == {
        "customer_id": "int_type",
        "subject": "string_too_long",
        "priority": "enum",
        "colour": "extra_forbidden",
    }


def test_an_empty_body_text_is_refused_with_the_field(api, cast):
    response = api.post(
        "/tickets", cast.opera.line1, {"subject": "Hi", "body": "  ", "customer_id": cast.opera.customer.pk}
    )
    assert_problem(response, 422, "invalid_input", "body")


def test_agent_lists_tickets_newest_first_with_a_cursor(api, cast):
    numbers = [cast.opera.ticket(f"Question {i}").number for i in range(5)]
    first = api.get("/tickets", cast.opera.line1, params={"limit": 2})
    assert [t["number"] for t in first.body["items"]] == numbers[::-1][:2]
    second = api.get("/tickets", cast.opera.line1, params={"limit": 2, "cursor": first.body["next_cursor"]})
    assert [t["number"] for t in second.body["items"]] == numbers[::-1][2:4]
    third = api.get("/tickets", cast.opera.line1, params={"limit": 2, "cursor": second.body["next_cursor"]})
    assert [t["number"] for t in third.body["items"]] == numbers[:1]
    assert third.body["next_cursor"] is None


def test_filters_narrow_the_list(api, world, cast):
    other = cast.opera.ticket("Parking")
    agent = cast.opera.line1

    def numbers(**params):
        response = api.get("/tickets", agent, params=params)
        assert response.status == 200, response.raw
        return {t["number"] for t in response.body["items"]}

    assert numbers(line=2) == {world.number}
    assert numbers(status="new") == {other.number}
    assert numbers(status="new,open") == {other.number, world.number}
    assert numbers(brand="opera-tours") == set()
    assert numbers(brand="opera") == {other.number, world.number}
    assert numbers(assignee="none") == {other.number, world.number}
    assert numbers(assignee=str(agent.pk)) == set()
    assert numbers(customer=cast.opera.customer.pk) == {other.number, world.number}
    assert numbers(channel="phone") == set()
    assert numbers(updated_since="2999-01-01T00:00:00Z") == set()


def test_bad_filters_are_422_naming_the_parameter(api, cast):
    agent = cast.opera.line1
    for params, field in (
        ({"status": "lost"}, "status.0"),
        ({"limit": 1000}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "aWQ6LTE"}, "cursor"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"assignee": "somebody"}, "assignee"),
        ({"line": 4}, "line"),
        ({"team": "99999999999999999999999"}, "team"),
        ({"stauts": "open"}, "stauts"),
    ):
        response = api.get("/tickets", agent, params=params)
        assert response.status == 422, (params, response.raw)
        assert field in response.error_fields(), (params, response.body)


def test_customer_cannot_filter_by_internal_fields(api, cast):
    response = api.get("/tickets", cast.opera.customer_user, params={"line": 1})
    assert_problem(response, 422, "field_not_allowed", "line")


def test_customer_sees_own_tickets_and_a_non_manager_not_the_colleagues(api, cast):
    own = cast.opera.ticket("Mine")
    colleague = cast.opera.ticket("Theirs", by=cast.opera.colleague)
    response = api.get("/tickets", cast.opera.customer_user)
    assert [t["number"] for t in response.body["items"]] == [own.number]
    assert_problem(api.get(f"/tickets/{colleague.number}", cast.opera.customer_user), 404, "not_found")


def test_customer_gets_the_customer_view_without_internals(api, world):
    response = api.get(f"/tickets/{world.number}", world.cast.opera.customer_user)
    assert response.status == 200
    assert set(response.body) == {
        "number",
        "subject",
        "status",
        "channel",
        "language",
        "brand",
        "customer",
        "category",
        "created_at",
        "updated_at",
        "solved_at",
        "closed_at",
    }


def test_agent_reads_a_ticket_with_its_internals(api, world):
    body = api.get(f"/tickets/{world.number}", world.cast.opera.line2).body
    assert body["line"] == 2
    assert body["version"] == world.ticket.version


def test_agent_changes_fields_and_each_change_is_in_history(api, world):
    cast = world.cast
    response = api.patch(
        f"/tickets/{world.number}",
        cast.opera.line2,
        {
            "priority": "urgent",
            "team": world.team.pk,
            "assignee": cast.opera.line2.pk,
            "category": world.category.pk,
            "tags": ["VIP", "refund"],
            "subject": "Tosca seats",
        },
    )
    assert response.status == 200, response.raw
    body = response.body
    assert (body["priority"], body["team"]["id"], body["assignee"]["id"]) == (
        "urgent",
        world.team.pk,
        cast.opera.line2.pk,
    )
    assert body["tags"] == ["vip", "refund"]
    assert body["category"]["id"] == world.category.pk
    kinds = set(TicketEvent.objects.filter(ticket=world.ticket).values_list("kind", flat=True))
    assert {
        "priority_changed",
        "team_changed",
        "assigned",
        "categorized",
        "tags_changed",
        "fields_changed",
    } <= kinds


def test_patch_with_null_clears_the_assignee_but_null_status_is_refused(api, world):
    agent = world.cast.opera.line2
    api.patch(f"/tickets/{world.number}", agent, {"assignee": agent.pk})
    response = api.patch(f"/tickets/{world.number}", agent, {"assignee": None})
    assert response.body["assignee"] is None
    assert_problem(
        api.patch(f"/tickets/{world.number}", agent, {"status": None}), 422, "invalid_input", "status"
    )


def test_invalid_status_transition_is_409(api, world):
    agent = world.cast.opera.line2
    assert api.patch(f"/tickets/{world.number}", agent, {"status": "closed"}).status == 200
    response = api.patch(f"/tickets/{world.number}", agent, {"status": "open"})
    assert_problem(response, 409, "invalid_transition", "status")


def test_stale_version_is_409_ticket_changed_and_changes_nothing(api, world):
    agent = world.cast.opera.line2
    version = api.get(f"/tickets/{world.number}", agent).body["version"]
    assert (
        api.patch(f"/tickets/{world.number}", agent, {"priority": "high", "version": version}).status == 200
    )
    response = api.patch(f"/tickets/{world.number}", agent, {"priority": "low", "version": version})
    assert_problem(response, 409, "ticket_changed")
    world.ticket.refresh_from_db()
    assert world.ticket.priority == "high"


def test_customer_may_mark_their_ticket_solved_but_not_change_its_priority(api, world):
    customer = world.cast.opera.customer_user
    assert_problem(
        api.patch(f"/tickets/{world.number}", customer, {"priority": "urgent"}),
        422,
        "field_not_allowed",
        "priority",
    )
    response = api.patch(f"/tickets/{world.number}", customer, {"status": "solved"})
    assert response.status == 200, response.raw
    assert response.body["status"] == "solved"
    assert "priority" not in response.body


def test_a_ticket_number_with_odd_characters_is_refused_not_crashed(api, cast):
    response = api.get("/tickets/OPR%00-1", cast.opera.line1)
    assert response.status in (404, 422)
    assert response.content_type.startswith("application/problem+json")
