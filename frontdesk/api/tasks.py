"""Housekeeping of the API's own rows."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from frontdesk.api.models import IdempotencyRecord

# A client retries within minutes; a day covers any sane retry policy.
IDEMPOTENCY_RETENTION = timedelta(hours=24)


def purge_idempotency_records() -> int:
    """Forget stored responses older than the retention; returns how many went."""
    cutoff = timezone.now() - IDEMPOTENCY_RETENTION
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records_hourly() -> None:
    purge_idempotency_records()
