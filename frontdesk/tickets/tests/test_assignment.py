"""Automatic assignment: teams in round-robin or load mode give new tickets to their agents on shift."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from frontdesk.core.schedules import registered
from frontdesk.tickets import actions
from frontdesk.tickets.assignment import (
    agent_came_on_shift,
    assign_waiting_tickets,
    auto_assign,
    sweep_waiting_tickets,
)
from frontdesk.tickets.choices import Channel, EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actions import add_agent_membership, create_team, create_user, set_on_shift
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.choices import AgentRole, AssignmentMode
from frontdesk.users.models import Team

CONSUMER = "frontdesk.tickets.assignment.auto_assign_for_event"


@pytest.fixture
def desk(cast, settings, django_capture_on_commit_callbacks):
    """The consumer alone, and on-commit work run as it is queued."""
    settings.FRONTDESK_EVENT_CONSUMERS = [CONSUMER]
    return cast


def agent(brand, name: str, *, line: int = 1, on_shift: bool = True, role: str = AgentRole.AGENT):
    user = create_user(email=f"{name}@{brand.slug}.example", name=name.title())
    add_agent_membership(user, actor=SYSTEM, brand=brand, line=line, role=role)
    if on_shift:
        set_on_shift(user, on=True)
    return user


def team(brand, mode, members, *, line: int = 1, limit: int | None = None, name: str = "Box office") -> Team:
    made = create_team(actor=SYSTEM, name=name, brand=brand, line=line, members=members)
    made.assignment = mode
    made.max_open_per_agent = limit
    made.save(update_fields=["assignment", "max_open_per_agent"])
    return made


def file(cast_brand, to_team, subject: str = "Seats missing", **options) -> Ticket:
    """A ticket filed into ``to_team`` (as mail routed by a request type would be), its events dispatched."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        ticket = actions.create_ticket(
            cast_brand.brand,
            actor=SYSTEM,
            customer=cast_brand.customer,
            subject=subject,
            body=make_body(text="Row 7 is not on my e-ticket."),
            channel=Channel.EMAIL,
            team=to_team,
            **options,
        )
    return Ticket.objects.get(pk=ticket.pk)


def assignee_of(ticket: Ticket):
    return Ticket.objects.get(pk=ticket.pk).assignee


def test_round_robin_gives_tickets_in_turn_and_says_so_in_the_event(desk):
    brand = desk.opera.brand
    anna, boris, clara = (agent(brand, n) for n in ("anna", "boris", "clara"))
    box = team(brand, AssignmentMode.ROUND_ROBIN, [clara, anna, boris])

    got = [assignee_of(file(desk.opera, box, f"Question {i}")) for i in range(4)]

    assert got == [anna, boris, clara, anna]
    box.refresh_from_db()
    assert box.last_assigned == anna
    event = TicketEvent.objects.filter(kind=EventKind.ASSIGNED).order_by("id").first()
    assert event.actor_kind == "system"
    assert event.data["automatic"] is True
    assert event.data["mode"] == AssignmentMode.ROUND_ROBIN
    assert event.data["after"] == anna.pk


def test_load_gives_the_ticket_to_the_agent_with_fewest_open_tickets_ties_in_turn(desk):
    brand = desk.opera.brand
    anna, boris, clara = (agent(brand, n) for n in ("anna", "boris", "clara"))
    busy = team(brand, AssignmentMode.MANUAL, [anna, boris, clara], name="Manual")
    for who in (anna, anna, clara):
        ticket = file(desk.opera, busy)
        actions.assign_ticket(ticket, actor=SYSTEM, assignee=who)
    # A solved ticket is no load.
    done = file(desk.opera, busy)
    actions.update_ticket(done, actor=SYSTEM, assignee=boris, status=Status.SOLVED)
    box = team(brand, AssignmentMode.LOAD, [anna, boris, clara])

    first = assignee_of(file(desk.opera, box))
    second = assignee_of(file(desk.opera, box))
    third = assignee_of(file(desk.opera, box))

    assert first == boris  # 0 open
    assert second == clara  # boris and clara at 1: the turn goes on after boris
    assert third == boris  # anna 2, boris 1, clara 2
    event = TicketEvent.objects.filter(kind=EventKind.ASSIGNED, data__mode="load").count()
    assert event == 3


def test_agents_off_shift_are_skipped(desk):
    brand = desk.opera.brand
    anna = agent(brand, "anna", on_shift=False)
    boris = agent(brand, "boris")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna, boris])

    assert [assignee_of(file(desk.opera, box)) for _ in range(2)] == [boris, boris]


def test_nobody_on_shift_leaves_the_ticket_unassigned(desk):
    brand = desk.opera.brand
    box = team(brand, AssignmentMode.LOAD, [agent(brand, "anna", on_shift=False)])

    assert assignee_of(file(desk.opera, box)) is None


def test_the_teams_limit_of_open_tickets_is_respected(desk):
    brand = desk.opera.brand
    anna, boris = agent(brand, "anna"), agent(brand, "boris")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna, boris], limit=1)

    got = [assignee_of(file(desk.opera, box)) for _ in range(3)]

    assert got == [anna, boris, None]


def test_an_agent_on_another_line_is_skipped(desk):
    brand = desk.opera.brand
    specialist = agent(brand, "specialist", line=2)
    anna = agent(brand, "anna")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [specialist, anna])

    assert [assignee_of(file(desk.opera, box)) for _ in range(2)] == [anna, anna]


def test_a_member_who_serves_only_another_brand_is_skipped(desk):
    stranger = agent(desk.tours.brand, "stranger")
    anna = agent(desk.opera.brand, "anna")
    shared = team(None, AssignmentMode.ROUND_ROBIN, [stranger, anna], name="Shared")

    assert [assignee_of(file(desk.opera, shared)) for _ in range(2)] == [anna, anna]
    assert assignee_of(file(desk.tours, shared)) == stranger


def test_a_manual_team_assigns_nobody(desk):
    brand = desk.opera.brand
    box = team(brand, AssignmentMode.MANUAL, [agent(brand, "anna")])

    assert assignee_of(file(desk.opera, box)) is None


def test_management_tickets_go_only_to_brand_admins_of_the_team(desk):
    brand = desk.opera.brand
    anna = agent(brand, "anna")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna])

    assert assignee_of(file(desk.opera, box, for_management=True)) is None

    boss = agent(brand, "boss", role=AgentRole.BRAND_ADMIN)
    box.members.add(boss)
    assert assignee_of(file(desk.opera, box, for_management=True)) == boss
    assert assignee_of(file(desk.opera, box)) == anna


def test_moving_a_ticket_to_the_team_assigns_it(desk, django_capture_on_commit_callbacks):
    brand = desk.opera.brand
    anna = agent(brand, "anna")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna])
    ticket = file(desk.opera, None)
    assert assignee_of(ticket) is None

    with django_capture_on_commit_callbacks(execute=True):
        actions.update_ticket(ticket, actor=actor_for(desk.opera.line1), team=box)

    assert assignee_of(ticket) == anna


def test_escalating_to_a_second_line_team_assigns_one_of_its_agents(desk, django_capture_on_commit_callbacks):
    brand = desk.opera.brand
    first, second = agent(brand, "anna"), agent(brand, "sergei", line=2)
    front = team(brand, AssignmentMode.ROUND_ROBIN, [first])
    specialists = team(brand, AssignmentMode.ROUND_ROBIN, [second], line=2, name="Specialists")
    ticket = file(desk.opera, front)
    assert assignee_of(ticket) == first

    with django_capture_on_commit_callbacks(execute=True):
        actions.escalate_ticket(
            Ticket.objects.get(pk=ticket.pk),
            actor=actor_for(first),
            worklog=WorkLog("Seats in the wrong row", "Checked the booking"),
            to_team=specialists,
        )

    assert assignee_of(ticket) == second


def test_an_assigned_or_closed_ticket_is_left_alone(desk):
    brand = desk.opera.brand
    anna, boris = agent(brand, "anna"), agent(brand, "boris")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna, boris])
    ticket = file(desk.opera, box, assignee=boris)
    closed = file(desk.opera, None)
    actions.update_ticket(closed, actor=SYSTEM, status=Status.CLOSED)
    Ticket.objects.filter(pk=closed.pk).update(team=box)

    assert auto_assign(ticket.pk) is None
    assert auto_assign(closed.pk) is None
    assert assignee_of(ticket) == boris
    assert assignee_of(closed) is None


def test_two_tickets_assigned_one_after_the_other_go_to_two_agents(desk):
    brand = desk.opera.brand
    anna, boris = agent(brand, "anna"), agent(brand, "boris")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna, boris])
    one, two = file(desk.opera, None), file(desk.opera, None)
    Ticket.objects.filter(pk__in=[one.pk, two.pk]).update(team=box)

    assert {auto_assign(one.pk), auto_assign(two.pk)} == {anna, boris}


@pytest.mark.postgres  # threads on one SQLite test database lock each other's tables
@pytest.mark.django_db(transaction=True)
def test_two_workers_assigning_at_once_never_pick_the_same_agent(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are PostgreSQL's; SQLite writes one at a time")
    from frontdesk.testing.cast import make_cast

    settings.FRONTDESK_EVENT_CONSUMERS = []
    cast = make_cast()
    brand = cast.opera.brand
    anna, boris = agent(brand, "anna"), agent(brand, "boris")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna, boris])
    tickets = [file(cast.opera, None, f"Question {i}") for i in range(2)]
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(team=box)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(ticket_id: int) -> None:
        try:
            start.wait()
            auto_assign(ticket_id)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(t.pk,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not errors
    assert {assignee_of(t) for t in tickets} == {anna, boris}


def test_tickets_that_came_while_nobody_was_on_shift_go_to_the_agent_who_comes_on(desk):
    brand = desk.opera.brand
    anna = agent(brand, "anna", on_shift=False)
    box = team(brand, AssignmentMode.LOAD, [anna])
    older, newer = file(desk.opera, box, "Older"), file(desk.opera, box, "Newer")
    assert assignee_of(older) is None

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        agent_came_on_shift(set_on_shift(anna, on=True))

    assert assignee_of(older) == anna
    assert assignee_of(newer) == anna
    assigned = TicketEvent.objects.filter(kind=EventKind.ASSIGNED).order_by("id")
    assert [e.ticket_id for e in assigned] == [older.pk, newer.pk]


def test_the_sweep_assigns_waiting_tickets_oldest_first_within_its_bound_and_limits(desk):
    brand = desk.opera.brand
    anna = agent(brand, "anna", on_shift=False)
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna], limit=2)
    waiting = [file(desk.opera, box, f"Question {i}") for i in range(4)]
    assert sweep_waiting_tickets() == []

    set_on_shift(anna, on=True)
    assert assign_waiting_tickets(limit=1) == [waiting[0].pk]
    assert sweep_waiting_tickets() == [waiting[1].pk]  # then anna is full
    assert sweep_waiting_tickets() == []
    assert [assignee_of(t) for t in waiting] == [anna, anna, None, None]


def test_the_sweep_skips_tickets_nobody_on_shift_could_take(desk):
    brand = desk.opera.brand
    anna = agent(brand, "anna", on_shift=False)
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna])
    old_line2 = file(desk.opera, box, "Second line")
    Ticket.objects.filter(pk=old_line2.pk).update(line=2)
    line1 = file(desk.opera, box, "First line")

    set_on_shift(anna, on=True)

    assert assign_waiting_tickets(limit=1) == [line1.pk]
    assert assignee_of(old_line2) is None


def test_going_off_shift_unassigns_nothing(desk):
    brand = desk.opera.brand
    anna = agent(brand, "anna")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna])
    ticket = file(desk.opera, box)

    set_on_shift(anna, on=False)

    assert assignee_of(ticket) == anna
    assert assignee_of(file(desk.opera, box)) is None


def test_only_agents_go_on_shift_and_the_time_moves_only_on_a_change(desk, time_machine):
    from frontdesk.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        set_on_shift(desk.opera.customer_user, on=True)
    user = desk.opera.line1
    time_machine.move_to("2026-12-01 09:00Z")
    set_on_shift(user, on=True)
    first = user.shift_changed_at
    time_machine.move_to("2026-12-01 10:00Z")
    set_on_shift(user, on=True)
    user.refresh_from_db()
    assert (user.is_on_shift, user.shift_changed_at) == (True, first)
    set_on_shift(user, on=False)
    user.refresh_from_db()
    assert user.is_on_shift is False
    assert user.shift_changed_at > first


def test_the_sweep_is_a_scheduled_job():
    assert registered()["tickets.assign_waiting_tickets"].run is sweep_waiting_tickets


def test_the_sweep_and_load_queries_use_the_partial_indexes(desk, is_postgres):
    if not is_postgres:
        pytest.skip("the plans are PostgreSQL's")
    from django.db.models import Q

    from frontdesk.tickets.assignment import open_counts

    anna = agent(desk.opera.brand, "anna")
    box = team(desk.opera.brand, AssignmentMode.MANUAL, [anna])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    from frontdesk.tickets.models import OPEN_Q

    waiting = Ticket.objects.filter(
        OPEN_Q,
        Q(brand_id=desk.opera.brand.pk, line=1, for_management=False),
        team_id=box.pk,
        assignee__isnull=True,
    ).order_by("id")
    assert "ticket_team_open" in waiting.explain()
    counts = Ticket.objects.filter(OPEN_Q, assignee_id__in=[anna.pk]).values("assignee_id")
    assert "ticket_assignee_open" in counts.explain()
    assert open_counts([anna.pk]) == {anna.pk: 0}


def test_a_batch_of_events_assigns_its_tickets_in_turn(desk):
    from frontdesk.tickets.tasks import dispatch_events

    brand = desk.opera.brand
    anna, boris = agent(brand, "anna"), agent(brand, "boris")
    box = team(brand, AssignmentMode.ROUND_ROBIN, [anna, boris])
    manual = team(brand, AssignmentMode.MANUAL, [anna, boris], name="Manual")
    # Filed without running the on-commit dispatch: the events wait for one worker to take them together.
    tickets = [
        actions.create_ticket(
            brand,
            actor=SYSTEM,
            customer=desk.opera.customer,
            subject=f"Question {i}",
            body=make_body(text="Row 7"),
            channel=Channel.EMAIL,
            team=to_team,
        )
        for i, to_team in enumerate([box, manual, box, None, box])
    ]
    first = TicketEvent.objects.filter(ticket=tickets[0]).get()

    assert dispatch_events(first.pk, size=10) == []

    assert [assignee_of(t) for t in tickets] == [anna, None, boris, None, anna]


def test_events_of_teamless_or_assigned_tickets_cost_no_query(desk, django_assert_num_queries):
    from frontdesk.tickets.assignment import auto_assign_for_event

    teamless = file(desk.opera, None)
    event = TicketEvent.objects.select_related("ticket").get(ticket=teamless, kind=EventKind.CREATED)

    with django_assert_num_queries(0):
        auto_assign_for_event(event)
