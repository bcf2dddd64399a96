"""Writes of the webhooks app: queue deliveries, send one again, send a test ping, rotate a secret."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.webhooks.choices import PING_KIND, DeliveryStatus
from frontdesk.webhooks.models import WebhookDelivery, WebhookEndpoint, generate_secret
from frontdesk.webhooks.payload import build_body


def _ring(delivery_ids: Sequence[int]) -> None:
    from frontdesk.webhooks.tasks import deliver_webhook

    for pk in delivery_ids:
        enqueue_on_commit(deliver_webhook, pk)


def _message_id(event: TicketEvent) -> int:
    """The message an event is about (0 for none)."""
    value = event.data.get("message") if isinstance(event.data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _messages_of(events: Sequence[TicketEvent]) -> dict[int, Message]:
    ids = {_message_id(event) for event in events} - {0}
    if not ids:
        return {}
    return Message.objects.in_bulk(sorted(ids))


def _create(
    endpoint: WebhookEndpoint,
    event: TicketEvent,
    *,
    trigger_id: int | None,
    message: Message | None,
) -> WebhookDelivery | None:
    """The delivery of ``event`` to ``endpoint`` for ``trigger_id``; None when it exists already."""
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                brand_id=endpoint.brand_id,
                endpoint=endpoint,
                event=event,
                trigger_id=trigger_id,
                kind=event.kind,
            )
            # A message of another ticket is never described (the data names it by id only).
            shown = message if message is not None and message.ticket_id == event.ticket_id else None
            delivery.body = build_body(
                delivery_id=delivery.pk, brand_slug=endpoint.brand.slug, event=event, message=shown
            )
            delivery.save(update_fields=["body"])
    except IntegrityError:
        return None
    return delivery


def _existing(endpoint_id: int, event_id: int, trigger_id: int | None) -> WebhookDelivery | None:
    found = WebhookDelivery.objects.filter(endpoint_id=endpoint_id, event_id=event_id)
    found = (
        found.filter(trigger_id__isnull=True) if trigger_id is None else found.filter(trigger_id=trigger_id)
    )
    return found.first()


def queue_delivery(
    endpoint_id: int, event: TicketEvent, *, trigger_id: int | None = None
) -> WebhookDelivery | None:
    """Queue the delivery of ``event`` to the endpoint ``endpoint_id``, sent after commit by a worker.

    Only to an active endpoint of the event's own brand (None otherwise). Idempotent per (endpoint, event,
    trigger): a second call returns the delivery the first one queued, and queues nothing more.
    """
    endpoint = (
        WebhookEndpoint.objects.select_related("brand")
        .filter(pk=endpoint_id, brand_id=event.brand_id, is_active=True)
        .first()
    )
    if endpoint is None:
        return None
    existing = _existing(endpoint.pk, event.pk, trigger_id)
    if existing is not None:
        return existing
    message = _messages_of([event]).get(_message_id(event))
    delivery = _create(endpoint, event, trigger_id=trigger_id, message=message)
    if delivery is None:
        return _existing(endpoint.pk, event.pk, trigger_id)
    _ring([delivery.pk])
    return delivery


def queue_subscribed_deliveries(events: Sequence[TicketEvent]) -> list[WebhookDelivery]:
    """A delivery of each event to every active endpoint of its brand subscribed to its kind (at most one
    per endpoint and event, however often this runs). Returns the deliveries queued by this call."""
    if not events:
        return []
    brands = {event.brand_id for event in events}
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.select_related("brand").filter(
        brand_id__in=sorted(brands), is_active=True
    ):
        endpoints.setdefault(endpoint.brand_id, []).append(endpoint)
    wanted = [
        (endpoint, event)
        for event in events
        for endpoint in endpoints.get(event.brand_id, [])
        if event.kind in (endpoint.event_kinds or [])
    ]
    if not wanted:
        return []
    done = set(
        WebhookDelivery.objects.filter(
            Q(event_id__in=sorted({event.pk for _, event in wanted})),
            endpoint_id__in=sorted({endpoint.pk for endpoint, _ in wanted}),
            trigger_id__isnull=True,
        ).values_list("endpoint_id", "event_id")
    )
    messages = _messages_of([event for _, event in wanted])
    # The tickets with what their description needs, in one query for the batch.
    tickets = Ticket.objects.select_related(
        "customer", "assignee", "team", "category", "organization"
    ).in_bulk(sorted({event.ticket_id for _, event in wanted}))
    for _, event in wanted:
        event.ticket = tickets[event.ticket_id]
    queued: list[WebhookDelivery] = []
    for endpoint, event in wanted:
        if (endpoint.pk, event.pk) in done:
            continue
        message = messages.get(_message_id(event))
        delivery = _create(endpoint, event, trigger_id=None, message=message)
        if delivery is not None:
            queued.append(delivery)
    _ring([delivery.pk for delivery in queued])
    return queued


def send_test_ping(endpoint: WebhookEndpoint, *, at: datetime | None = None) -> WebhookDelivery:
    """Queue a ``ping`` delivery to ``endpoint`` (active or not): a check that the receiver is reachable and
    verifies signatures."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            brand_id=endpoint.brand_id, endpoint=endpoint, kind=PING_KIND
        )
        delivery.body = build_body(
            delivery_id=delivery.pk, brand_slug=endpoint.brand.slug, event=None, at=at or timezone.now()
        )
        delivery.save(update_fields=["body"])
    _ring([delivery.pk])
    return delivery


def resend_deliveries(delivery_ids: Sequence[int]) -> int:
    """Put failed deliveries back in the queue, their attempts counted afresh; returns how many."""
    ids = list(
        WebhookDelivery.objects.filter(pk__in=list(delivery_ids), status=DeliveryStatus.FAILED).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        return 0
    count = WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
        error="",
    )
    _ring(ids)
    return count


def rotate_secret(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give ``endpoint`` a new signing secret; deliveries sent from now on are signed with it."""
    endpoint.secret = generate_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint
