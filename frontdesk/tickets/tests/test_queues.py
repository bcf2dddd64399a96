"""Work queues: what each holds, capped counts in one statement, and cursor pages in every sort order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from frontdesk.tickets import actions
from frontdesk.tickets.choices import Priority, Status
from frontdesk.tickets.escalation import WorkLog, escalate_ticket, return_ticket
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.queues import (
    COUNT_CAP,
    InvalidCursor,
    QueueFilters,
    QueueKind,
    Sort,
    access_saved_view,
    capped_counts,
    count_label,
    decode_cursor,
    desk_for,
    encode_cursor,
    page_of,
    queue_tickets,
    saved_views_visible_to,
    view_filters,
)
from frontdesk.users.actions import create_saved_view, create_team
from frontdesk.users.actors import SYSTEM, actor_for

LOG = WorkLog(
    "Payment went through, tickets were not issued", "Re-sent the e-tickets", "Check the issuing log"
)


def _numbers(desk, **filters):
    return {t.number for t in queue_tickets(desk, QueueFilters(**filters))}


def _desk(user):
    return desk_for(actor_for(user))


def _give_deadlines(tickets):
    """Service-level deadlines as the consumer sets them, with ties (the id orders them), for the due sorts."""
    now = timezone.now()
    for i, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=now + timedelta(minutes=i % 3))


def test_sla_at_risk_holds_open_tickets_past_their_warning_the_soonest_due_first(cast):
    now = timezone.now()
    calm, warned, overdue, no_clock, solved = (cast.opera.ticket(s) for s in ("a", "b", "c", "d", "e"))
    clocks = {
        calm: (now + timedelta(hours=2), now + timedelta(hours=1)),
        warned: (now + timedelta(minutes=30), now - timedelta(minutes=1)),
        overdue: (now - timedelta(minutes=5), now - timedelta(minutes=20)),
        solved: (now - timedelta(minutes=5), now - timedelta(minutes=20)),
    }
    for ticket, (due, warn) in clocks.items():
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, sla_warn_at=warn)
    actions.change_status(solved, actor=actor_for(cast.opera.line1), status=Status.SOLVED)
    desk = _desk(cast.opera.line1)
    page = page_of(queue_tickets(desk, QueueFilters(queue=QueueKind.AT_RISK)), Sort.DUE)
    assert [t.pk for t in page.tickets] == [overdue.pk, warned.pk]
    assert no_clock.pk not in _numbers(_desk(cast.tours.line1), queue=QueueKind.AT_RISK)
    assert _numbers(_desk(cast.tours.line1), queue=QueueKind.AT_RISK) == set()


def test_my_tickets_are_the_open_tickets_assigned_to_me(cast):
    agent = actor_for(cast.opera.line1)
    mine, other, closed = (cast.opera.ticket(s) for s in ("Mine", "Not mine", "Closed"))
    actions.assign_ticket(mine, actor=agent, assignee=cast.opera.line1)
    actions.assign_ticket(closed, actor=agent, assignee=cast.opera.line1)
    actions.change_status(closed, actor=agent, status=Status.CLOSED)
    desk = _desk(cast.opera.line1)

    assert _numbers(desk, queue=QueueKind.MINE) == {mine.number}
    assert _numbers(desk, queue=QueueKind.MINE, statuses=(Status.CLOSED,)) == {closed.number}
    assert _numbers(desk, queue=QueueKind.UNASSIGNED) == {other.number}


def test_team_queue_holds_the_open_tickets_of_the_agents_teams(cast):
    team = create_team(actor=SYSTEM, name="Refunds", brand=cast.opera.brand, members=[cast.opera.line1])
    other_team = create_team(actor=SYSTEM, name="Sales", brand=cast.opera.brand)
    ours, theirs = cast.opera.ticket("Ours"), cast.opera.ticket("Theirs")
    actions.update_ticket(ours, actor=SYSTEM, team=team)
    actions.update_ticket(theirs, actor=SYSTEM, team=other_team)

    assert _numbers(_desk(cast.opera.line1), queue=QueueKind.TEAM) == {ours.number}
    assert _numbers(_desk(cast.opera.line2), queue=QueueKind.TEAM) == set()


def test_line_queues_and_waiting_for_customer(cast):
    agent = actor_for(cast.opera.line1)
    first, second, waiting = (cast.opera.ticket(s) for s in ("First", "Second", "Waiting"))
    escalate_ticket(second, actor=agent, worklog=LOG)
    actions.change_status(waiting, actor=agent, status=Status.PENDING_CUSTOMER)
    desk = _desk(cast.opera.line1)

    assert _numbers(desk, queue=QueueKind.LINE1) == {first.number, waiting.number}
    assert _numbers(desk, queue=QueueKind.LINE2) == {second.number}
    assert _numbers(desk, queue=QueueKind.LINE3) == set()
    assert _numbers(desk, queue=QueueKind.WAITING) == {waiting.number}


def test_escalated_to_me_holds_what_was_escalated_to_my_line_or_team_until_it_is_handed_back(cast):
    line1, line2 = actor_for(cast.opera.line1), actor_for(cast.opera.line2)
    to_line, taken, returned, untouched = (cast.opera.ticket(s) for s in ("Line", "Taken", "Back", "No"))
    for ticket in (to_line, taken, returned):
        escalate_ticket(ticket, actor=line1, worklog=LOG)
    actions.assign_ticket(taken, actor=line2, assignee=cast.opera.line2)
    return_ticket(returned, actor=line2, worklog=LOG)

    assert _numbers(_desk(cast.opera.line2), queue=QueueKind.ESCALATED) == {to_line.number, taken.number}
    # Line 1 sees none of it: nothing was escalated to line 1 or to a team of theirs.
    assert _numbers(_desk(cast.opera.line1), queue=QueueKind.ESCALATED) == set()
    assert untouched.number not in _numbers(_desk(cast.opera.line2), queue=QueueKind.ESCALATED)


def test_escalated_to_a_team_reaches_its_members_and_not_the_rest_of_the_line(cast):
    specialists = create_team(
        actor=SYSTEM, name="Seating", brand=cast.opera.brand, line=2, members=[cast.opera.admin]
    )
    ticket = cast.opera.ticket()
    escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=LOG, to_team=specialists)

    assert _numbers(_desk(cast.opera.admin), queue=QueueKind.ESCALATED) == {ticket.number}
    assert _numbers(_desk(cast.opera.line2), queue=QueueKind.ESCALATED) == set()


def test_another_brand_and_outsiders_see_nothing_in_any_queue_even_with_foreign_ids(cast):
    ticket = cast.opera.ticket()
    actions.assign_ticket(ticket, actor=SYSTEM, assignee=cast.opera.line1)
    escalate_ticket(ticket, actor=SYSTEM, worklog=LOG)
    foreign = QueueFilters(brand_id=cast.opera.brand.pk, assignee_id=cast.opera.line1.pk)
    for user in (cast.tours.line1, cast.tours.line2, cast.outsider, cast.opera.customer_user):
        desk = _desk(user)
        for queue in QueueKind:
            assert not list(queue_tickets(desk, foreign.merged(queue=queue)))
            assert not list(queue_tickets(desk, QueueFilters(queue=queue)))


def test_filters_combine_status_brand_priority_channel_category_and_tag(cast):
    agent = actor_for(cast.opera.admin)
    urgent, normal = cast.opera.ticket("Urgent"), cast.opera.ticket("Normal")
    actions.update_ticket(urgent, actor=agent, priority=Priority.URGENT, tags=["vip", "refund"])
    actions.update_ticket(normal, actor=agent, tags=["vipper"])
    desk = _desk(cast.provider_admin)

    assert _numbers(desk, priority=Priority.URGENT) == {urgent.number}
    assert _numbers(desk, tag="vip") == {urgent.number}
    assert _numbers(desk, tag="vip", brand_id=cast.tours.brand.pk) == set()
    assert _numbers(desk, channel="web", brand_id=cast.opera.brand.pk) == {urgent.number, normal.number}
    assert _numbers(desk, statuses=(Status.CLOSED,)) == set()


def test_counts_stop_at_the_cap_and_run_as_one_statement(cast, count_queries):
    for i in range(5):
        cast.opera.ticket(f"Question {i}")
    desk = _desk(cast.opera.line1)
    querysets = {q.value: queue_tickets(desk, QueueFilters(queue=q)) for q in QueueKind}
    with count_queries(1):
        counts = capped_counts(querysets, cap=3)
    assert counts["unassigned"] == 3
    assert counts["mine"] == 0
    assert count_label(3, cap=3) == "2+"
    assert count_label(COUNT_CAP - 1) == str(COUNT_CAP - 1)
    assert count_label(COUNT_CAP) == f"{COUNT_CAP - 1}+"


def test_an_outsider_counts_nothing_without_a_query(cast, count_queries):
    desk = _desk(cast.outsider)
    with count_queries(0):
        counts = capped_counts({q.value: queue_tickets(desk, QueueFilters(queue=q)) for q in QueueKind})
    assert set(counts.values()) == {0}


@pytest.mark.parametrize("sort", list(Sort))
def test_cursor_pages_walk_every_ticket_once_in_each_sort_order(cast, sort):
    agent = actor_for(cast.opera.line1)
    tickets = [cast.opera.ticket(f"Question {i}") for i in range(7)]
    for i, ticket in enumerate(tickets):
        actions.update_ticket(ticket, actor=agent, priority=list(Priority)[i % 4])
    _give_deadlines(tickets)
    desk = _desk(cast.opera.line1)
    seen, cursor = [], None
    while True:
        page = page_of(queue_tickets(desk, QueueFilters()), sort, cursor, size=3)
        seen.extend(page.tickets)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == 7
    assert {t.pk for t in seen} == {t.pk for t in tickets}
    assert seen == list(page_of(queue_tickets(desk, QueueFilters()), sort, size=50).tickets)


def test_a_priority_sort_puts_urgent_first(cast):
    low, urgent = cast.opera.ticket("Low"), cast.opera.ticket("Urgent")
    actions.update_ticket(low, actor=SYSTEM, priority=Priority.LOW)
    actions.update_ticket(urgent, actor=SYSTEM, priority=Priority.URGENT)
    page = page_of(queue_tickets(_desk(cast.opera.line1), QueueFilters()), Sort.PRIORITY_DESC)
    assert [t.subject for t in page.tickets] == ["Urgent", "Low"]


@pytest.mark.parametrize(
    "cursor",
    ["", "not base64!", "W10", "WyJ1cGRhdGVkIiwgbnVsbCwgMV0", "eyJhIjoxfQ", "WyItdXBkYXRlZCIsIjIwMjYiLC0xXQ"],
)
def test_a_tampered_cursor_is_refused(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(Sort.UPDATED_DESC, cursor or "%%%")


def test_a_cursor_of_another_sort_is_refused(cast):
    ticket = cast.opera.ticket()
    cursor = encode_cursor(Sort.NUMBER, ticket)
    assert decode_cursor(Sort.NUMBER, cursor) == (ticket.number, ticket.pk)
    with pytest.raises(InvalidCursor):
        decode_cursor(Sort.UPDATED_DESC, cursor)
    naive = encode_cursor(Sort.UPDATED_DESC, ticket).replace("=", "")
    assert decode_cursor(Sort.UPDATED_DESC, naive)[0] == ticket.updated_at
    assert timezone.is_aware(decode_cursor(Sort.UPDATED_DESC, naive)[0])


def test_saved_filters_round_trip_and_unknown_values_are_left_out():
    filters = QueueFilters(
        queue=QueueKind.MINE, statuses=("open",), brand_id=3, unassigned=True, tag="vip", sort=Sort.NUMBER
    )
    assert QueueFilters.from_json(filters.to_json()) == filters
    odd = {"queue": "nope", "status": ["open", "gone"], "brand": "3", "line": 7, "tag": 5, "sort": 1}
    assert QueueFilters.from_json(odd) == QueueFilters(statuses=("open",))
    assert QueueFilters.from_json([]) == QueueFilters()  # type: ignore[arg-type]


def test_shared_views_reach_the_agents_of_their_brand_only(cast):
    opera = actor_for(cast.opera.line1)
    shared = create_saved_view(
        actor=opera, name="Urgent", filters={"priority": "urgent"}, brand=cast.opera.brand, shared=True
    )
    personal = create_saved_view(actor=opera, name="Mine", filters={"queue": "mine"})

    assert set(saved_views_visible_to(opera)) == {shared, personal}
    assert set(saved_views_visible_to(actor_for(cast.opera.line2))) == {shared}
    for user in (cast.tours.line1, cast.outsider, cast.opera.customer_user):
        assert not saved_views_visible_to(actor_for(user)).exists()
        with pytest.raises(Exception, match="No such"):
            access_saved_view(actor_for(user), shared.pk)
    assert set(saved_views_visible_to(actor_for(cast.provider_admin))) == {shared}


def test_a_brand_view_stays_in_its_brand_whatever_its_filters_say(cast):
    opera = actor_for(cast.opera.line1)
    view = create_saved_view(
        actor=opera, name="Tours", filters={"brand": cast.tours.brand.pk}, brand=cast.opera.brand, shared=True
    )
    assert view_filters(view).brand_id == cast.opera.brand.pk


@pytest.mark.parametrize("sort", list(Sort))
def test_an_agent_of_two_brands_pages_through_both_in_order(cast, sort):
    from frontdesk.tickets.queues import page_of_queue, queue_parts
    from frontdesk.users.actions import add_agent_membership

    add_agent_membership(cast.opera.line1, actor=SYSTEM, brand=cast.tours.brand, line=1)
    cast.opera.line1.refresh_from_db()
    tickets = [(cast.opera if i % 3 else cast.tours).ticket(f"Question {i}") for i in range(8)]
    for i, ticket in enumerate(tickets):
        actions.update_ticket(ticket, actor=SYSTEM, priority=list(Priority)[i % 4])
    _give_deadlines(tickets)
    desk = _desk(cast.opera.line1)
    filters = QueueFilters(queue=QueueKind.UNASSIGNED, sort=sort)
    assert len(queue_parts(desk, filters)) == 2
    seen, cursor = [], None
    while True:
        page = page_of_queue(desk, filters, cursor, size=3)
        seen.extend(page.tickets)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    expected = list(page_of(queue_tickets(desk, filters), sort, size=50).tickets)
    assert [t.pk for t in seen] == [t.pk for t in expected]
    assert len(seen) == 8


def test_a_page_takes_brands_and_teams_the_caller_loaded_and_looks_up_only_the_others(cast, count_queries):
    from frontdesk.tickets.queues import page_of_queue

    known = create_team(actor=SYSTEM, name="Known", brand=cast.opera.brand)
    other = create_team(actor=SYSTEM, name="Other", brand=cast.opera.brand)
    for team in (known, other, None):
        actions.update_ticket(cast.opera.ticket(), actor=SYSTEM, team=team)
    desk = _desk(cast.opera.line1)
    filters = QueueFilters(queue=QueueKind.ALL)
    with count_queries() as looked_up:
        page_of_queue(desk, filters)
    with count_queries(len(looked_up) - 1):  # brands from the list; one look-up for the "Other" team
        page = page_of_queue(desk, filters, brands=[cast.opera.brand], teams=[known])
    with count_queries(0):
        shown = {(t.brand.name, t.team.name if t.team else None) for t in page.tickets}
    assert shown == {
        (cast.opera.brand.name, "Known"),
        (cast.opera.brand.name, "Other"),
        (cast.opera.brand.name, None),
    }
