"""Scheduled jobs run once per interval across workers, once after downtime, and survive a failing neighbour."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from frontdesk.core import schedules
from frontdesk.core.models import ScheduleState

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch, time_machine):
    """An empty registry for the test, a clock the test moves, and a log of the runs."""
    time_machine.move_to(timezone.now(), tick=True)
    monkeypatch.setattr(schedules, "_registry", {})
    runs: list[str] = []
    return runs


def register(name, runs, *, every=timedelta(hours=1), fail=False):
    @schedules.scheduled(name, every=every)
    def job():
        runs.append(name)
        if fail:
            raise RuntimeError("the mail server is down")


def test_a_new_job_runs_at_once_and_then_not_again_within_its_interval(jobs, time_machine):
    register("reminders", jobs)
    assert schedules.run_due_schedules() == ["reminders"]
    assert schedules.run_due_schedules() == []
    time_machine.shift(timedelta(minutes=59))
    assert schedules.run_due_schedules() == []
    time_machine.shift(timedelta(minutes=2))
    assert schedules.run_due_schedules() == ["reminders"]
    assert jobs == ["reminders", "reminders"]


def test_a_week_of_downtime_runs_an_hourly_job_once_not_168_times(jobs, time_machine):
    register("status-updates", jobs)
    schedules.run_due_schedules()
    time_machine.shift(timedelta(days=7))
    assert schedules.run_due_schedules() == ["status-updates"]
    assert schedules.run_due_schedules() == []
    state = ScheduleState.objects.get(name="status-updates")
    assert state.runs == 2
    assert state.due_at > timezone.now() + timedelta(minutes=59)


def test_a_failing_job_is_recorded_and_its_neighbours_still_run(jobs):
    register("a-broken", jobs, fail=True)
    register("b-fine", jobs)
    assert schedules.run_due_schedules() == ["a-broken", "b-fine"]
    broken = ScheduleState.objects.get(name="a-broken")
    assert broken.last_error == "RuntimeError: the mail server is down"
    assert broken.claimed_until is None
    assert ScheduleState.objects.get(name="b-fine").last_error == ""


def test_a_job_another_worker_holds_is_left_alone_until_its_lease_expires(jobs, time_machine):
    register("scan", jobs, every=timedelta(minutes=1))
    ScheduleState.objects.create(name="scan", claimed_until=timezone.now() + timedelta(minutes=1))
    assert schedules.run_due_schedules() == []
    time_machine.shift(timedelta(minutes=2))
    assert schedules.run_due_schedules() == ["scan"]


def test_intervals_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        schedules.scheduled("never", every=timedelta(0))


@pytest.mark.postgres  # threads on one SQLite test database lock each other's tables
@pytest.mark.django_db(transaction=True)
def test_workers_starting_together_run_a_due_job_once(jobs):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are PostgreSQL's; SQLite writes one at a time")
    register("digest", jobs)
    schedules.run_due_schedules()  # creates the row
    ScheduleState.objects.filter(name="digest").update(due_at=timezone.now() - timedelta(days=1))
    jobs.clear()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker():
        try:
            start.wait()
            schedules.run_due_schedules()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert jobs == ["digest"]
