"""Acknowledgements planned and sent in batches: the same mails as one by one, with fewer statements."""

from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.test import override_settings

from frontdesk.mail import outbound as outbound_module
from frontdesk.mail.actions import store_raw_message
from frontdesk.mail.choices import OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.mail.outbound import plan_mail_for_events, send_outbound_batch
from frontdesk.mail.tasks import process_inbound_batch
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent
from frontdesk.tickets.tasks import dispatch_events


def _tickets_by_mail(brand, senders):
    """New tickets from mail, their events left undispatched."""
    stored = []
    for n, sender in enumerate(senders):
        with transaction.atomic():
            stored.append(store_raw_message(make_mail(frm=sender, subject=f"Mail {n}"), brand=brand))
    process_inbound_batch(stored[0].pk, size=len(stored))
    return list(TicketEvent.objects.filter(kind=EventKind.CREATED).order_by("id"))


def test_planning_many_acknowledgements_costs_the_same_statements_as_planning_two(
    mail_cast, count_queries, django_capture_on_commit_callbacks
):
    events = _tickets_by_mail(mail_cast.opera.brand, [f"c{n}@customer.example" for n in range(12)])
    with count_queries() as two:
        plan_mail_for_events(events[:2])
    with count_queries() as ten:
        planned = plan_mail_for_events(events[2:])
    assert len(ten) == len(two), "\n".join(ten)
    assert len(planned) == 10
    assert {o.status for o in planned} == {OutboundStatus.PENDING}
    assert sorted(o.recipient for o in planned) == sorted(f"c{n}@customer.example" for n in range(2, 12))
    # Each is threaded on the customer's mail and carries its ticket's number.
    for outbound in planned:
        assert outbound.in_reply_to
        assert f"[{outbound.ticket.number}]" in outbound.subject


@override_settings(FRONTDESK_MAIL_ACKS_PER_HOUR=3)
def test_the_hourly_cap_counts_the_acknowledgements_of_the_same_batch(
    mail_cast, django_capture_on_commit_callbacks
):
    events = _tickets_by_mail(mail_cast.opera.brand, ["nina@customer.example"] * 5)
    planned = plan_mail_for_events(events)
    assert [o.status for o in planned] == [OutboundStatus.PENDING] * 3 + [OutboundStatus.SKIPPED] * 2
    assert {o.reason for o in planned[3:]} == {"rate_cap"}


def test_planning_the_same_events_again_plans_nothing_new(mail_cast, django_capture_on_commit_callbacks):
    events = _tickets_by_mail(mail_cast.opera.brand, ["a@customer.example", "b@customer.example"])
    first = plan_mail_for_events(events)
    again = plan_mail_for_events(events)
    assert [o.pk for o in again] == [o.pk for o in first]
    assert OutboundMessage.objects.count() == 2


def test_a_batch_is_sent_over_one_connection_and_a_failing_mail_does_not_stop_the_others(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    events = _tickets_by_mail(mail_cast.opera.brand, [f"c{n}@customer.example" for n in range(4)])
    planned = plan_mail_for_events(events)
    mail.outbox.clear()
    opened: list[int] = []
    real_open = locmem.EmailBackend.open

    def counting_open(self):
        opened.append(1)
        return real_open(self)

    real_send = outbound_module.EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.to == ["c2@customer.example"]:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, fail_silently)

    monkeypatch.setattr(locmem.EmailBackend, "open", counting_open)
    monkeypatch.setattr(outbound_module.EmailMultiAlternatives, "send", send)
    results = send_outbound_batch([o.pk for o in planned])
    assert list(results.values()).count(OutboundStatus.SENT) == 3
    failed = OutboundMessage.objects.get(recipient="c2@customer.example")
    assert (failed.status, failed.attempts) == (OutboundStatus.PENDING, 1)
    assert "gone" in failed.last_error
    assert sorted(m.to[0] for m in mail.outbox) == [
        "c0@customer.example",
        "c1@customer.example",
        "c3@customer.example",
    ]
    assert opened == [1]
    # Nothing is sent twice.
    assert send_outbound_batch([o.pk for o in planned]) == {}


received: list[int] = []


def record(event):
    received.append(event.pk)


def _fails_for_the_second(events):
    if len(events) > 1:
        raise RuntimeError("the batch fails")
    if events[0].ticket.subject == "T1":
        raise RuntimeError("this event fails")
    received.extend(e.pk for e in events)


def picky(event):
    _fails_for_the_second([event])


picky.for_events = _fails_for_the_second


@override_settings(FRONTDESK_EVENT_CONSUMERS=["frontdesk.mail.tests.test_batch_outbound.picky"])
def test_a_batch_consumer_that_fails_gets_the_events_one_by_one_and_only_the_bad_one_is_retried(cast):
    received.clear()
    tickets = [cast.opera.ticket(f"T{n}") for n in range(3)]
    events = [TicketEvent.objects.get(ticket=t) for t in tickets]
    failed = dispatch_events(events[0].pk)
    assert failed == [events[1].pk]
    assert received == [events[0].pk, events[2].pk]
    rows = {e.pk: e for e in TicketEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert rows[events[0].pk].dispatched_at is not None
    assert rows[events[2].pk].dispatched_at is not None
    assert (rows[events[1].pk].dispatched_at, rows[events[1].pk].attempts) == (None, 1)
