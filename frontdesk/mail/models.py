"""Mailboxes, the raw store of inbound mail, the outbound queue, suppressed addresses and the brands' own mail
templates."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.core.models import TimestampedModel
from frontdesk.mail.choices import (
    ImapSecurity,
    InboundStatus,
    MailboxKind,
    MailLanguage,
    MailTemplateName,
    NonParticipantPolicy,
    OutboundKind,
    OutboundStatus,
    ProcessedAction,
)
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.models import User


class Mailbox(TimestampedModel):
    """Where a brand's mail comes from: an IMAP account, a pipe from a local mail server or the SMTP receiver."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    name = models.SlugField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=MailboxKind.choices, default=MailboxKind.IMAP)
    # The addresses this mailbox receives for, e.g. ["support@opera.example"].
    addresses = models.JSONField(_("addresses"), default=list, blank=True)
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("connection security"), max_length=8, choices=ImapSecurity.choices, default=ImapSecurity.TLS
    )
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=500, blank=True)
    # OAuth2 (Microsoft 365, Google): with an access or a refresh token the login is XOAUTH2 instead of a
    # password. An access token missing or expiring within minutes is refreshed at the token endpoint
    # (grant_type=refresh_token) before signing in; a rotated refresh token replaces the stored one.
    oauth2_token_url = models.CharField(_("OAuth2 token endpoint"), max_length=500, blank=True)
    oauth2_client_id = models.CharField(_("OAuth2 client ID"), max_length=300, blank=True)
    oauth2_client_secret = models.CharField(_("OAuth2 client secret"), max_length=500, blank=True)
    # Sent with the refresh when set, e.g. "https://outlook.office.com/IMAP.AccessAsUser.All offline_access".
    oauth2_scope = models.CharField(_("OAuth2 scope"), max_length=500, blank=True)
    oauth2_refresh_token = models.TextField(_("OAuth2 refresh token"), blank=True)
    oauth2_token = models.TextField(_("OAuth2 access token"), blank=True)
    oauth2_token_expires_at = models.DateTimeField(_("OAuth2 access token expires at"), null=True, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    processed_action = models.CharField(
        _("after processing"), max_length=8, choices=ProcessedAction.choices, default=ProcessedAction.FLAG
    )
    move_to = models.CharField(_("move to folder"), max_length=200, blank=True)
    poll_interval_seconds = models.PositiveIntegerField(_("poll interval (seconds)"), default=60)
    non_participant_replies = models.CharField(
        _("replies from non-participants"),
        max_length=12,
        choices=NonParticipantPolicy.choices,
        default=NonParticipantPolicy.NOTE,
    )
    # Replies to ``support+OPR-26-000123@…`` (one of ``addresses`` with the ticket number after a plus) go to
    # that ticket; the mail server must deliver plus addresses to the mailbox.
    plus_addressing = models.BooleanField(_("per-ticket reply addresses (plus addressing)"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # IMAP progress: the folder's UIDVALIDITY and the highest UID stored under it.
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.PositiveBigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name

    @property
    def imap_tls(self) -> bool:
        """Whether the IMAP connection is encrypted; setting ``False`` selects no encryption."""
        return self.imap_security != ImapSecurity.NONE

    @imap_tls.setter
    def imap_tls(self, value: bool) -> None:
        self.imap_security = ImapSecurity.TLS if value else ImapSecurity.NONE

    @property
    def uses_oauth2(self) -> bool:
        return bool(self.oauth2_token or self.oauth2_refresh_token)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, object] = {}
        if self.kind == MailboxKind.IMAP:
            if self.imap_security == ImapSecurity.NONE and not is_local_host(self.imap_host):
                errors["imap_security"] = _(
                    "Mail without encryption is allowed only from a server on this machine "
                    "(127.0.0.1, ::1 or localhost). Choose TLS or STARTTLS."
                )
            if self.oauth2_token_url and not is_secure_url(self.oauth2_token_url):
                errors["oauth2_token_url"] = _(
                    "Enter an https:// address (plain http:// only for a server on this machine)."
                )
            if self.oauth2_refresh_token and not (self.oauth2_token_url and self.oauth2_client_id):
                errors["oauth2_refresh_token"] = _(
                    "A refresh token needs the token endpoint and the client ID to be used."
                )
        if errors:
            raise ValidationError(errors)


def is_local_host(host: str) -> bool:
    """Whether ``host`` names this machine: a loopback address or ``localhost``."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secure_url(url: str) -> bool:
    """An https:// address, or http:// to this machine."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and is_local_host(parts.hostname or "")


class InboundMessage(models.Model):
    """One received message, stored byte for byte before anything reads it, and what became of it."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    raw = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Where it came from on the server: the folder's UIDVALIDITY and the message's UID (IMAP only).
    source_uidvalidity = models.PositiveBigIntegerField(null=True, blank=True)
    source_uid = models.PositiveBigIntegerField(null=True, blank=True)
    # The Message-ID header without angle brackets, read before parsing for de-duplication.
    message_id = models.CharField(max_length=500, blank=True)
    envelope_from = models.CharField(max_length=254, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED)
    # A stable code for quarantined and ignored messages (``parse_timeout``, ``own_address``, ...).
    reason = models.CharField(max_length=50, blank=True)
    error = models.TextField(blank=True)
    parser_version = models.CharField(max_length=20, blank=True)
    # Read from the parsed mail, for routing later mail and for outbound decisions.
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    is_automatic = models.BooleanField(default=False)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(
                "mailbox",
                "source_uidvalidity",
                "source_uid",
                name="inbound_source_key_unique",
                condition=Q(source_uid__isnull=False),
            ),
            models.UniqueConstraint("brand", "sha256", name="inbound_brand_sha256_unique"),
            models.UniqueConstraint(
                "brand", "message_id", name="inbound_brand_message_id_unique", condition=~Q(message_id="")
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="inbound_status"),
            models.Index(fields=["brand", "message_id"], name="inbound_brand_message_id"),
            models.Index(fields=["ticket", "id"], name="inbound_ticket"),
            models.Index(fields=["brand", "sender", "received_at"], name="inbound_brand_sender"),
            models.Index(fields=["ticket_message"], name="inbound_ticket_message"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.sha256[:12]} ({self.status})"


class OutboundMessage(models.Model):
    """A mail to send, one per (event, recipient); the worker sends it after commit and retries."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    # Empty for a mail about no one request (an agent's digest).
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(TicketEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The ticket message it carries (its attachments go out with it).
    source_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=OutboundKind.choices)
    recipient = models.CharField(max_length=254)
    from_address = models.CharField(max_length=254)
    language = models.CharField(max_length=8, blank=True)
    subject = models.CharField(max_length=400)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Our Message-ID, also the send key: generated once, never reused, so a retry is the same mail.
    message_id = models.CharField(max_length=300, unique=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    is_automatic = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    reason = models.CharField(max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A file made for this mail alone (a monthly report's spreadsheet), kept in the row so that every retry
    # sends the same bytes; a ticket message's attachments come from ``source_message`` instead.
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        constraints = [
            models.UniqueConstraint("event", "recipient", name="outbound_event_recipient_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due"),
            models.Index(fields=["ticket", "id"], name="outbound_ticket"),
            models.Index(fields=["brand", "recipient", "created_at"], name="outbound_brand_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"


class Suppression(models.Model):
    """An address no automatic mail goes to until ``until`` (after a permanent bounce)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=254)
    until = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [models.UniqueConstraint("brand", "address", name="suppression_brand_address_unique")]

    def __str__(self) -> str:
        return self.address


class MailTemplate(TimestampedModel):
    """A brand's own text for a mail to customers in one language, edited in the admin.

    Rendered by a sandboxed template engine (``mail/mail_templates.py``); without an active row the file templates
    in ``templates/mail/`` are used.
    """

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("mail"), max_length=20, choices=MailTemplateName.choices)
    language = models.CharField(_("language"), max_length=8, choices=MailLanguage.choices)
    subject = models.CharField(_("subject"), max_length=400)
    body_text = models.TextField(_("plain text body"))
    # Empty: the HTML part is made from the rendered plain text.
    body_html = models.TextField(_("HTML body"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["brand_id", "name", "language"]
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [
            models.UniqueConstraint(
                "brand", "name", "language", name="mail_template_brand_name_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} ({self.language})"
