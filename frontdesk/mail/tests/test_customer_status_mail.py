"""Status changes a brand chose to mail: the customer hears of them in their language, once per event, never
twice on solving; every automatic customer mail has its own kind and the caps that fit it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.consumers import send_ticket_mail
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.tickets import actions
from frontdesk.tickets.access_links import send_ticket_access_link
from frontdesk.tickets.choices import Channel, EventKind, Rating, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.events import record_event
from frontdesk.tickets.models import TicketEvent
from frontdesk.tickets.satisfaction import rate_ticket
from frontdesk.users.actors import SYSTEM, actor_for


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call ``fn`` and run what it queued after commit (the event consumers, the sending)."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def _mails_status(cast, *statuses):
    brand = cast.opera.brand
    brand.customer_status_mail = list(statuses)
    brand.save(update_fields=["customer_status_mail"])


def _speaks(customer, language):
    customer.language = language
    customer.save(update_fields=["language"])


@pytest.fixture
def ticket(cast, run):
    ticket = run(cast.opera.ticket, "Where are my tickets?")
    mail.outbox.clear()
    return ticket


def _move(cast, run, ticket, status, *, by=None):
    return run(actions.change_status, ticket, actor=actor_for(by or cast.opera.line1), status=status)


def _status_mails(ticket):
    return list(
        OutboundMessage.objects.filter(ticket=ticket, kind=OutboundKind.STATUS_CHANGED).order_by("id")
    )


# --- Which changes are mailed ------------------------------------------------------------------------------


def test_a_change_into_a_chosen_status_mails_the_customer_once_and_other_changes_do_not(cast, run, ticket):
    _mails_status(cast, Status.PENDING_THIRD_PARTY)
    _speaks(cast.opera.customer, "en")

    _move(cast, run, ticket, Status.PENDING_THIRD_PARTY)
    [sent] = mail.outbox
    assert sent.to == [cast.opera.customer.email]
    assert (
        sent.subject
        == f"Status of your request: Waiting for a third party — Where are my tickets? [{ticket.number}]"
    )
    assert "We are waiting for an answer from a third party" in sent.body
    assert "a third party" in sent.alternatives[0].content
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    [outbound] = _status_mails(ticket)
    assert outbound.event.kind == EventKind.STATUS_CHANGED
    assert outbound.status == OutboundStatus.SENT

    # Not a chosen status: nothing.
    _move(cast, run, ticket, Status.ON_HOLD)
    _move(cast, run, ticket, Status.OPEN)
    assert len(mail.outbox) == 1
    assert len(_status_mails(ticket)) == 1


def test_running_the_consumer_again_plans_no_second_status_mail(cast, run, ticket):
    _mails_status(cast, Status.ON_HOLD)
    _move(cast, run, ticket, Status.ON_HOLD)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED)

    run(send_ticket_mail, event)
    run(send_ticket_mail, event)

    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("language", "subject", "explanation"),
    [
        ("en", "Status of your request: On hold", "It is on hold for now"),
        ("ru", "Статус вашего обращения: Отложено", "Работа над ним пока приостановлена"),
        ("pl", "Status Twojego zgłoszenia: Wstrzymane", "Na razie jest wstrzymane"),
    ],
)
def test_the_status_mail_is_in_the_customers_language(cast, run, ticket, language, subject, explanation):
    _mails_status(cast, Status.ON_HOLD)
    _speaks(cast.opera.customer, language)

    _move(cast, run, ticket, Status.ON_HOLD)

    [sent] = mail.outbox
    assert sent.subject.startswith(subject)
    assert explanation in sent.body
    assert OutboundMessage.objects.get(kind=OutboundKind.STATUS_CHANGED).language == language


def test_closing_and_reopening_are_mailed_when_chosen(cast, run, ticket):
    _mails_status(cast, Status.OPEN, Status.CLOSED)
    _speaks(cast.opera.customer, "en")
    _move(cast, run, ticket, Status.SOLVED)
    _move(cast, run, ticket, Status.OPEN)  # an agent reopens: event "reopened"
    _move(cast, run, ticket, Status.CLOSED)

    kinds = [m.event.kind for m in _status_mails(ticket)]
    assert kinds == [EventKind.REOPENED, EventKind.CLOSED]
    assert "It is closed." in mail.outbox[-1].body


def test_a_change_the_customer_made_is_not_mailed_to_them(cast, run, ticket):
    _mails_status(cast, Status.CLOSED, Status.OPEN)
    _move(cast, run, ticket, Status.SOLVED)
    # The customer answers the solved request (it reopens), then closes it themselves.
    run(
        actions.reply_to_ticket,
        ticket,
        actor=actor_for(cast.opera.customer_user),
        body=make_body(text="Not yet, sorry."),
    )
    _move(cast, run, ticket, Status.CLOSED, by=cast.opera.customer_user)

    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REOPENED).exists()
    assert _status_mails(ticket) == []


def test_a_change_sent_with_an_agents_reply_is_told_by_the_reply_alone(cast, run, ticket):
    _mails_status(cast, Status.PENDING_CUSTOMER)
    run(
        actions.reply_to_ticket,
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="Which row?"),
        status=Status.PENDING_CUSTOMER,
    )
    [reply] = mail.outbox
    assert "Which row?" in reply.body
    assert _status_mails(ticket) == []

    # Set on its own later, it is mailed.
    _move(cast, run, ticket, Status.OPEN)
    _move(cast, run, ticket, Status.PENDING_CUSTOMER)
    assert len(_status_mails(ticket)) == 1


def test_no_status_mail_by_mail_to_chat_customers_or_customers_without_an_address(cast, run):
    _mails_status(cast, Status.ON_HOLD)
    chat = run(
        actions.create_ticket,
        cast.opera.brand,
        actor=SYSTEM,
        customer=cast.opera.customer,
        subject="Chat",
        body=make_body(text="Hi"),
        channel=Channel.CHAT,
    )
    from frontdesk.users.actions import create_customer

    caller = create_customer(cast.opera.brand, actor=SYSTEM, name="Caller", phones=["+48 600 000 000"])
    call = run(
        actions.create_ticket,
        cast.opera.brand,
        actor=actor_for(cast.opera.line1),
        customer=caller,
        subject="Phoned",
        body=make_body(text="Called about seats"),
        channel=Channel.PHONE,
    )
    mail.outbox.clear()

    _move(cast, run, chat, Status.ON_HOLD)
    _move(cast, run, call, Status.ON_HOLD)

    assert mail.outbox == []
    assert not OutboundMessage.objects.filter(kind=OutboundKind.STATUS_CHANGED).exists()


def test_a_suppressed_address_gets_no_status_mail(cast, run, ticket):
    _mails_status(cast, Status.ON_HOLD)
    Suppression.objects.create(
        brand=cast.opera.brand,
        address=cast.opera.customer.email.lower(),
        until=timezone.now() + timedelta(days=1),
    )
    _move(cast, run, ticket, Status.ON_HOLD)
    assert mail.outbox == []
    [outbound] = _status_mails(ticket)
    assert (outbound.status, outbound.reason) == (OutboundStatus.SKIPPED, "suppressed")


def test_another_brands_choice_does_not_mail_this_brands_customers(cast, run):
    brand = cast.tours.brand
    brand.customer_status_mail = [Status.ON_HOLD]
    brand.save(update_fields=["customer_status_mail"])
    ticket = run(cast.opera.ticket, "Seats")
    mail.outbox.clear()
    _move(cast, run, ticket, Status.ON_HOLD)
    assert mail.outbox == []


# --- Solving: one mail -------------------------------------------------------------------------------------


def test_solving_sends_the_rating_request_and_no_separate_solved_mail(cast, run, ticket):
    _mails_status(cast, Status.SOLVED)
    _move(cast, run, ticket, Status.SOLVED)

    [sent] = mail.outbox
    assert "/rate/" in sent.body
    solved = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SOLVED)
    [outbound] = OutboundMessage.objects.filter(event=solved)
    assert outbound.kind == OutboundKind.SATISFACTION
    assert _status_mails(ticket) == []


def test_a_request_solved_again_after_its_rating_gets_the_solved_status_mail(cast, run, ticket):
    _mails_status(cast, Status.SOLVED)
    _speaks(cast.opera.customer, "en")
    _move(cast, run, ticket, Status.SOLVED)
    run(rate_ticket, ticket, actor=actor_for(cast.opera.customer_user), rating=Rating.GOOD)
    _move(cast, run, ticket, Status.OPEN)
    mail.outbox.clear()

    _move(cast, run, ticket, Status.SOLVED)

    [sent] = mail.outbox
    assert "/rate/" not in sent.body
    assert "We consider it solved." in sent.body
    [outbound] = _status_mails(ticket)
    assert outbound.event.kind == EventKind.SOLVED


def test_without_solved_chosen_a_rated_request_solved_again_gets_nothing(cast, run, ticket):
    _move(cast, run, ticket, Status.SOLVED)
    run(rate_ticket, ticket, actor=actor_for(cast.opera.customer_user), rating=Rating.GOOD)
    _move(cast, run, ticket, Status.OPEN)
    mail.outbox.clear()
    _move(cast, run, ticket, Status.SOLVED)
    assert mail.outbox == []


# --- Kinds and caps ----------------------------------------------------------------------------------------


def _status_update(run, ticket):
    """The event the service-level schedule records for news that is due."""
    run(record_event, ticket, EventKind.STATUS_UPDATE, actor=SYSTEM, data={"last_answer": "Soon."})


def test_each_automatic_mail_is_recorded_with_its_own_kind(cast, run, ticket):
    _status_update(run, ticket)
    run(send_ticket_access_link, cast.opera.brand, number=ticket.number, email=cast.opera.customer.email)
    _move(cast, run, ticket, Status.SOLVED)

    kinds = {
        m.event.kind: m.kind for m in OutboundMessage.objects.filter(ticket=ticket).select_related("event")
    }
    assert kinds == {
        EventKind.CREATED: OutboundKind.ACKNOWLEDGEMENT,
        EventKind.STATUS_UPDATE: OutboundKind.STATUS_UPDATE,
        EventKind.ACCESS_LINK_SENT: OutboundKind.ACCESS_LINK,
        EventKind.SOLVED: OutboundKind.SATISFACTION,
    }


@override_settings(FRONTDESK_MAIL_ACKS_PER_HOUR=1)
def test_status_mails_and_rating_requests_do_not_count_toward_the_acknowledgement_cap(cast, run, ticket):
    _mails_status(cast, Status.ON_HOLD)
    _status_update(run, ticket)
    _move(cast, run, ticket, Status.ON_HOLD)
    _move(cast, run, ticket, Status.SOLVED)
    assert not OutboundMessage.objects.filter(status=OutboundStatus.SKIPPED).exists()
    assert len(mail.outbox) == 3

    # The acknowledgement cap still holds for acknowledgements: a second new request within the hour.
    second = run(cast.opera.ticket, "Second")
    ack = OutboundMessage.objects.get(ticket=second, kind=OutboundKind.ACKNOWLEDGEMENT)
    assert (ack.status, ack.reason) == (OutboundStatus.SKIPPED, "rate_cap")


@override_settings(FRONTDESK_MAIL_ACKS_PER_HOUR=1)
def test_access_links_have_a_cap_of_their_own(cast, run, ticket):
    for _ in range(2):
        run(send_ticket_access_link, cast.opera.brand, number=ticket.number, email=cast.opera.customer.email)
    links = OutboundMessage.objects.filter(kind=OutboundKind.ACCESS_LINK).order_by("id")
    assert [(m.status, m.reason) for m in links] == [
        (OutboundStatus.SENT, ""),
        (OutboundStatus.SKIPPED, "rate_cap"),
    ]


@override_settings(FRONTDESK_MAIL_AUTOMATIC_PER_HOUR=3)
def test_automatic_mail_to_one_address_is_capped_per_hour_and_replies_are_not(cast, run, ticket):
    _mails_status(cast, Status.ON_HOLD, Status.OPEN)
    # The acknowledgement was the first; two more automatic mails reach the cap of three.
    _move(cast, run, ticket, Status.ON_HOLD)
    _move(cast, run, ticket, Status.OPEN)
    _move(cast, run, ticket, Status.ON_HOLD)
    statuses = [(m.status, m.reason) for m in _status_mails(ticket)]
    assert statuses == [
        (OutboundStatus.SENT, ""),
        (OutboundStatus.SENT, ""),
        (OutboundStatus.SKIPPED, "rate_cap"),
    ]
    run(actions.reply_to_ticket, ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Hi"))
    assert OutboundMessage.objects.get(kind=OutboundKind.REPLY).status == OutboundStatus.SENT


# --- Cost ------------------------------------------------------------------------------------------------


def _status_events(cast, count):
    """For ``count`` tickets of different customers: a change into a mailed status, or a reminder and a solve;
    their events left undispatched."""
    from frontdesk.users.actions import create_customer

    agent = actor_for(cast.opera.line1)
    before = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for n in range(count):
        customer = create_customer(
            cast.opera.brand, actor=SYSTEM, name=f"C{n}", emails=[f"c{n}-{count}@customer.example"]
        )
        ticket = cast.opera.ticket(f"Request {n}", by=customer)
        if n % 2:
            record_event(ticket, EventKind.REMINDER_SENT, actor=SYSTEM, data={"days": 3})
            actions.change_status(ticket, actor=agent, status=Status.SOLVED)
        else:
            actions.change_status(ticket, actor=agent, status=Status.ON_HOLD)
    kinds = (EventKind.STATUS_CHANGED, EventKind.REMINDER_SENT, EventKind.SOLVED)
    return list(TicketEvent.objects.filter(kind__in=kinds, pk__gt=before).order_by("id"))


def test_planning_many_status_mails_reminders_and_rating_requests_costs_the_same_statements_as_a_few(
    cast, count_queries
):
    from frontdesk.mail.outbound import plan_mail_for_events

    _mails_status(cast, Status.ON_HOLD)
    few = _status_events(cast, 2)
    many = _status_events(cast, 10)
    assert len(few) == 3
    assert len(many) == 15

    with count_queries() as for_few:
        plan_mail_for_events(few)
    with count_queries() as for_many:
        planned = plan_mail_for_events(many)

    assert len(for_many) == len(for_few), "\n".join(for_many)
    assert sorted(o.kind for o in planned) == sorted(
        [OutboundKind.STATUS_CHANGED] * 5 + [OutboundKind.REMINDER] * 5 + [OutboundKind.SATISFACTION] * 5
    )
