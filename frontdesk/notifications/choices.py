"""Enumerations of agent notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    # A new ticket arrived in a team the agent is a member of.
    NEW_IN_TEAM = "new_in_team", _("New ticket in my team")
    # A ticket was assigned to the agent.
    ASSIGNED = "assigned", _("Assigned to me")
    # The customer wrote again on a ticket the agent is assigned to (or, unassigned, of the agent's team).
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    # A colleague named the agent in an internal note (@ and the part of their address before the @).
    MENTIONED = "mentioned", _("Mentioned in a note")
    # A ticket was escalated to the agent's line or team.
    ESCALATED = "escalated", _("Escalated to me")
    # A service-level deadline is near (to the assignee, else the team lead).
    SLA_WARNING = "sla_warning", _("Service level warning")
    # A service-level deadline passed (to the assignee and the team lead).
    SLA_BREACHED = "sla_breached", _("Service level breached")


class MailChoice(models.TextChoices):
    # No mail for this kind.
    NEVER = "never", _("No mail")
    # One mail per notification, right away.
    IMMEDIATELY = "immediately", _("Mail at once")
    # Gathered into the agent's digest.
    DIGEST = "digest", _("In the digest")


class DigestEvery(models.TextChoices):
    # At most one digest an hour.
    HOURLY = "hourly", _("Hourly")
    # At most one digest a day.
    DAILY = "daily", _("Daily")
