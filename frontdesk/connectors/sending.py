"""Sending one reply to a network: claim the row, call the adapter, record the outcome, plan a retry.

A reply is a ``SocialReply`` row, unique per ticket event and per inbox item. Errors the network may get over
(timeouts, 5xx, 429, VK's flood control) are tried again after 1 and 5 minutes, half an hour, 2, 4, 6 and 10
hours, then the reply fails; a refusal (a blocked bot, a deleted post, a wrong token) fails at once. Failures
are kept on the row and as the connector's last error.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from frontdesk.connectors.base import SendError
from frontdesk.connectors.choices import ReplyStatus
from frontdesk.connectors.models import Connector, SocialReply
from frontdesk.connectors.registry import adapter_for
from frontdesk.core.work import claim_batch

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=1)
# The waits before the 2nd to the 8th attempt, in minutes (as webhook deliveries wait).
BACKOFF = tuple(timedelta(minutes=minutes) for minutes in (1, 5, 30, 120, 240, 360, 600))
MAX_ATTEMPTS = len(BACKOFF) + 1


def sendable() -> QuerySet[SocialReply]:
    return SocialReply.objects.filter(
        status__in=[ReplyStatus.PENDING, ReplyStatus.SENDING], next_attempt_at__lte=timezone.now()
    )


def record_connector_error(connector_id: int, error: str) -> None:
    Connector.objects.filter(pk=connector_id).update(last_error=error[:2000], last_error_at=timezone.now())


def _post(reply: SocialReply) -> str:
    connector = reply.connector
    if not connector.is_enabled:
        raise SendError("The connector is switched off.", retryable=False)
    adapter = adapter_for(connector)
    key = str(reply.pk)
    if reply.thread_id is not None:
        assert reply.thread is not None
        return adapter.send_message(connector, reply.thread.external_id, reply.text, key=key)
    if reply.item_id is not None:
        assert reply.item is not None
        return adapter.reply_public(connector, reply.item.reply_target, reply.text, key=key)
    raise SendError("The reply has neither a conversation nor an inbox item.", retryable=False)


def send_reply(reply_id: int) -> str:
    """Send reply ``reply_id`` if it is due and nobody else is sending it; the status it ended in ("" when
    there was nothing to do)."""
    if not claim_batch(
        sendable(),
        reply_id,
        size=1,
        lease=LEASE,
        extra={"status": ReplyStatus.SENDING, "attempts": F("attempts") + 1},
    ):
        return ""
    reply = SocialReply.objects.select_related("connector", "thread", "item").get(pk=reply_id)
    now = timezone.now()
    fields: dict[str, object] = {"claimed_until": None}
    try:
        if reply.attempts > MAX_ATTEMPTS:
            raise SendError("Gave up: no answer after the last attempt.", retryable=False)
        fields["external_id"] = _post(reply)[:128]
    except SendError as failure:
        fields["error"] = str(failure)[:2000]
        if failure.retryable and reply.attempts < MAX_ATTEMPTS:
            fields["status"] = ReplyStatus.PENDING
            fields["next_attempt_at"] = now + BACKOFF[reply.attempts - 1]
        else:
            fields["status"] = ReplyStatus.FAILED
        record_connector_error(reply.connector_id, str(failure))
        logger.info("Social reply %s: %s (%s)", reply_id, fields["status"], failure)
    else:
        fields.update(status=ReplyStatus.SENT, sent_at=now, error="")
    SocialReply.objects.filter(pk=reply_id, status=ReplyStatus.SENDING).update(**fields)
    return str(fields["status"])
