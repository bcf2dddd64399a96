"""The doorbell of scheduled jobs: every minute, and once when a worker starts."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from frontdesk.core.schedules import run_due_schedules


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def run_schedules() -> None:
    run_due_schedules()


@HUEY.on_startup()  # type: ignore[untyped-decorator]
def run_schedules_missed_while_stopped() -> None:
    """A job that fell due while no worker ran runs now, once, not once per missed interval."""
    from django.db import close_old_connections

    close_old_connections()
    run_due_schedules()
