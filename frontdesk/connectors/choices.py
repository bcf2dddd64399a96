"""Enumerations of the connectors app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectorKind(models.TextChoices):
    # A Telegram bot: private chats become tickets, mentions in groups and channels land in the social inbox.
    TELEGRAM = "telegram", _("Telegram bot")
    # A VK community: community messages become tickets, wall comments land in the social inbox.
    VK = "vk", _("VK community")
    # Any other service posting signed JSON to our inbound webhook (a monitoring service, a listening tool).
    WEBHOOK = "webhook", _("Inbound webhook")


class ReceiveMode(models.TextChoices):
    # The network calls our webhook URL with each new item.
    WEBHOOK = "webhook", _("Webhook")
    # The worker asks the network for new items every minute (Telegram getUpdates), the cursor says from where.
    POLLING = "polling", _("Polling")


class ItemKind(models.TextChoices):
    # A public post or message that names the brand (a Telegram group or channel post, a monitoring hit).
    MENTION = "mention", _("Mention")
    # A public comment under a post (VK wall comments).
    COMMENT = "comment", _("Comment")
    # A message sent to the brand directly, kept in the inbox (from the inbound webhook).
    MESSAGE = "message", _("Message")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class ItemStatus(models.TextChoices):
    # Arrived; nobody has acted on it yet.
    NEW = "new", _("New")
    # An agent answered it publicly from the inbox.
    ANSWERED = "answered", _("Answered")
    # Looked at and set aside without an answer.
    DISMISSED = "dismissed", _("Dismissed")
    # Turned into a ticket (negative items on arrival, others by an agent).
    TICKETED = "ticketed", _("Ticket created")


class ReplyStatus(models.TextChoices):
    # Waiting to be sent: the first time, or again after a failure that may pass (next_attempt_at says when).
    PENDING = "pending", _("Pending")
    # A worker holds it (claimed_until) and is sending it now.
    SENDING = "sending", _("Sending")
    # The network accepted it.
    SENT = "sent", _("Sent")
    # Given up: the network refused it or every attempt failed (error says why).
    FAILED = "failed", _("Failed")


# The tag put on tickets made from negative items of the social inbox.
NEGATIVE_MENTION_TAG = "negative mention"
