"""Jobs that run every so often, once across all workers, and once (not many times) after downtime.

A job is a function registered with ``@scheduled("name", every=...)``. Its ``ScheduleState`` row says when it
is next due; ``run_due_schedules`` — called by a per-minute Huey task and when a worker starts — takes each due
job with a conditional UPDATE that also moves ``due_at`` to now plus the interval, so another worker (or the
next tick) finds it not due, and a job missed for a week of downtime runs once, at start. A crash in a job is
logged and recorded on its row; the lease lets another worker take it again when it expires.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from frontdesk.core.models import ScheduleState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    every: timedelta
    lease: timedelta
    run: Callable[[], Any]


_registry: dict[str, Schedule] = {}


def scheduled(
    name: str, *, every: timedelta, lease: timedelta | None = None
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated function as the job ``name``, due every ``every``; ``lease`` (default: the
    interval, at most an hour) is how long one run may take before another worker may try it again."""
    if every <= timedelta(0):
        raise ValueError("a schedule needs a positive interval")

    def register(function: Callable[[], Any]) -> Callable[[], Any]:
        _registry[name] = Schedule(name, every, lease or min(every, timedelta(hours=1)), function)
        return function

    return register


def registered() -> dict[str, Schedule]:
    return dict(_registry)


def _take(job: Schedule, now: datetime) -> bool:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return (
        ScheduleState.objects.filter(free, name=job.name, due_at__lte=now).update(
            due_at=now + job.every, claimed_until=now + job.lease, last_started_at=now, runs=F("runs") + 1
        )
        == 1
    )


def run_due_schedules(*, only: set[str] | None = None) -> list[str]:
    """Run every registered job that is due and not taken; returns the names this call ran."""
    jobs = [job for name, job in sorted(_registry.items()) if only is None or name in only]
    if not jobs:
        return []
    ScheduleState.objects.bulk_create([ScheduleState(name=job.name) for job in jobs], ignore_conflicts=True)
    ran: list[str] = []
    for job in jobs:
        now = timezone.now()
        if not _take(job, now):
            continue
        ran.append(job.name)
        error = ""
        try:
            job.run()
        except Exception as exc:  # one failing job must not stop the others
            logger.exception("Scheduled job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"[:500]
        ScheduleState.objects.filter(name=job.name).update(
            claimed_until=None, last_finished_at=timezone.now(), last_error=error
        )
    return ran
