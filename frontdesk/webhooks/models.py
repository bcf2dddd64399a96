"""Outgoing webhooks: a brand's endpoints and the log of every delivery to them."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.core.models import TimestampedModel
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent
from frontdesk.webhooks.choices import DeliveryStatus

# What is kept of a receiver's answer, in characters.
RESPONSE_EXCERPT_CHARS = 2000


def generate_secret() -> str:
    """A fresh signing secret: 32 random bytes, URL-safe, with a prefix that makes a leaked one recognisable."""
    return "whsec_" + secrets.token_urlsafe(32)


def validate_webhook_url(value: str) -> None:
    """An absolute https URL (http only where ``FRONTDESK_WEBHOOKS_ALLOW_HTTP`` allows it, for local use)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationError(_("Enter a valid URL."), code="invalid") from None
    allowed = {"https", "http"} if getattr(settings, "FRONTDESK_WEBHOOKS_ALLOW_HTTP", False) else {"https"}
    if parts.scheme not in allowed:
        raise ValidationError(_("The address must start with https://."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("Enter a valid URL."), code="invalid")
    if parts.username or parts.password:
        raise ValidationError(_("The address must not contain a user name or password."), code="credentials")


def validate_event_kinds(value: object) -> None:
    known = set(EventKind.values)
    if not isinstance(value, list) or not all(isinstance(kind, str) and kind in known for kind in value):
        raise ValidationError(_("Choose event kinds from the list."), code="kinds")


class WebhookEndpoint(TimestampedModel):
    """A brand's receiver of ticket events: deliveries are signed with its secret."""

    # Indexed by webhook_endpoint_brand.
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"), db_index=False
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.CharField(_("URL"), max_length=500, validators=[validate_webhook_url])
    secret = models.CharField(_("signing secret"), max_length=100, default=generate_secret, editable=False)
    # Event kinds (tickets.choices.EventKind) sent on their own; empty: only automation triggers send here.
    event_kinds = models.JSONField(_("events"), default=list, blank=True, validators=[validate_event_kinds])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["brand", "name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["brand", "is_active"], name="webhook_endpoint_brand")]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint: the queue of record and the delivery log in one.

    Unique per (endpoint, event, trigger): the consumer and each automation trigger queue it at most once.
    A test ping has no event.
    """

    # The foreign keys are indexed by webhook_delivery_brand, _endpoint and _event below.
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"), db_index=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
        db_index=False,
    )
    event = models.ForeignKey(
        TicketEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("event"),
        db_index=False,
    )
    # The automation trigger that sent it (no foreign key: automation sits above this app); empty when the
    # endpoint's own subscription did.
    trigger_id = models.PositiveBigIntegerField(_("trigger"), null=True, blank=True)
    # The event's kind, or "ping".
    kind = models.CharField(_("kind"), max_length=24)
    # The JSON body exactly as sent (and signed): built once, so a retry sends the same bytes.
    body = models.TextField(_("request body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                "endpoint",
                "event",
                name="webhook_delivery_event_unique",
                condition=Q(event__isnull=False, trigger_id__isnull=True),
            ),
            models.UniqueConstraint(
                "endpoint",
                "event",
                "trigger_id",
                name="webhook_delivery_trigger_unique",
                condition=Q(event__isnull=False, trigger_id__isnull=False),
            ),
        ]
        indexes = [
            # The sweep: pending deliveries that are due, and sending ones whose claim expired.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_endpoint"),
            models.Index(fields=["brand", "-id"], name="webhook_delivery_brand"),
            models.Index(fields=["event"], name="webhook_delivery_event"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.endpoint_id} ({self.status})"
