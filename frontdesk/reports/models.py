"""One row of facts per ticket, kept current from its events: what every measure in ``reports.measures`` reads.

A ticket's history is long and its events many; the measures need a handful of numbers per ticket (when it was
answered and solved, in business minutes; whether line 1 solved it; how often it was reopened). They are worked
out once per change by the event consumer (``reports.facts``), so a month's dashboard aggregates one narrow,
indexed row per ticket instead of replaying events.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from frontdesk.brands.models import Brand
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
