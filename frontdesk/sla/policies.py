"""Which service-level policy applies to a ticket, and the deadlines it sets: pure functions over frozen facts.

A policy has conditions (an empty list matches anything) and targets in business minutes. The first active
policy of the brand, by position, whose conditions all match is the ticket's. Its clocks:

- first response: from creation until the first public answer;
- next response: from the customer's latest message that no public answer followed yet;
- resolution: from creation until solved, not counting time spent in a pausing status;
- customer update: from the latest public answer or news sent (or creation) — the moment a customer who waits
  is owed news
  (a schedule sends it; it is not a breach).

While the ticket is in a pausing status (by default pending customer and pending third party) no clock runs and
no deadline is set; the business time spent paused is added to the resolution target when the clock resumes.
A warning falls at ``warn_at_percent`` of each target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from frontdesk.sla.clock import CalendarSpec, add_business_time, business_time_between

DEFAULT_PAUSE_STATUSES = ("pending_customer", "pending_third_party")
DONE_STATUSES = frozenset({"solved", "closed"})


@dataclass(frozen=True)
class PolicyTerms:
    """A policy as the clock reads it (``sla.models.SlaPolicy.terms``)."""

    id: int
    name: str = ""
    priorities: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    category_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    customer_tiers: frozenset[str] = frozenset()
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    update_interval_minutes: int | None = None
    pause_statuses: frozenset[str] = frozenset(DEFAULT_PAUSE_STATUSES)
    warn_at_percent: int = 80


@dataclass(frozen=True)
class TicketFacts:
    """What the clocks depend on. ``paused_for`` is the business time already spent paused."""

    status: str
    priority: str
    channel: str
    created_at: dt.datetime
    category_id: int | None = None
    organization_id: int | None = None
    customer_tier: str = ""
    first_response_at: dt.datetime | None = None
    last_customer_message_at: dt.datetime | None = None
    last_agent_message_at: dt.datetime | None = None
    # The latest news sent by the update schedule ("we are still working on it").
    last_update_at: dt.datetime | None = None
    paused_for: dt.timedelta = dt.timedelta(0)


@dataclass(frozen=True)
class Deadlines:
    first_response_due_at: dt.datetime | None = None
    next_response_due_at: dt.datetime | None = None
    resolution_due_at: dt.datetime | None = None
    next_update_due_at: dt.datetime | None = None
    # The earliest warning moment of the running response and resolution clocks, and their earliest
    # deadline: what the scanner looks for.
    warn_at: dt.datetime | None = None
    due_at: dt.datetime | None = None


def _matches(allowed: frozenset[str] | frozenset[int], value: str | int | None) -> bool:
    return not allowed or value in allowed


def matches(policy: PolicyTerms, facts: TicketFacts) -> bool:
    return (
        _matches(policy.priorities, facts.priority)
        and _matches(policy.channels, facts.channel)
        and _matches(policy.category_ids, facts.category_id)
        and _matches(policy.organization_ids, facts.organization_id)
        and _matches(policy.customer_tiers, facts.customer_tier)
    )


def choose_policy(policies: Sequence[PolicyTerms], facts: TicketFacts) -> PolicyTerms | None:
    """The first of ``policies`` (already in order) whose conditions the ticket meets."""
    return next((policy for policy in policies if matches(policy, facts)), None)


def is_paused(policy: PolicyTerms, status: str) -> bool:
    return status in policy.pause_statuses


def deadlines(policy: PolicyTerms | None, facts: TicketFacts, calendar: CalendarSpec) -> Deadlines:
    """The deadlines of the clocks that run now; all empty without a policy, when solved or while paused."""
    if policy is None or facts.status in DONE_STATUSES or is_paused(policy, facts.status):
        return Deadlines()
    clocks: list[tuple[dt.datetime, dt.timedelta]] = []  # (start, target) of every running clock

    def clock(
        start: dt.datetime, minutes: int | None, extra: dt.timedelta = dt.timedelta(0)
    ) -> dt.datetime | None:
        if minutes is None:
            return None
        target = dt.timedelta(minutes=minutes) + extra
        clocks.append((start, target))
        return add_business_time(start, target, calendar)

    first = (
        clock(facts.created_at, policy.first_response_minutes) if facts.first_response_at is None else None
    )
    waiting_since = facts.last_customer_message_at
    answered = facts.last_agent_message_at
    next_response = None
    if (
        facts.first_response_at is not None
        and waiting_since is not None
        and (answered is None or answered < waiting_since)
    ):
        next_response = clock(waiting_since, policy.next_response_minutes)
    resolution = clock(facts.created_at, policy.resolution_minutes, facts.paused_for)
    warnings = [
        add_business_time(start, target * policy.warn_at_percent / 100, calendar) for start, target in clocks
    ]
    dues = [moment for moment in (first, next_response, resolution) if moment is not None]
    # News for a waiting customer is owed, not breached: a schedule sends it, no warning precedes it.
    next_update = None
    if policy.update_interval_minutes is not None:
        update_from = max(m for m in (facts.created_at, answered, facts.last_update_at) if m is not None)
        next_update = add_business_time(
            update_from, dt.timedelta(minutes=policy.update_interval_minutes), calendar
        )
    return Deadlines(
        first_response_due_at=first,
        next_response_due_at=next_response,
        resolution_due_at=resolution,
        next_update_due_at=next_update,
        warn_at=min(warnings, default=None),
        due_at=min(dues, default=None),
    )


def paused_time(
    history: Sequence[tuple[dt.datetime, str]],
    *,
    until: dt.datetime,
    pause_statuses: frozenset[str],
    calendar: CalendarSpec,
) -> dt.timedelta:
    """Business time spent in a pausing status up to ``until``, from the ticket's status changes in order:
    (moment, status entered)."""
    total = dt.timedelta(0)
    since: dt.datetime | None = None
    for at, status in history:
        if at > until:
            break
        if status in pause_statuses:
            since = since or at
        elif since is not None:
            total += business_time_between(since, at, calendar)
            since = None
    if since is not None and until > since:
        total += business_time_between(since, until, calendar)
    return total
