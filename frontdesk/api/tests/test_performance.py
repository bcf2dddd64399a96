"""Query counts: creation within budget, every list page the same cost for few and many rows."""

from __future__ import annotations

import re

from frontdesk.tickets import actions
from frontdesk.tickets.content import make_body
from frontdesk.users.actors import actor_for

NEW_TICKET = {"subject": "Seats missing", "body": "Row 7 is not on my e-ticket."}
SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


def _warm(api, user):
    """First use of a token reads it, writes last_used_at and caches both; measure the steady state, where
    the token costs no query."""
    assert api.get("/me", user).status == 200


def test_an_agent_creates_a_ticket_by_customer_id_in_at_most_8_queries(api, cast, count_queries, is_postgres):
    agent = cast.opera.line1
    _warm(api, agent)
    with count_queries(at_most=8) as queries:
        response = api.post("/tickets", agent, {**NEW_TICKET, "customer_id": cast.opera.customer.pk})
    assert response.status == 201, response.raw
    statements = [q for q in queries if not SAVEPOINT.match(q)]
    if is_postgres:
        # customer, then the number, ticket, message and event in one statement (tickets.inserts)
        assert len(statements) == 2, statements
        assert statements[1].startswith("WITH c AS (INSERT INTO")
    else:
        # customer, ticket number, ticket, message, event (+ the action's savepoint in a test transaction)
        assert len(statements) == 5, statements


def test_with_an_idempotency_key_creation_stays_within_8_statements_besides_savepoints(
    api, cast, count_queries
):
    agent = cast.opera.line1
    _warm(api, agent)
    with count_queries() as queries:
        response = api.post(
            "/tickets",
            agent,
            {**NEW_TICKET, "customer_id": cast.opera.customer.pk},
            headers={"Idempotency-Key": "perf-1"},
        )
    assert response.status == 201
    assert len([q for q in queries if not SAVEPOINT.match(q)]) <= 8


def _tickets(cast, n):
    return [cast.opera.ticket(f"Question {i}") for i in range(n)]


def _count(count_queries, call):
    with count_queries() as queries:
        response = call()
    assert response.status == 200, response.raw
    return len(queries), response


def test_the_ticket_list_costs_the_same_for_3_and_30_tickets(api, world, cast, count_queries):
    from frontdesk.users.actions import create_team
    from frontdesk.users.actors import SYSTEM

    agent = cast.opera.line1
    _warm(api, agent)
    team = create_team(actor=SYSTEM, name="Busy desk", brand=cast.opera.brand)
    few = _tickets(cast, 2)
    for ticket in few:
        actions.update_ticket(ticket, actor=actor_for(agent), team=team, assignee=cast.opera.line1)
    small, response = _count(count_queries, lambda: api.get("/tickets", agent))
    assert len(response.body["items"]) == 3
    many = _tickets(cast, 27)
    for ticket in many:
        actions.update_ticket(ticket, actor=actor_for(agent), team=team, assignee=cast.opera.line2)
    large, response = _count(count_queries, lambda: api.get("/tickets", agent))
    assert len(response.body["items"]) == 30
    # tickets with customers and assignees; their brands, organizations, teams and categories in one query
    assert small == large == 2
    # A page whose tickets point to no organization, team or category costs the same.
    bare = cast.opera.ticket("Nothing assigned", by=cast.opera.customer)
    single, response = _count(count_queries, lambda: api.get("/tickets", agent, params={"limit": 1}))
    assert response.body["items"][0]["number"] == bare.number
    assert response.body["items"][0]["team"] is None
    assert single == small
    _warm(api, cast.opera.customer_user)
    customer_small, _ = _count(
        count_queries, lambda: api.get("/tickets", cast.opera.customer_user, params={"limit": 3})
    )
    customer_large, _ = _count(count_queries, lambda: api.get("/tickets", cast.opera.customer_user))
    assert customer_small == customer_large


def test_reading_one_ticket_costs_the_same_with_3_or_30_tickets(api, cast, count_queries):
    agent = cast.opera.line1
    _warm(api, agent)
    tickets = _tickets(cast, 3)
    small, _ = _count(count_queries, lambda: api.get(f"/tickets/{tickets[0].number}", agent))
    tickets += _tickets(cast, 27)
    large, _ = _count(count_queries, lambda: api.get(f"/tickets/{tickets[-1].number}", agent))
    # the ticket with its customer and assignee; its brand, organization, team and category in one query
    assert small == large == 2
    from frontdesk.tickets.categories import create_category
    from frontdesk.users.actions import create_team
    from frontdesk.users.actors import SYSTEM

    actions.update_ticket(
        tickets[0],
        actor=actor_for(agent),
        team=create_team(actor=SYSTEM, name="Desk", brand=cast.opera.brand),
        category=create_category(cast.opera.brand, actor=SYSTEM, name="Refunds"),
        assignee=agent,
    )
    full, response = _count(count_queries, lambda: api.get(f"/tickets/{tickets[0].number}", agent))
    assert response.body["team"]["name"] == "Desk"
    assert response.body["category"]["path"] == "Refunds"
    assert full == small


def test_the_message_list_costs_the_same_for_few_and_many_messages(api, world, cast, count_queries):
    agent = cast.opera.line1
    _warm(api, agent)
    path = f"/tickets/{world.number}/messages"
    small, _ = _count(count_queries, lambda: api.get(path, agent))
    from frontdesk.tickets.content import AttachmentIn

    for i in range(20):
        actions.reply_to_ticket(
            world.ticket,
            actor=actor_for(agent),
            body=make_body(text=f"Update {i}"),
            attachments=[AttachmentIn(f"f{i}.txt", "text/plain", b"x")],
        )
    large, response = _count(count_queries, lambda: api.get(path, agent))
    assert len(response.body["items"]) == 23
    # ticket (+ brand, organization), messages, attachments
    assert small == large == 5


def test_events_worklog_customers_and_categories_lists_have_a_constant_cost(api, world, cast, count_queries):
    from frontdesk.tickets.categories import create_category
    from frontdesk.users.actions import create_customer
    from frontdesk.users.actors import SYSTEM

    agent = cast.opera.line1
    _warm(api, agent)
    paths = [
        f"/tickets/{world.number}/events",
        f"/tickets/{world.number}/worklog",
        "/customers",
        "/categories",
        "/organizations",
        "/teams",
        "/brands",
    ]
    before = {p: _count(count_queries, lambda p=p: api.get(p, agent))[0] for p in paths}
    for i in range(12):
        actions.add_note(world.ticket, actor=actor_for(agent), body=make_body(text=f"note {i}"))
        create_customer(
            cast.opera.brand,
            actor=SYSTEM,
            name=f"C{i}",
            emails=[f"c{i}@example.org"],
            phones=[f"+4822000{i:04d}"],
        )
        create_category(cast.opera.brand, actor=SYSTEM, name=f"Topic {i}")
    after = {p: _count(count_queries, lambda p=p: api.get(p, agent))[0] for p in paths}
    assert before == after
