"""Rows of the reports app: facts per ticket, and the monthly report's subscriptions.

One row of facts per ticket, kept current from its events: what every measure in ``reports.measures`` reads.

A ticket's history is long and its events many; the measures need a handful of numbers per ticket (when it was
answered and solved, in business minutes; whether line 1 solved it; how often it was reopened). They are worked
out once per change by the event consumer (``reports.facts``), so a month's dashboard aggregates one narrow,
indexed row per ticket instead of replaying events.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from frontdesk.brands.models import Brand
from frontdesk.mail.choices import MailLanguage
from frontdesk.tickets.choices import OPEN_STATUSES
from frontdesk.tickets.models import Ticket

_OPEN = sorted(OPEN_STATUSES)


class TicketFact(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="+", primary_key=True)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=10)
    category_id = models.IntegerField(null=True)
    priority = models.CharField(max_length=10)
    team_id = models.IntegerField(null=True)
    assignee_id = models.IntegerField(null=True)
    organization_id = models.IntegerField(null=True)
    status = models.CharField(max_length=24)
    # The highest support line the ticket reached, and how often it was escalated and reopened.
    top_line = models.PositiveSmallIntegerField(default=1)
    escalations = models.PositiveIntegerField(default=0)
    reopens = models.PositiveIntegerField(default=0)
    # Public answers by agents (replies, not notes).
    agent_replies = models.PositiveIntegerField(default=0)
    first_response_at = models.DateTimeField(null=True)
    solved_at = models.DateTimeField(null=True)
    # Business minutes (the brand's or team's calendar; real minutes without one). Resolution leaves out the
    # time spent in a status that pauses the clock.
    first_response_minutes = models.FloatField(null=True)
    resolution_minutes = models.FloatField(null=True)
    paused_minutes = models.FloatField(default=0)
    minutes_spent = models.PositiveIntegerField(default=0)
    # Service level: whether a policy applied, and how many of its deadlines passed unmet.
    with_policy = models.BooleanField(default=False)
    breaches = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["brand", "created_at"], name="fact_brand_created"),
            models.Index(
                fields=["brand", "solved_at"], name="fact_brand_solved", condition=Q(solved_at__isnull=False)
            ),
            models.Index(
                fields=["brand", "first_response_at"],
                name="fact_brand_responded",
                condition=Q(first_response_at__isnull=False),
            ),
            # The backlog and the agents' open work: open tickets only, a small part of years of history.
            models.Index(
                fields=["brand", "assignee_id"], name="fact_brand_open", condition=Q(status__in=_OPEN)
            ),
        ]

    def __str__(self) -> str:
        return f"facts of ticket {self.ticket_id}"


# Addresses one subscription mails at most.
MAX_RECIPIENTS = 20


def validate_recipients(value: object) -> None:
    """A non-empty list of at most ``MAX_RECIPIENTS`` distinct mail addresses."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Enter at least one address."), code="required")
    if len(value) > MAX_RECIPIENTS:
        raise ValidationError(
            ngettext("At most %(count)d address.", "At most %(count)d addresses.", MAX_RECIPIENTS)
            % {"count": MAX_RECIPIENTS},
            code="too_many",
        )
    bad = []
    for address in value:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(str(address))
    if bad:
        raise ValidationError(
            _("Not a mail address: %(addresses)s") % {"addresses": ", ".join(bad)}, code="invalid"
        )


class ReportSubscription(models.Model):
    """A brand's report of the previous calendar month, mailed once a month to ``recipients`` in ``language``
    with the month's spreadsheet (``reports.monthly``). Edited by the brand's admins in the admin."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    recipients = models.JSONField(_("recipients"), default=list, validators=[validate_recipients])
    language = models.CharField(_("language"), max_length=8, choices=MailLanguage.choices, default="en")
    # The day of the month (in the brand's time zone) from which last month's report goes out; up to 28, so that
    # every month has it.
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The first day of the latest month whose report went out: claimed by a conditional UPDATE in the
    # transaction that queues the mail, so every month goes out once.
    last_sent_month = models.DateField(_("last month sent"), null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["brand_id", "id"]
        verbose_name = _("monthly report subscription")
        verbose_name_plural = _("monthly report subscriptions")
        indexes = [models.Index(fields=["is_active", "brand"], name="report_subscription_active")]

    def __str__(self) -> str:
        return ", ".join(self.recipients or []) or str(_("monthly report"))
