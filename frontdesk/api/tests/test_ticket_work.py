from __future__ import annotations

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.tickets.models import TimeEntry, WorkLogEntry

WORKLOG = {"diagnosis": "Seat map out of sync", "steps_taken": "Re-issued twice", "request": "Fix the sync"}

ISOLATION = [
    Case("list_events", "GET", lambda w: f"/tickets/{w.number}/events"),
    Case("list_worklog", "GET", lambda w: f"/tickets/{w.number}/worklog"),
    Case(
        "escalate_ticket", "POST", lambda w: f"/tickets/{w.number}/escalate", lambda w: {"worklog": WORKLOG}
    ),
    Case(
        "return_ticket",
        "POST",
        lambda w: f"/tickets/{w.number}/return",
        lambda w: {"worklog": {"steps_taken": "Fixed the sync"}},
        owner="line2",
    ),
    Case(
        "log_time", "POST", lambda w: f"/tickets/{w.number}/time", lambda w: {"minutes": 15, "note": "call"}
    ),
]

test_isolation = isolation_test(ISOLATION)


def test_escalation_without_a_worklog_is_422_worklog_required(api, world):
    response = api.post(f"/tickets/{world.number}/escalate", world.cast.opera.line2, {"to_line": 3})
    assert_problem(response, 422, "worklog_required", "worklog.diagnosis")
    world.ticket.refresh_from_db()
    assert world.ticket.line == 2


def test_escalation_with_an_empty_steps_taken_names_that_field(api, world):
    response = api.post(
        f"/tickets/{world.number}/escalate",
        world.cast.opera.line2,
        {"worklog": {"diagnosis": "x", "steps_taken": " "}},
    )
    assert_problem(response, 422, "worklog_required", "worklog.steps_taken")


def test_escalation_moves_the_ticket_up_and_logs_the_work(api, world):
    response = api.post(
        f"/tickets/{world.number}/escalate",
        world.cast.opera.line2,
        {"worklog": {**WORKLOG, "minutes_spent": 20}, "to_line": 3},
    )
    assert response.status == 200, response.raw
    assert response.body["line"] == 3
    entry = WorkLogEntry.objects.filter(ticket=world.ticket).latest("id")
    assert (entry.from_line, entry.to_line, entry.diagnosis) == (2, 3, "Seat map out of sync")
    assert TimeEntry.objects.filter(ticket=world.ticket, minutes=20).exists()


def test_escalation_to_a_lower_line_is_409(api, world):
    response = api.post(
        f"/tickets/{world.number}/escalate", world.cast.opera.line2, {"worklog": WORKLOG, "to_line": 1}
    )
    assert_problem(response, 409, "invalid_transition", "to_line")


def test_escalation_to_another_brands_team_is_404(api, world, cast):
    from frontdesk.users.actions import create_team
    from frontdesk.users.actors import SYSTEM

    tours_team = create_team(actor=SYSTEM, name="Tours line 2", brand=cast.tours.brand, line=2)
    response = api.post(
        f"/tickets/{world.number}/escalate", cast.opera.line1, {"worklog": WORKLOG, "to_team": tours_team.pk}
    )
    assert_problem(response, 404, "not_found", "to_team")


def test_customer_cannot_escalate_their_own_ticket(api, world):
    response = api.post(
        f"/tickets/{world.number}/escalate", world.cast.opera.customer_user, {"worklog": WORKLOG}
    )
    assert_problem(response, 403, "permission_denied")


def test_handing_back_returns_the_ticket_to_line_1(api, world):
    response = api.post(
        f"/tickets/{world.number}/return", world.cast.opera.line2, {"worklog": {"steps_taken": "Sync fixed"}}
    )
    assert response.status == 200, response.raw
    assert response.body["line"] == 1
    again = api.post(
        f"/tickets/{world.number}/return", world.cast.opera.line2, {"worklog": {"steps_taken": "x"}}
    )
    assert_problem(again, 409, "invalid_transition")


def test_worklog_lists_each_escalation_for_agents_and_nothing_for_customers(api, world):
    agent_view = api.get(f"/tickets/{world.number}/worklog", world.cast.opera.line2)
    assert [(e["kind"], e["from_line"], e["to_line"]) for e in agent_view.body["items"]] == [
        ("escalation", 1, 2)
    ]
    assert agent_view.body["items"][0]["request"] == "check the relay"
    customer_view = api.get(f"/tickets/{world.number}/worklog", world.cast.opera.customer_user)
    assert customer_view.status == 200
    assert customer_view.body == {"items": [], "next_cursor": None}


def test_events_show_the_full_history_to_agents_and_only_their_part_to_customers(api, world):
    agent_kinds = [
        e["kind"] for e in api.get(f"/tickets/{world.number}/events", world.cast.opera.line1).body["items"]
    ]
    assert agent_kinds[0] == "created"
    assert {"replied", "note_added", "escalated"} <= set(agent_kinds)
    customer = api.get(f"/tickets/{world.number}/events", world.cast.opera.customer_user)
    kinds = {e["kind"] for e in customer.body["items"]}
    assert "note_added" not in kinds
    assert "escalated" not in kinds
    assert "diagnosis" not in customer.raw.decode()


def test_time_is_recorded_and_bad_minutes_are_422(api, world):
    agent = world.cast.opera.line1
    response = api.post(f"/tickets/{world.number}/time", agent, {"minutes": 25, "note": "Phone call"})
    assert response.status == 201, response.raw
    assert response.body["minutes_spent"] == world.ticket.minutes_spent + 25
    for minutes in (0, 100_000, "lots"):
        bad = api.post(f"/tickets/{world.number}/time", agent, {"minutes": minutes})
        assert_problem(bad, 422, "validation_error", "minutes")
    assert_problem(api.post(f"/tickets/{world.number}/time", agent, {}), 422, "validation_error", "minutes")
