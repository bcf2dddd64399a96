"""Enumerations of the webhooks app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    # Waiting to be sent: the first time, or again after a failure that may pass (next_attempt_at says when).
    PENDING = "pending", _("Pending")
    # A worker holds it (claimed_until) and is sending it now.
    SENDING = "sending", _("Sending")
    # The receiver answered 2xx.
    DELIVERED = "delivered", _("Delivered")
    # Given up: the receiver refused it (4xx) or every attempt failed.
    FAILED = "failed", _("Failed")


# The kind of a test ping sent from the admin: not a ticket event.
PING_KIND = "ping"
