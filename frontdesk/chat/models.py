"""Live chat: a brand's chat settings, chat sessions and their numbered messages, agents' presence.

Every table carries the brand (``brand_id`` non-null) so scoped reads filter by key. A session's messages are
numbered 1, 2, 3... by ``ChatSession.last_seq``, taken under the session's row lock (``chat.actions``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.chat.choices import Sender, SessionState
from frontdesk.core.models import TimestampedModel
from frontdesk.tickets.models import Ticket
from frontdesk.users.models import Customer, User

DEFAULT_MAX_CHATS = 3
DEFAULT_ATTACHMENT_BYTES = 5 * 1024 * 1024
DEFAULT_MESSAGES_PER_MINUTE = 20
# New chats from one visitor address in an hour (offices and mobile networks share addresses).
DEFAULT_NEW_CHATS_PER_HOUR = 30


class ChatSettings(TimestampedModel):
    """A brand's live chat: whether it is on, which websites may embed it, greetings and limits."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand"))
    is_enabled = models.BooleanField(_("enabled"), default=False)
    # Website origins allowed to open the chat, e.g. ["https://www.opera.example"] (scheme, host and port).
    allowed_origins = models.JSONField(_("allowed website origins"), default=list, blank=True)
    # {"en": "Hello! How can we help?", "ru": "..."}
    greetings = models.JSONField(_("greetings"), default=dict, blank=True)
    max_chats_per_agent = models.PositiveSmallIntegerField(
        _("chats per agent at once"), default=DEFAULT_MAX_CHATS
    )
    max_attachment_bytes = models.PositiveIntegerField(
        _("attachment size limit (bytes)"), default=DEFAULT_ATTACHMENT_BYTES
    )
    messages_per_minute = models.PositiveSmallIntegerField(
        _("messages per minute from one visitor"), default=DEFAULT_MESSAGES_PER_MINUTE
    )
    new_chats_per_hour = models.PositiveSmallIntegerField(
        _("new chats per hour from one address"), default=DEFAULT_NEW_CHATS_PER_HOUR
    )

    class Meta:
        ordering = ["brand_id"]
        verbose_name = _("live chat settings")
        verbose_name_plural = _("live chat settings")

    def __str__(self) -> str:
        return str(self.brand)


class ChatSession(models.Model):
    """One conversation of a visitor with the brand; opened by the visitor's first message with its ticket."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    # SHA-256 of the visitor's token (kept in the browser); the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The support line whose agents may accept it while it waits.
    line = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=16, choices=SessionState.choices, default=SessionState.WAITING)
    page_url = models.CharField(max_length=1000, blank=True)
    language = models.CharField(max_length=8, blank=True)
    visitor_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When it last went into the queue (opened or transferred), for the queue's order.
    waiting_since = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=16, choices=Sender.choices, blank=True)
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes = [
            models.Index(fields=["brand", "state", "waiting_since"], name="chat_session_queue"),
            models.Index(fields=["agent", "state"], name="chat_session_agent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class ChatMessage(models.Model):
    """A numbered message of a session. ``client_id`` is the sender's own id: the same one twice is one message."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    client_id = models.CharField(max_length=64, blank=True)
    sender = models.CharField(max_length=16, choices=Sender.choices)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    attachment = models.FileField(upload_to="chat/%Y/%m/", max_length=300, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session_id", "seq"]
        constraints = [
            models.UniqueConstraint("session", "seq", name="chat_message_seq_unique"),
            models.UniqueConstraint(
                "session",
                "sender",
                "client_id",
                name="chat_message_client_id_unique",
                condition=~Q(client_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.session_id}/{self.seq}"


class AgentPresence(models.Model):
    """An agent with the chat panel open: their socket touches ``last_seen_at`` while it is open, so any
    process can tell who is online (``chat.queries.online_for_brand``). The row is also what an accept locks
    to count the agent's chats, so that one agent's accepts never race past the limit."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id"]
        indexes = [models.Index(fields=["last_seen_at"], name="chat_presence_seen")]

    def __str__(self) -> str:
        return f"{self.user_id}"
