"""Sending one delivery: claim it, POST it signed through ``core.http``, record the answer, plan a retry.

2xx is delivered. 3xx (redirects are not followed), and 4xx other than 408 and 429, fail for good: the
receiver said no, and asking again would not change that. 5xx, 408, 429, timeouts and connection errors are
tried again after 1 and 5 minutes, half an hour, 2, 4, 6 and 10 hours (8 attempts over about a day), then fail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone

from frontdesk.core import http
from frontdesk.core.work import claim_batch
from frontdesk.webhooks.choices import PING_KIND, DeliveryStatus
from frontdesk.webhooks.models import RESPONSE_EXCERPT_CHARS, WebhookDelivery, validate_webhook_url
from frontdesk.webhooks.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

# Longer than a request may take (core.http's total timeout), so that only a dead worker's claim expires.
LEASE = timedelta(minutes=1)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=6),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
RETRY_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Outcome:
    status: DeliveryStatus
    response_status: int | None = None
    response_excerpt: str = ""
    error: str = ""
    duration_ms: int | None = None


def sendable() -> QuerySet[WebhookDelivery]:
    """Deliveries a worker may take: waiting and due, or being sent by a worker whose claim expired."""
    return WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], next_attempt_at__lte=timezone.now()
    )


def _excerpt(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]


def post_delivery(delivery: WebhookDelivery) -> Outcome:
    """POST ``delivery`` to its endpoint and judge the answer (no database writes)."""
    endpoint = delivery.endpoint
    if not endpoint.is_active and delivery.kind != PING_KIND:
        return Outcome(DeliveryStatus.FAILED, error="The endpoint is not active.")
    try:
        # Checked again: the settings may have changed since the endpoint was saved.
        validate_webhook_url(endpoint.url)
    except ValidationError as invalid:
        return Outcome(DeliveryStatus.FAILED, error=f"InvalidUrl: {' '.join(invalid.messages)}")
    body = delivery.body.encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        EVENT_HEADER: delivery.kind,
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: signature_header(endpoint.secret, body),
    }
    try:
        response = http.post(
            endpoint.url,
            body=body,
            headers=headers,
            connect_timeout=CONNECT_TIMEOUT,
            total_timeout=TOTAL_TIMEOUT,
        )
    except http.HttpError as failure:
        status = DeliveryStatus.PENDING if failure.retryable else DeliveryStatus.FAILED
        return Outcome(status, error=f"{type(failure).__name__}: {failure}"[:1000])
    excerpt = _excerpt(response.body)
    if 200 <= response.status < 300:
        status = DeliveryStatus.DELIVERED
        error = ""
    elif response.status >= 500 or response.status in RETRY_STATUSES:
        status = DeliveryStatus.PENDING
        error = f"HTTP {response.status}"
    elif 300 <= response.status < 400:
        status = DeliveryStatus.FAILED
        location = response.headers.get("location", "")[:500]
        error = f"HTTP {response.status}: redirects are not followed (Location: {location})"
    else:
        status = DeliveryStatus.FAILED
        error = f"HTTP {response.status}"
    return Outcome(status, response.status, excerpt, error, response.elapsed_ms)


def send_delivery(delivery_id: int) -> str:
    """Send delivery ``delivery_id`` if it is due and nobody else is sending it; returns the status it ended
    in ("" when there was nothing to do)."""
    if not claim_batch(
        sendable(),
        delivery_id,
        size=1,
        lease=LEASE,
        extra={"status": DeliveryStatus.SENDING, "attempts": F("attempts") + 1},
    ):
        return ""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.attempts > MAX_ATTEMPTS:
        # Taken again after its last worker died on the last attempt.
        outcome = Outcome(DeliveryStatus.FAILED, error="Gave up: no answer after the last attempt.")
    else:
        outcome = post_delivery(delivery)
    now = timezone.now()
    fields: dict[str, object] = {
        "status": outcome.status,
        "claimed_until": None,
        "response_status": outcome.response_status,
        "response_excerpt": outcome.response_excerpt,
        "error": outcome.error,
        "duration_ms": outcome.duration_ms,
    }
    if outcome.status == DeliveryStatus.DELIVERED:
        fields["delivered_at"] = now
    elif outcome.status == DeliveryStatus.PENDING:
        if delivery.attempts >= MAX_ATTEMPTS:
            fields["status"] = DeliveryStatus.FAILED
        else:
            fields["next_attempt_at"] = now + BACKOFF[delivery.attempts - 1]
    WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(**fields)
    if fields["status"] != DeliveryStatus.DELIVERED:
        logger.info("Webhook delivery %s: %s (%s)", delivery_id, fields["status"], outcome.error)
    return str(fields["status"])
