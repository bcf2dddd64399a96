"""Scoped reads of the webhooks app."""

from __future__ import annotations

from django.db.models import QuerySet

from frontdesk.webhooks.models import WebhookEndpoint


def active_endpoints_of_brand(brand_id: int) -> QuerySet[WebhookEndpoint]:
    """The endpoints a brand's automation may send to: its own, active ones, by name."""
    return WebhookEndpoint.objects.filter(brand_id=brand_id, is_active=True).order_by("name", "id")
