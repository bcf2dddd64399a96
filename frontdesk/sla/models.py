"""Business-hours calendars: when a brand's (or one team's) desk works, in which time zone, on which days not."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand, validate_time_zone
from frontdesk.core.models import TimestampedModel
from frontdesk.users.models import Team


class Calendar(TimestampedModel):
    """A brand's calendar (``team`` empty) or one team's own. Hours and dates are kept as people write them
    (``{"mon": ["10:00-18:00"]}``, ``["2026-12-31"]``) and checked by ``sla.calendars`` before they are saved."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    always_open = models.BooleanField(_("24/7"), default=False)
    # Weekday keys mon..sun, each a list of "HH:MM-HH:MM" intervals; a missing day is closed.
    weekly_hours = models.JSONField(_("weekly hours"), default=dict, blank=True)
    # Public holidays from the holidays package: an ISO 3166 country code ("RU", "PL") and a subdivision.
    holiday_country = models.CharField(_("holidays of country"), max_length=2, blank=True)
    holiday_subdivision = models.CharField(_("region"), max_length=10, blank=True)
    # Dates closed by hand, and dates with hours of their own (a working Saturday): "YYYY-MM-DD" keys.
    closed_dates = models.JSONField(_("closed dates"), default=list, blank=True)
    special_hours = models.JSONField(_("dates with their own hours"), default=dict, blank=True)
    # An iCalendar feed of closures: its address, and the text last read from it or uploaded.
    ical_url = models.URLField(_("iCal address"), blank=True)
    ical_text = models.TextField(_("iCal data"), blank=True)
    ical_read_at = models.DateTimeField(_("iCal read"), null=True, blank=True)
    ical_error = models.CharField(_("iCal error"), max_length=300, blank=True)

    class Meta:
        ordering = ["brand_id", "team_id", "name"]
        verbose_name = _("business-hours calendar")
        verbose_name_plural = _("business-hours calendars")
        constraints = [
            models.UniqueConstraint(
                "brand", name="sla_calendar_one_per_brand", condition=Q(team__isnull=True)
            ),
            models.UniqueConstraint(
                "team", name="sla_calendar_one_per_team", condition=Q(team__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _default_pause_statuses() -> list[str]:
    return ["pending_customer", "pending_third_party"]


class SlaPolicy(TimestampedModel):
    """Targets in business minutes for the tickets that meet its conditions (an empty list matches anything).
    The brand's first active policy by position that matches is the ticket's (``sla.policies``)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    category_ids = models.JSONField(_("categories"), default=list, blank=True)
    organization_ids = models.JSONField(_("organizations"), default=list, blank=True)
    customer_tiers = models.JSONField(_("customer tiers"), default=list, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response (business minutes)"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (business minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), null=True, blank=True
    )
    update_interval_minutes = models.PositiveIntegerField(
        _("customer update interval (business minutes)"), null=True, blank=True
    )
    pause_statuses = models.JSONField(
        _("statuses that pause the clock"), default=_default_pause_statuses, blank=True
    )
    warn_at_percent = models.PositiveSmallIntegerField(_("warn at % of the target"), default=80)
    # Hours to count in; empty: the ticket's team calendar, else the brand's, else around the clock.
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["brand_id", "position", "id"]
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")
        indexes = [models.Index(fields=["brand", "position"], name="sla_policy_brand_position")]
        constraints = [
            models.CheckConstraint(
                condition=Q(warn_at_percent__gte=1) & Q(warn_at_percent__lte=100),
                name="sla_policy_warn_percent",
            )
        ]

    def __str__(self) -> str:
        return self.name
