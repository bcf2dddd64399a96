"""Follow-ups of quiet tickets: solved ones close, waiting customers are reminded once, then their tickets are
solved; each by the brand's own numbers of days."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from frontdesk.core.schedules import registered
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.followups import (
    AUTO_CLOSE,
    NO_ANSWER,
    close_solved_tickets,
    remind_waiting_customers,
    solve_unanswered_tickets,
)
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import actor_for

UTC = dt.UTC


def day(n: float) -> dt.datetime:
    """``n`` days after the start of every story, 1 December 2026 at 09:00 UTC."""
    return dt.datetime(2026, 12, 1, 9, tzinfo=UTC) + dt.timedelta(days=n)


@pytest.fixture
def clock(time_machine):
    def at(n: float) -> None:
        time_machine.move_to(day(n), tick=False)

    at(0)
    return at


def status_of(ticket: Ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


def events(ticket: Ticket, kind: EventKind) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("id"))


def set_status(cast_brand, ticket: Ticket, status: str) -> None:
    actions.change_status(ticket, actor=actor_for(cast_brand.line1), status=status)


def customer_replies(cast_brand, ticket: Ticket) -> None:
    actions.reply_to_ticket(
        ticket, actor=actor_for(cast_brand.customer_user), body=make_body(text="Here is the booking number.")
    )


# --- Solved tickets close ---------------------------------------------------------------------------------


def test_a_solved_ticket_closes_after_the_brands_days_and_not_before(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.SOLVED)

    clock(6.99)
    assert close_solved_tickets() == []
    clock(7.01)
    assert close_solved_tickets() == [ticket.pk]
    assert close_solved_tickets() == []

    assert status_of(ticket) == Status.CLOSED
    (closed,) = events(ticket, EventKind.CLOSED)
    assert closed.actor_kind == "system"
    assert closed.data == {"before": Status.SOLVED, "after": Status.CLOSED, "reason": AUTO_CLOSE}


def test_solved_tickets_never_close_when_the_brand_says_0(cast, clock):
    cast.opera.brand.auto_close_solved_days = 0
    cast.opera.brand.save(update_fields=["auto_close_solved_days"])
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.SOLVED)

    clock(400)
    assert close_solved_tickets() == []
    assert status_of(ticket) == Status.SOLVED


def test_a_customer_reply_before_the_close_reopens_the_ticket_and_it_stays_open(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.SOLVED)
    clock(5)
    customer_replies(cast.opera, ticket)

    clock(30)
    assert close_solved_tickets() == []
    assert status_of(ticket) == Status.OPEN


def test_a_touch_of_a_solved_ticket_restarts_its_days(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.SOLVED)
    clock(5)
    actions.add_note(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Refund sent."))

    clock(11.9)
    assert close_solved_tickets() == []
    clock(12.1)
    assert close_solved_tickets() == [ticket.pk]


def test_each_pass_closes_a_bounded_number_oldest_first(cast, clock):
    tickets = [cast.opera.ticket(f"Question {i}") for i in range(3)]
    for ticket in tickets:
        set_status(cast.opera, ticket, Status.SOLVED)

    clock(8)
    assert close_solved_tickets(limit=2) == [tickets[0].pk, tickets[1].pk]
    assert close_solved_tickets(limit=2) == [tickets[2].pk]


# --- Waiting customers are reminded, then their tickets solved ---------------------------------------------


def test_a_waiting_customer_is_reminded_once_after_the_brands_days(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)

    clock(2.99)
    assert remind_waiting_customers() == []
    clock(3.01)
    assert remind_waiting_customers() == [ticket.pk]
    clock(3.5)
    assert remind_waiting_customers() == []

    (reminder,) = events(ticket, EventKind.REMINDER_SENT)
    assert reminder.actor_kind == "system"
    assert reminder.data == {"waiting_since": day(0).isoformat(), "days": 3}
    assert status_of(ticket) == Status.PENDING_CUSTOMER


def test_a_note_does_not_restart_the_wait_but_a_customer_reply_does(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)
    clock(1)
    actions.add_note(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Called, no answer."))
    clock(3.01)
    assert remind_waiting_customers() == [ticket.pk]

    clock(4)
    customer_replies(cast.opera, ticket)
    assert status_of(ticket) == Status.OPEN
    clock(5)
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)

    clock(7.5)  # four days after the first reminder, but only 2.5 into the new wait
    assert solve_unanswered_tickets() == []
    assert remind_waiting_customers() == []
    clock(8.01)
    assert remind_waiting_customers() == [ticket.pk]
    assert [e.data["waiting_since"] for e in events(ticket, EventKind.REMINDER_SENT)] == [
        day(0).isoformat(),
        day(5).isoformat(),
    ]


def test_still_unanswered_after_the_second_period_the_ticket_is_solved_saying_why(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)
    clock(3.01)
    remind_waiting_customers()

    clock(6.99)
    assert solve_unanswered_tickets() == []
    clock(7.02)
    assert solve_unanswered_tickets() == [ticket.pk]
    assert solve_unanswered_tickets() == []

    assert status_of(ticket) == Status.SOLVED
    (solved,) = events(ticket, EventKind.SOLVED)
    assert solved.actor_kind == "system"
    assert solved.data == {"before": Status.PENDING_CUSTOMER, "after": Status.SOLVED, "reason": NO_ANSWER}
    # And then, solved and quiet, it closes like any other.
    clock(14.1)
    assert close_solved_tickets() == [ticket.pk]


def test_a_ticket_never_reminded_is_not_solved(cast, clock):
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)

    clock(30)
    assert solve_unanswered_tickets() == []
    assert status_of(ticket) == Status.PENDING_CUSTOMER


def test_tickets_in_other_statuses_are_neither_reminded_nor_solved(cast, clock):
    waiting_for_supplier = cast.opera.ticket()
    set_status(cast.opera, waiting_for_supplier, Status.PENDING_THIRD_PARTY)
    on_hold = cast.opera.ticket()
    set_status(cast.opera, on_hold, Status.ON_HOLD)

    clock(30)
    assert remind_waiting_customers() == []
    assert solve_unanswered_tickets() == []


def test_each_brand_uses_its_own_days(cast, clock):
    tours = cast.tours.brand
    tours.pending_reminder_days, tours.pending_close_days, tours.auto_close_solved_days = 1, 2, 1
    tours.save(update_fields=["pending_reminder_days", "pending_close_days", "auto_close_solved_days"])
    opera_waiting, tours_waiting = cast.opera.ticket(), cast.tours.ticket()
    set_status(cast.opera, opera_waiting, Status.PENDING_CUSTOMER)
    set_status(cast.tours, tours_waiting, Status.PENDING_CUSTOMER)
    opera_solved, tours_solved = cast.opera.ticket(), cast.tours.ticket()
    set_status(cast.opera, opera_solved, Status.SOLVED)
    set_status(cast.tours, tours_solved, Status.SOLVED)

    clock(1.01)
    assert remind_waiting_customers() == [tours_waiting.pk]
    assert close_solved_tickets() == [tours_solved.pk]
    clock(3.02)
    assert solve_unanswered_tickets() == [tours_waiting.pk]
    assert remind_waiting_customers() == [opera_waiting.pk]


def test_without_reminders_nobody_is_reminded_and_a_wait_is_solved_after_the_closing_days(cast, clock):
    brand = cast.opera.brand
    brand.pending_reminder_days = 0
    brand.save(update_fields=["pending_reminder_days"])
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)

    clock(3.99)
    assert remind_waiting_customers() == []
    assert solve_unanswered_tickets() == []
    clock(4.01)
    assert solve_unanswered_tickets() == [ticket.pk]
    assert events(ticket, EventKind.REMINDER_SENT) == []


def test_with_closing_days_0_a_reminded_ticket_stays_waiting(cast, clock):
    brand = cast.opera.brand
    brand.pending_close_days = 0
    brand.save(update_fields=["pending_close_days"])
    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)
    clock(3.01)
    assert remind_waiting_customers() == [ticket.pk]

    clock(60)
    assert solve_unanswered_tickets() == []
    assert status_of(ticket) == Status.PENDING_CUSTOMER


def test_a_ticket_changed_since_the_scan_read_it_is_not_taken(cast, clock):
    from frontdesk.tickets.followups import _take_together

    ticket = cast.opera.ticket()
    set_status(cast.opera, ticket, Status.SOLVED)
    seen = {ticket.pk: Ticket.objects.get(pk=ticket.pk).updated_at}

    assert [t.pk for t in _take_together(seen, Status.SOLVED, day(8))] == [ticket.pk]
    assert _take_together(seen, Status.SOLVED, day(8)) == []  # a second worker with the same read


@pytest.mark.postgres  # threads on one SQLite test database lock each other's tables
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_a_customer_once(settings, time_machine):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are PostgreSQL's; SQLite writes one at a time")
    from frontdesk.testing.cast import make_cast

    settings.FRONTDESK_EVENT_CONSUMERS = []
    time_machine.move_to(day(0), tick=False)
    cast = make_cast()
    tickets = [cast.opera.ticket(f"Question {i}") for i in range(5)]
    for ticket in tickets:
        set_status(cast.opera, ticket, Status.PENDING_CUSTOMER)
    time_machine.move_to(day(3.5), tick=False)
    start = threading.Barrier(3)
    errors: list[BaseException] = []
    done: list[list[int]] = []

    def worker() -> None:
        try:
            start.wait()
            done.append(remind_waiting_customers())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not errors
    assert sorted(pk for one in done for pk in one) == sorted(t.pk for t in tickets)
    assert TicketEvent.objects.filter(kind=EventKind.REMINDER_SENT).count() == 5


def test_the_follow_ups_are_scheduled_jobs():
    jobs = registered()
    assert jobs["tickets.close_solved_tickets"].run is close_solved_tickets
    assert jobs["tickets.remind_waiting_customers"].run is remind_waiting_customers
    assert jobs["tickets.solve_unanswered_tickets"].run is solve_unanswered_tickets
    names = ("close_solved_tickets", "remind_waiting_customers", "solve_unanswered_tickets")
    assert all(jobs[f"tickets.{name}"].every <= dt.timedelta(minutes=5) for name in names)


def test_the_scans_read_a_brands_tickets_through_its_indexes(cast, is_postgres):
    if not is_postgres:
        pytest.skip("the plans are PostgreSQL's")
    from django.db.models import Q

    from frontdesk.tickets.followups import _waiting

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    brand_id = cast.opera.brand.pk
    solved = Ticket.objects.filter(brand_id=brand_id, status=Status.SOLVED, updated_at__lte=day(0))
    # ticket_brand_status at scale; on an empty table the planner may take ticket_brand.
    for plan in (
        solved.order_by("id").explain(),
        _waiting(brand_id).filter(Q(waiting_since__lte=day(0))).explain(),
    ):
        assert "Seq Scan" not in plan
        assert "using ticket_brand" in plan
    assert "event_ticket" in _waiting(brand_id).explain()
