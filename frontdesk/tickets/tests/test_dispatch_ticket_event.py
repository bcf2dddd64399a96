"""dispatch_ticket_event runs the configured consumers once per event; failures are retried, lost ones swept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.models import TicketEvent
from frontdesk.tickets.tasks import LEASE, dispatch_ticket_event, sweep_undispatched_events
from frontdesk.users.actors import actor_for

received: list[tuple[str, int, str]] = []


def record_consumer(event: TicketEvent) -> None:
    received.append(("record", event.pk, event.kind))


def second_consumer(event: TicketEvent) -> None:
    received.append(("second", event.pk, event.ticket.number))


def failing_consumer(event: TicketEvent) -> None:
    received.append(("failing", event.pk, event.kind))
    raise RuntimeError("mail server down")


HERE = __name__
CONSUMERS = [f"{HERE}.record_consumer", f"{HERE}.second_consumer"]


@pytest.fixture(autouse=True)
def _empty_calls():
    received.clear()
    yield
    received.clear()


def _run(event_id: int) -> None:
    """The task body, as a worker runs it."""
    dispatch_ticket_event.call_local(event_id)


@override_settings(FRONTDESK_EVENT_CONSUMERS=CONSUMERS)
def test_every_configured_consumer_runs_once_and_the_event_is_marked_dispatched(cast):
    ticket = cast.opera.ticket()
    event = TicketEvent.objects.get(ticket=ticket)

    _run(event.pk)

    assert received == [("record", event.pk, EventKind.CREATED), ("second", event.pk, ticket.number)]
    done = TicketEvent.objects.get(pk=event.pk)
    assert done.dispatched_at is not None
    assert (done.claimed_until, done.attempts) == (None, 0)


@override_settings(FRONTDESK_EVENT_CONSUMERS=CONSUMERS)
def test_a_second_run_of_a_dispatched_event_does_nothing(cast):
    event = TicketEvent.objects.get(ticket=cast.opera.ticket())
    _run(event.pk)
    dispatched_at = TicketEvent.objects.get(pk=event.pk).dispatched_at

    _run(event.pk)

    assert len(received) == 2
    assert TicketEvent.objects.get(pk=event.pk).dispatched_at == dispatched_at


@override_settings(FRONTDESK_EVENT_CONSUMERS=CONSUMERS)
def test_an_event_claimed_by_another_worker_is_left_to_it(cast):
    event = TicketEvent.objects.get(ticket=cast.opera.ticket())
    TicketEvent.objects.filter(pk=event.pk).update(claimed_until=timezone.now() + LEASE)

    _run(event.pk)

    assert received == []
    assert TicketEvent.objects.get(pk=event.pk).dispatched_at is None


@override_settings(FRONTDESK_EVENT_CONSUMERS=[f"{HERE}.failing_consumer"])
def test_a_failing_consumer_leaves_the_event_undispatched_with_one_more_attempt(cast):
    event = TicketEvent.objects.get(ticket=cast.opera.ticket())

    with pytest.raises(RuntimeError):
        _run(event.pk)
    with pytest.raises(RuntimeError):
        _run(event.pk)

    failed = TicketEvent.objects.get(pk=event.pk)
    assert (failed.dispatched_at, failed.claimed_until, failed.attempts) == (None, None, 2)
    assert len(received) == 2


@override_settings(FRONTDESK_EVENT_CONSUMERS=CONSUMERS)
def test_the_sweeper_requeues_events_whose_dispatch_was_lost(cast, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    old = TicketEvent.objects.get(ticket=cast.opera.ticket())
    time_machine.shift(timedelta(minutes=5))
    fresh = TicketEvent.objects.get(ticket=cast.opera.ticket("Second"))

    sweep_undispatched_events.call_local()

    # The sweeper rings for the lost event; the worker that answers takes the other waiting events along.
    assert [pk for _name, pk, _value in received] == [old.pk, fresh.pk, old.pk, fresh.pk]
    assert TicketEvent.objects.get(pk=old.pk).dispatched_at is not None
    assert TicketEvent.objects.get(pk=fresh.pk).dispatched_at is not None


@override_settings(FRONTDESK_EVENT_CONSUMERS=CONSUMERS)
def test_the_sweeper_takes_back_an_event_whose_worker_died_once_the_lease_expires(cast, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    event = TicketEvent.objects.get(ticket=cast.opera.ticket())
    TicketEvent.objects.filter(pk=event.pk).update(claimed_until=timezone.now() + LEASE)
    time_machine.shift(timedelta(minutes=2))
    sweep_undispatched_events.call_local()
    assert received == []

    time_machine.shift(LEASE)
    sweep_undispatched_events.call_local()

    assert [pk for _name, pk, _value in received] == [event.pk, event.pk]


@override_settings(FRONTDESK_EVENT_CONSUMERS=CONSUMERS)
def test_actions_queue_the_dispatch_of_their_events_after_commit(cast, django_capture_on_commit_callbacks):
    ticket = cast.opera.ticket()
    received.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.SOLVED)
    assert received == []  # nothing runs before the commit
    for callback in callbacks:
        callback()

    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SOLVED)
    # (The ticket's "created" event, never dispatched in this test, goes along in the same batch.)
    assert [r for r in received if r[1] == event.pk] == [
        ("record", event.pk, EventKind.SOLVED),
        ("second", event.pk, ticket.number),
    ]
    assert TicketEvent.objects.get(pk=event.pk).dispatched_at is not None
