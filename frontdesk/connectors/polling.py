"""Polling connectors (Telegram bots and VK communities in polling mode): fetch the updates after the cursor, store them raw,
move the cursor, in one transaction, so an update is neither lost nor stored twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from frontdesk.connectors.base import SendError
from frontdesk.connectors.choices import ConnectorKind, ReceiveMode
from frontdesk.connectors.intake import store_updates
from frontdesk.connectors.models import Connector
from frontdesk.connectors.registry import adapter_for
from frontdesk.connectors.sending import record_connector_error
from frontdesk.core.work import claim

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


def pollable() -> list[int]:
    return list(
        Connector.objects.filter(
            is_enabled=True, mode=ReceiveMode.POLLING, kind__in=(ConnectorKind.TELEGRAM, ConnectorKind.VK)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def poll_connector(connector_id: int) -> int:
    """Fetch and store one connector's new updates if nobody else is polling it; returns how many were new."""
    queryset = Connector.objects.filter(is_enabled=True, mode=ReceiveMode.POLLING)
    if not claim(queryset, connector_id, lease=LEASE):
        return 0
    connector = Connector.objects.select_related("brand").get(pk=connector_id)
    try:
        fetched = adapter_for(connector).fetch(connector)
    except SendError as failure:
        record_connector_error(connector.pk, str(failure))
        Connector.objects.filter(pk=connector.pk).update(claimed_until=None, polled_at=timezone.now())
        logger.info("Polling connector %s failed: %s", connector.pk, failure)
        return 0
    with transaction.atomic():
        new = store_updates(connector, fetched.updates)
        Connector.objects.filter(pk=connector.pk).update(
            cursor=fetched.cursor, polled_at=timezone.now(), claimed_until=None
        )
    return len(new)
