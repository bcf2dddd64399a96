"""Stored responses for Idempotency-Key retries are forgotten after a day."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from frontdesk.api.models import IdempotencyRecord
from frontdesk.api.tasks import purge_idempotency_records


def test_records_older_than_a_day_are_purged_and_newer_ones_kept(cast):
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=25)):
        IdempotencyRecord.objects.create(
            user=cast.opera.line1, key="old", fingerprint="a", status_code=201, response="{}"
        )
    IdempotencyRecord.objects.create(
        user=cast.opera.line1, key="new", fingerprint="b", status_code=201, response="{}"
    )
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
