"""Background work of the connectors app: process a stored payload, send a reply, poll, and the sweeps."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from frontdesk.connectors.choices import ReplyStatus
from frontdesk.connectors.intake import MAX_ATTEMPTS, process_payload
from frontdesk.connectors.models import RawPayload, SocialReply
from frontdesk.connectors.polling import poll_connector, pollable
from frontdesk.connectors.sending import send_reply
from frontdesk.core.schedules import scheduled

SWEEP_BATCH = 500
PRUNE_BATCH = 5000


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def process_raw_payload(payload_id: int) -> None:
    process_payload(payload_id)


@db_task()  # type: ignore[untyped-decorator]
def deliver_social_reply(reply_id: int) -> None:
    send_reply(reply_id)


@db_task()  # type: ignore[untyped-decorator]
def poll_connector_task(connector_id: int) -> None:
    poll_connector(connector_id)


@scheduled("connectors.poll", every=timedelta(minutes=1))
def poll_connectors() -> list[int]:
    """Ring for each enabled connector in polling mode; returns their ids."""
    ids = pollable()
    for pk in ids:
        poll_connector_task(pk)
    return ids


@scheduled("connectors.sweep", every=timedelta(minutes=1))
def sweep() -> dict[str, list[int]]:
    """Ring for replies that are due (retries, lost doorbells, dead workers' claims) and for payloads whose
    processing failed or never started, up to a few attempts each."""
    now = timezone.now()
    replies = list(
        SocialReply.objects.filter(
            status__in=[ReplyStatus.PENDING, ReplyStatus.SENDING], next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in replies:
        deliver_social_reply(pk)
    payloads = list(
        RawPayload.objects.filter(
            processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS, received_at__lt=now - timedelta(minutes=1)
        )
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in payloads:
        process_raw_payload(pk)
    return {"replies": replies, "payloads": payloads}


@scheduled("connectors.prune", every=timedelta(hours=6))
def prune_raw_payloads() -> int:
    """Delete processed raw payloads older than ``FRONTDESK_CONNECTOR_LOG_DAYS`` (0 keeps them); returns how
    many were deleted."""
    days = int(getattr(settings, "FRONTDESK_CONNECTOR_LOG_DAYS", 30))
    if days <= 0:
        return 0
    old = RawPayload.objects.filter(
        processed_at__isnull=False, received_at__lt=timezone.now() - timedelta(days=days)
    )
    deleted = 0
    while batch := list(old.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += RawPayload.objects.filter(pk__in=batch).delete()[0]
    return deleted
