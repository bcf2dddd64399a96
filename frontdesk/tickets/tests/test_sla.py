"""Service levels on tickets: deadlines in the brand's business hours kept current after every change, paused
while waiting for the customer, and warnings and breaches marked once by the scanner."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from frontdesk.sla.actions import save_calendar
from frontdesk.sla.models import SlaPolicy
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import EventKind, Priority, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.tickets.sla import apply_service_levels, scan_service_levels
from frontdesk.users.actors import actor_for
from frontdesk.users.models import Customer, Organization

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")
OFFICE = {day: ["10:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def msk(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, second, tzinfo=MOSCOW)


@pytest.fixture
def desk(cast, time_machine, django_capture_on_commit_callbacks):
    opera = cast.opera
    save_calendar(
        opera.brand,
        actor=actor_for(opera.admin),
        name="Box office",
        time_zone="Europe/Moscow",
        weekly_hours=OFFICE,
    )
    SlaPolicy.objects.create(
        brand=opera.brand,
        name="Urgent",
        position=1,
        priorities=["urgent"],
        first_response_minutes=5,
        resolution_minutes=120,
    )
    SlaPolicy.objects.create(
        brand=opera.brand,
        name="Standard",
        position=2,
        first_response_minutes=9,
        next_response_minutes=60,
        resolution_minutes=16 * 60,
        update_interval_minutes=8 * 60,
    )

    class Desk:
        agent = actor_for(opera.line1)

        @staticmethod
        def at(moment):
            time_machine.move_to(moment, tick=False)

        @staticmethod
        def run(action, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return action(*args, **kwargs)

        @staticmethod
        def fresh(ticket):
            return Ticket.objects.get(pk=ticket.pk)

    return Desk


def test_a_request_just_before_closing_on_friday_is_due_on_monday_morning(cast, desk):
    desk.at(msk(4, 17, 55))
    ticket = desk.fresh(desk.run(cast.opera.ticket, "Where are my tickets?"))
    assert ticket.sla_policy.name == "Standard"
    assert ticket.first_response_due_at == msk(7, 10, 4)
    assert ticket.resolution_due_at == msk(8, 17, 55)
    assert ticket.next_update_due_at == msk(7, 17, 55)
    assert ticket.sla_due_at == ticket.first_response_due_at
    assert ticket.sla_warn_at == msk(7, 10, 2, 12)


def test_the_first_answer_stops_its_clock_and_a_customer_reply_starts_the_next(cast, desk):
    desk.at(msk(7, 10, 0))
    ticket = desk.run(cast.opera.ticket, "Refund")
    desk.at(msk(7, 10, 5))
    desk.run(ticket_actions.reply_to_ticket, ticket, actor=desk.agent, body=make_body(text="On it."))
    answered = desk.fresh(ticket)
    assert answered.first_response_due_at is None
    assert answered.next_response_due_at is None
    assert answered.sla_due_at == answered.resolution_due_at == msk(8, 18, 0)
    desk.at(msk(7, 11, 0))
    customer = actor_for(cast.opera.customer_user)
    desk.run(ticket_actions.reply_to_ticket, ticket, actor=customer, body=make_body(text="Any news?"))
    assert desk.fresh(ticket).next_response_due_at == msk(7, 12, 0)
    assert desk.fresh(ticket).sla_due_at == msk(7, 12, 0)


def test_waiting_for_the_customer_stops_the_clock_and_the_wait_is_given_back(cast, desk):
    desk.at(msk(7, 10, 0))
    ticket = desk.run(cast.opera.ticket, "Seats")
    desk.at(msk(7, 10, 5))
    desk.run(
        ticket_actions.reply_to_ticket,
        ticket,
        actor=desk.agent,
        body=make_body(text="Which row?"),
        status=Status.PENDING_CUSTOMER,
    )
    paused = desk.fresh(ticket)
    assert paused.sla_due_at is None
    assert paused.resolution_due_at is None
    desk.at(msk(7, 13, 5))  # three business hours later
    desk.run(ticket_actions.change_status, ticket, actor=desk.agent, status=Status.OPEN)
    assert desk.fresh(ticket).resolution_due_at == msk(9, 13, 0)  # 16 h + 3 h from Monday 10:00


def test_the_policy_follows_the_priority(cast, desk):
    desk.at(msk(7, 12, 0))
    ticket = desk.run(cast.opera.ticket, "Payment taken twice")
    desk.run(ticket_actions.update_ticket, ticket, actor=desk.agent, priority=Priority.URGENT)
    urgent = desk.fresh(ticket)
    assert urgent.sla_policy.name == "Urgent"
    assert urgent.first_response_due_at == msk(7, 12, 5)


def test_the_policy_follows_the_customer_tier_own_before_the_organization(cast, desk):
    SlaPolicy.objects.create(
        brand=cast.opera.brand, name="VIP", position=0, customer_tiers=["vip"], first_response_minutes=2
    )
    SlaPolicy.objects.create(
        brand=cast.opera.brand,
        name="Premium",
        position=0,
        customer_tiers=["premium"],
        first_response_minutes=4,
    )
    desk.at(msk(7, 12, 0))
    customer = cast.opera.customer
    assert desk.fresh(desk.run(cast.opera.ticket, "Plain")).sla_policy.name == "Standard"
    company = Organization.objects.create(brand=cast.opera.brand, name="Friends of the opera", tier="premium")
    Customer.objects.filter(pk=customer.pk).update(organization=company)
    premium = desk.fresh(desk.run(cast.opera.ticket, "Through the company"))
    assert premium.sla_policy.name == "Premium"
    assert premium.first_response_due_at == msk(7, 12, 4)
    Customer.objects.filter(pk=customer.pk).update(tier="vip")
    vip = desk.fresh(desk.run(cast.opera.ticket, "Own tier first"))
    assert vip.sla_policy.name == "VIP"
    assert vip.first_response_due_at == msk(7, 12, 2)


def test_solved_tickets_and_brands_without_a_policy_have_no_deadlines(cast, desk):
    desk.at(msk(7, 12, 0))
    ticket = desk.run(cast.opera.ticket, "Thanks")
    desk.run(ticket_actions.change_status, ticket, actor=desk.agent, status=Status.SOLVED)
    assert desk.fresh(ticket).sla_due_at is None
    other = desk.fresh(desk.run(cast.tours.ticket, "Visa"))
    assert other.sla_policy_id is None
    assert other.sla_due_at is None


def test_the_scanner_warns_then_marks_the_breach_once_and_raises_the_priority(cast, desk):
    desk.at(msk(7, 10, 0))
    ticket = desk.run(cast.opera.ticket, "Nobody answers")
    desk.at(msk(7, 10, 8))
    assert desk.run(scan_service_levels) == {"warned": [ticket.pk], "breached": []}
    assert desk.run(scan_service_levels) == {"warned": [], "breached": []}
    desk.at(msk(7, 10, 10))
    assert desk.run(scan_service_levels)["breached"] == [ticket.pk]
    assert desk.run(scan_service_levels)["breached"] == []
    breached = desk.fresh(ticket)
    assert breached.priority == Priority.HIGH
    events = list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.SLA_WARNING, EventKind.SLA_BREACHED])
    )
    assert [e.kind for e in events] == [EventKind.SLA_WARNING, EventKind.SLA_BREACHED]
    assert events[1].data["clock"] == "first_response"
    assert events[1].data["priority"] == {"before": "normal", "after": "high"}
    assert [e.at for e in events] == [msk(7, 10, 8), msk(7, 10, 10)]
    # Answering late stops the first clock; the resolution clock is watched from now on.
    desk.run(ticket_actions.reply_to_ticket, ticket, actor=desk.agent, body=make_body(text="Sorry, here."))
    answered = desk.fresh(ticket)
    assert answered.sla_due_at == answered.resolution_due_at
    assert answered.sla_breached_at is None


def test_recomputing_an_unchanged_ticket_writes_nothing(cast, desk):
    desk.at(msk(7, 10, 0))
    ticket = desk.run(cast.opera.ticket, "Hello")
    assert apply_service_levels([ticket.pk]) == 0
    SlaPolicy.objects.filter(name="Standard").update(first_response_minutes=30)
    assert apply_service_levels([ticket.pk, 10**9]) == 1
    assert desk.fresh(ticket).first_response_due_at == msk(7, 10, 30)


def test_a_customer_waiting_longer_than_the_update_interval_gets_news_once_per_interval(
    cast, desk, mailoutbox
):
    from frontdesk.tickets.sla import send_status_updates

    desk.at(msk(7, 10, 0))
    ticket = desk.run(cast.opera.ticket, "Refund not received")
    desk.at(msk(7, 10, 5))
    desk.run(
        ticket_actions.reply_to_ticket, ticket, actor=desk.agent, body=make_body(text="We asked the bank.")
    )
    assert desk.fresh(ticket).next_update_due_at == msk(8, 10, 5)
    mailoutbox.clear()
    desk.at(msk(8, 10, 4))
    assert desk.run(send_status_updates) == []
    desk.at(msk(8, 10, 6))
    assert desk.run(send_status_updates) == [ticket.pk]
    assert desk.run(send_status_updates) == []
    [update] = [m for m in mailoutbox if ticket.number in m.subject]
    assert update.to == [cast.opera.customer.email]
    assert "We asked the bank." in update.body
    # The next news is due a full interval after this one.
    assert desk.fresh(ticket).next_update_due_at == msk(9, 10, 6)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_UPDATE)
    assert event.data["last_answer"] == "We asked the bank."


def test_no_news_is_sent_while_the_ticket_waits_for_the_customer(cast, desk):
    from frontdesk.tickets.sla import send_status_updates

    desk.at(msk(7, 10, 0))
    ticket = desk.run(cast.opera.ticket, "Which seats?")
    desk.run(
        ticket_actions.reply_to_ticket,
        ticket,
        actor=desk.agent,
        body=make_body(text="Tell us the row."),
        status=Status.PENDING_CUSTOMER,
    )
    desk.at(msk(10, 10, 0))
    assert desk.run(send_status_updates) == []


def test_a_scan_pass_costs_the_same_statements_for_three_or_thirty_due_tickets(cast, desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def pass_over(count, day):
        desk.at(msk(day, 10, 0))
        tickets = [desk.run(cast.opera.ticket, f"Nobody answers {n}") for n in range(count)]
        desk.at(msk(day, 10, 10))  # past the warning and the first-response deadline
        with CaptureQueriesContext(connection) as queries:  # the pass alone: its consumers run after commit
            marked = scan_service_levels()
        assert sorted(marked["warned"]) == sorted(marked["breached"]) == sorted(t.pk for t in tickets)
        events = TicketEvent.objects.filter(ticket__in=tickets, kind=EventKind.SLA_BREACHED)
        assert events.count() == count
        assert all(desk.fresh(t).priority == Priority.HIGH for t in tickets)
        return len(queries)

    assert pass_over(3, 8) == pass_over(30, 9)
