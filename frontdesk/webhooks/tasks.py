"""Background work of the webhooks app: send a delivery, and sweep due retries and lost claims."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from frontdesk.core.schedules import scheduled
from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.models import WebhookDelivery
from frontdesk.webhooks.sending import send_delivery

# Deliveries rung per sweep; the rest on the next minute's.
SWEEP_BATCH = 500


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def deliver_webhook(delivery_id: int) -> None:
    send_delivery(delivery_id)


@scheduled("webhooks.sweep", every=timedelta(minutes=1))
def sweep_deliveries() -> list[int]:
    """Ring for every delivery that is due (a retry whose time came, a doorbell that was lost) or whose
    worker died while sending it (its claim expired). Returns the ids rung for."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ids = list(due)
    for pk in ids:
        deliver_webhook(pk)
    return ids
