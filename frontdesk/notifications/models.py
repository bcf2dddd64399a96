"""Notifications of agents (one per event, agent and kind) and each agent's choice of what reaches them how."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.notifications.choices import DigestEvery, MailChoice, NotificationKind
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.models import User


class Notification(models.Model):
    """Something that happened on a ticket that an agent should know of: shown in the desk (the bell and the
    notifications page) and, by the agent's choice, mailed at once or in a digest."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", db_index=False)
    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # Who acted, copied from the event so that the list needs no join.
    actor_label = models.CharField(max_length=200, blank=True)
    # Shown in the desk (the agent's choice when it was made); a mail-only notification is not listed.
    in_app = models.BooleanField(default=True)
    # How it is mailed, chosen when it was made: never, at once or in the next digest.
    mail = models.CharField(max_length=12, choices=MailChoice.choices, default=MailChoice.NEVER)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    # Taken into a digest (or found read by then, so left out of it).
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint("event", "user", "kind", name="notification_event_user_kind_unique"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_list"),
            models.Index(
                fields=["user", "id"],
                name="notification_undigested",
                condition=Q(mail=MailChoice.DIGEST, digested_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id} on {self.ticket_id}"


class NotificationSettings(models.Model):
    """An agent's choices: per kind, shown in the desk or not and mailed never, at once or in the digest;
    how often the digest comes. A kind missing from ``choices`` takes the default (``preferences.DEFAULTS``)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+", primary_key=True)
    # kind -> {"in_app": bool, "mail": "never" | "immediately" | "digest"}
    choices = models.JSONField(default=dict, blank=True)
    digest_every = models.CharField(
        _("digest"), max_length=8, choices=DigestEvery.choices, default=DigestEvery.DAILY
    )
    # When the last digest went out: the next one is due a period later (claimed by a conditional UPDATE).
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"
