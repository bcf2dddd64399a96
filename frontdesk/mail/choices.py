"""Enumerations of the mail app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailboxKind(models.TextChoices):
    # Polled over IMAP by UID.
    IMAP = "imap", _("IMAP")
    # A local mail server pipes each message to ``frontdesk mail ingest``.
    PIPE = "pipe", _("Pipe")
    # A mail server forwards to the built-in SMTP receiver.
    SMTP = "smtp", _("SMTP receiver")


class ImapSecurity(models.TextChoices):
    # TLS from the first byte, usually port 993.
    TLS = "tls", _("TLS (port 993)")
    # A plain connection upgraded with STARTTLS before signing in, usually port 143; refused if not offered.
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    # No encryption: allowed only for a server on this machine (127.0.0.1, ::1, localhost).
    NONE = "none", _("None (this machine only)")


class ProcessedAction(models.TextChoices):
    # Mark the message \Seen on the server.
    FLAG = "flag", _("Mark as read")
    # Move the message to another folder.
    MOVE = "move", _("Move to folder")
    # Leave the message as it is.
    NOTHING = "nothing", _("Leave as is")


class NonParticipantPolicy(models.TextChoices):
    # A reply from someone outside the ticket is added as an internal note for an agent to review.
    NOTE = "note", _("Add as an internal note")
    # It opens a new ticket of its own.
    NEW_TICKET = "new_ticket", _("Open a new ticket")


class InboundStatus(models.TextChoices):
    # Stored, not processed yet.
    RECEIVED = "received", _("Received")
    # Became a ticket or a message on one.
    INGESTED = "ingested", _("Ingested")
    # Could not be processed; waits for an agent with a reason.
    QUARANTINED = "quarantined", _("Quarantined")
    # Deliberately not added anywhere (a loop, our own mail, an unmatched bounce).
    IGNORED = "ignored", _("Ignored")


class OutboundKind(models.TextChoices):
    # Confirmation of a new request with its number and portal link.
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    # An agent's public reply.
    REPLY = "reply", _("Reply")
    # News for a request that stays open longer than the brand's update interval.
    STATUS_UPDATE = "status_update", _("Status update")
    # A status change the brand tells customers of (e.g. solved, waiting for a third party).
    STATUS_CHANGED = "status_changed", _("Status change")
    # A reminder to a customer who has not answered a request waiting for them.
    REMINDER = "reminder", _("Reminder")
    # The request to rate a solved request.
    SATISFACTION = "satisfaction", _("Satisfaction request")
    # A one-time link to a request, asked for by number and address.
    ACCESS_LINK = "access_link", _("Access link")
    # A mail an automation trigger sends.
    AUTOMATION = "automation", _("Automation")
    # A notice to an agent (assigned, customer replied, mentioned, service-level warning).
    AGENT_NOTICE = "agent_notice", _("Agent notice")
    # An agent's digest of several notices.
    DIGEST = "digest", _("Digest")
    # A brand's monthly report to its report subscribers, with the month's spreadsheet attached.
    REPORT = "report", _("Monthly report")


class OutboundStatus(models.TextChoices):
    # Waiting to be sent (first try or a retry).
    PENDING = "pending", _("Pending")
    # Handed to the mail server right now.
    SENDING = "sending", _("Sending")
    # Accepted by the mail server.
    SENT = "sent", _("Sent")
    # Will not be sent: a permanent error or retries exhausted.
    FAILED = "failed", _("Failed")
    # Not sent on purpose: suppressed address, automatic sender, rate cap.
    SKIPPED = "skipped", _("Skipped")
    # The worker stopped while sending: it may or may not have left, so it is not sent again by itself.
    UNCERTAIN = "uncertain", _("Interrupted while sending")
    # Came back as undeliverable.
    BOUNCED = "bounced", _("Bounced")


class MailTemplateName(models.TextChoices):
    # Sent to the customer when a new request arrives by mail or through the portal.
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a new request")
    # Carries an agent's public reply to the customer.
    REPLY = "reply", _("Agent reply")
    # News for a request that stays open longer than the brand's update interval.
    STATUS_UPDATE = "status_update", _("Status update while a request is open")
    # Tells the customer of a status change the brand chose to mail.
    STATUS_CHANGED = "status_changed", _("Status change")
    # Reminds a customer who has not answered a request waiting for them.
    REMINDER = "reminder", _("Reminder of a request waiting for the customer")
    # Asks the customer to rate a solved request.
    SATISFACTION = "satisfaction", _("Satisfaction request")


class MailLanguage(models.TextChoices):
    # The languages customer mail is written in.
    EN = "en", _("English")
    RU = "ru", _("Russian")
    PL = "pl", _("Polish")
