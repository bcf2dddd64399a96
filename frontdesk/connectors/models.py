"""Connected social networks and messengers, their raw payloads and the social inbox.

Every table carries the brand (``brand_id`` non-null) copied from its connector, so scoped reads filter by key.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.connectors.choices import (
    ConnectorKind,
    ItemKind,
    ItemStatus,
    ReceiveMode,
    ReplyStatus,
    Sentiment,
)
from frontdesk.core.models import TimestampedModel
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.models import Customer, User


def generate_key() -> str:
    """The unguessable part of a connector's webhook URL."""
    return secrets.token_urlsafe(18)


def generate_secret() -> str:
    """A shared secret: letters, digits, ``_`` and ``-`` only, as Telegram's secret_token allows."""
    return secrets.token_urlsafe(32)


class Connector(TimestampedModel):
    """A brand's account on a network (a Telegram bot, a VK community) or an inbound webhook."""

    # Indexed by connector_brand.
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ConnectorKind.choices)
    name = models.CharField(_("name"), max_length=100)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # Telegram and VK: webhook (the network calls us) or polling (the worker calls getUpdates, VK's Long Poll).
    mode = models.CharField(
        _("receive by"), max_length=10, choices=ReceiveMode.choices, default=ReceiveMode.WEBHOOK
    )
    # The path part of our webhook URL: /connectors/<kind>/<key>/.
    key = models.CharField(max_length=40, unique=True, default=generate_key, editable=False)
    # Telegram: the bot token from @BotFather.
    bot_token = models.CharField(_("bot token"), max_length=200, blank=True)
    # VK: the community access token (messages and wall rights).
    access_token = models.CharField(_("access token"), max_length=500, blank=True)
    # VK: the community id (a positive number).
    group_id = models.CharField(_("community id"), max_length=32, blank=True)
    # VK: the string the Callback API confirmation request must be answered with.
    confirmation_code = models.CharField(_("confirmation code"), max_length=64, blank=True)
    # Checked on every inbound request: Telegram's secret_token header, VK's "secret" field, the HMAC key of the
    # inbound webhook's signature.
    secret = models.CharField(_("secret"), max_length=128, default=generate_secret)
    # Polling: where the next fetch starts (Telegram: the next update_id; VK: the Long Poll ts).
    cursor = models.CharField(_("cursor"), max_length=64, blank=True)
    polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        ordering = ["brand", "name", "id"]
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")
        indexes = [
            models.Index(fields=["brand", "kind"], name="connector_brand"),
            models.Index(
                fields=["mode"], name="connector_polling", condition=Q(is_enabled=True, mode="polling")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RawPayload(models.Model):
    """An inbound update exactly as received, stored before it is processed.

    Unique per (connector, external id): a redelivered update finds its row and is not processed twice.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"), db_index=False
    )
    # Indexed by the unique constraint.
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="+", verbose_name=_("connector"), db_index=False
    )
    # The network's id of the update (Telegram update_id, VK event_id, the webhook's id).
    external_id = models.CharField(_("external id"), max_length=128)
    payload = models.JSONField(_("payload"), default=dict)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("raw payload")
        verbose_name_plural = _("raw payloads")
        constraints = [
            models.UniqueConstraint("connector", "external_id", name="connector_raw_payload_unique"),
        ]
        indexes = [
            models.Index(fields=["brand", "-id"], name="connector_raw_payload_brand"),
            models.Index(
                fields=["received_at"], name="connector_raw_unprocessed", condition=Q(processed_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connector_id}:{self.external_id}"


class SocialIdentity(models.Model):
    """A person on a network, known to the brand as a customer."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="+", verbose_name=_("connector"), db_index=False
    )
    # The network's user id (Telegram from.id, VK from_id).
    external_id = models.CharField(_("external id"), max_length=64)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    # Telegram @username or VK screen name, without the @.
    username = models.CharField(_("user name"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("social identity")
        verbose_name_plural = _("social identities")
        constraints = [
            models.UniqueConstraint("connector", "external_id", name="connector_identity_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.external_id


class SocialThread(models.Model):
    """A private conversation (a Telegram chat, a VK dialogue) and the ticket its messages go to now.

    A solved ticket is reopened by a new message; after a closed one the thread moves on to a new ticket.
    """

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="+", verbose_name=_("connector"), db_index=False
    )
    # The network's conversation id (Telegram chat.id, VK peer_id): where replies are sent.
    external_id = models.CharField(_("external id"), max_length=64)
    identity = models.ForeignKey(
        SocialIdentity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+", verbose_name=_("ticket"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("social conversation")
        verbose_name_plural = _("social conversations")
        constraints = [
            models.UniqueConstraint("connector", "external_id", name="connector_thread_unique"),
        ]
        indexes = [models.Index(fields=["ticket"], name="connector_thread_ticket")]

    def __str__(self) -> str:
        return f"{self.connector_id}:{self.external_id}"


class SocialItem(models.Model):
    """A public mention or comment (or a message from the inbound webhook) in a brand's social inbox."""

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"), db_index=False
    )
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="+", verbose_name=_("connector"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    # The network's id of the post or comment, unique per connector.
    external_id = models.CharField(_("external id"), max_length=128)
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    author_external_id = models.CharField(_("author id"), max_length=64, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    sentiment_score = models.FloatField(_("sentiment score"), default=0.0)
    # The language the classifier read the text in (ru, en, pl; empty when unknown): the thank-you's language.
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.NEW)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("ticket")
    )
    # Where an answer goes on the network (Telegram chat_id and message_id; VK owner_id, post_id, comment_id).
    reply_target = models.JSONField(default=dict, blank=True)
    # A thank-you answer proposed for positive items, in the brand's language; the agent may send or edit it.
    suggested_reply = models.TextField(_("suggested reply"), blank=True)
    # The answer an agent sent from the inbox.
    reply_text = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    replied_at = models.DateTimeField(_("answered"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("social inbox item")
        verbose_name_plural = _("social inbox items")
        constraints = [
            models.UniqueConstraint("connector", "external_id", name="connector_item_unique"),
        ]
        indexes = [
            # The inbox (newest first, by status) and the daily counts per brand.
            models.Index(fields=["brand", "status", "-posted_at"], name="connector_item_inbox"),
            models.Index(fields=["brand", "posted_at", "sentiment"], name="connector_item_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}"


class SocialReply(models.Model):
    """An answer going out to a network: the queue of record and its log in one.

    Unique per ticket event (an agent's public reply on a social ticket: in its conversation, or under the
    mention or comment the ticket was opened for) and per inbox item answered from the inbox, so a consumer or
    an action that runs twice sends it once. Retries back off like webhook deliveries.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"), db_index=False
    )
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="+", verbose_name=_("connector"), db_index=False
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
    thread = models.ForeignKey(
        SocialThread,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("conversation"),
    )
    item = models.ForeignKey(
        SocialItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("inbox item"),
        db_index=False,
    )
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The network's id of the message or comment we posted.
    external_id = models.CharField(_("external id"), max_length=128, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("social reply")
        verbose_name_plural = _("social replies")
        constraints = [
            models.UniqueConstraint(
                "event", name="connector_reply_event_unique", condition=Q(event__isnull=False)
            ),
            # One answer per inbox item from the inbox; answers on the item's ticket are one per event.
            models.UniqueConstraint(
                "item",
                name="connector_reply_item_unique",
                condition=Q(item__isnull=False, event__isnull=True),
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="connector_reply_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["brand", "-id"], name="connector_reply_brand"),
            models.Index(fields=["connector", "-id"], name="connector_reply_connector"),
        ]

    def __str__(self) -> str:
        return f"reply {self.pk} ({self.status})"
