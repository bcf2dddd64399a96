"""claim(): a conditional UPDATE that only one worker wins, and that a crashed worker's lease gives back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from frontdesk.core.work import claim, enqueue_on_commit
from frontdesk.tickets.models import TicketEvent

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
LEASE = timedelta(minutes=5)


@pytest.fixture
def event(cast):
    return TicketEvent.objects.get(ticket=cast.opera.ticket())


def _pending():
    return TicketEvent.objects.filter(dispatched_at__isnull=True)


def test_of_two_claims_on_the_same_row_only_the_first_wins(event):
    assert claim(_pending(), event.pk, lease=LEASE) is True
    assert claim(_pending(), event.pk, lease=LEASE) is False

    claimed_until = TicketEvent.objects.get(pk=event.pk).claimed_until
    assert timezone.now() + LEASE - timedelta(seconds=5) < claimed_until <= timezone.now() + LEASE


def test_an_expired_lease_can_be_claimed_again(event, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    assert claim(_pending(), event.pk, lease=LEASE)

    time_machine.shift(LEASE - timedelta(seconds=1))
    assert not claim(_pending(), event.pk, lease=LEASE)
    time_machine.shift(timedelta(seconds=2))
    assert claim(_pending(), event.pk, lease=LEASE)


def test_finished_work_is_not_claimed(event):
    TicketEvent.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())

    assert claim(_pending(), event.pk, lease=LEASE) is False


def test_a_missing_row_is_not_claimed(db):
    assert claim(_pending(), 123456, lease=LEASE) is False


def test_enqueue_on_commit_runs_the_task_only_after_the_commit(db, django_capture_on_commit_callbacks):
    ran: list[tuple[int, str]] = []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(lambda *args: ran.append(args), 7, "x")
        assert ran == []
    for callback in callbacks:
        callback()

    assert ran == [(7, "x")]


WORKERS = 8


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="racing connections need PostgreSQL; SQLite runs one writer")
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_on_postgresql_claim_a_row_exactly_once(cast):
    event = TicketEvent.objects.get(ticket=cast.opera.ticket())
    # Here commits happen, so the immediate task queue has already dispatched the event: make it pending again.
    TicketEvent.objects.filter(pk=event.pk).update(dispatched_at=None, claimed_until=None)
    start = threading.Barrier(WORKERS)
    wins: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait(timeout=30)
            won = claim(_pending(), event.pk, lease=LEASE)
            with lock:
                wins.append(won)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(wins) == [False] * (WORKERS - 1) + [True]
