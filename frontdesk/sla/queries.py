"""Reads of the sla app: the calendar that applies to a brand or team, as the clock's frozen spec."""

from __future__ import annotations

import datetime as dt
import threading

from django.db.models import Q

from frontdesk.sla.calendars import (
    CalendarSettings,
    parse_closed_dates,
    parse_ical_closures,
    parse_special_hours,
    parse_weekly,
    spec_from,
)
from frontdesk.sla.clock import CalendarSpec
from frontdesk.sla.models import Calendar, SlaPolicy
from frontdesk.sla.policies import PolicyTerms

# Specs built from a row, by (id, updated_at, years): holidays and feeds are parsed once per process and change.
_specs: dict[tuple[int, dt.datetime, tuple[int, ...]], CalendarSpec] = {}
_lock = threading.Lock()
_MAX_SPECS = 256


def calendar_for(brand_id: int, team_id: int | None = None) -> Calendar | None:
    """The team's own calendar if it has one, else the brand's; ``None`` when the brand has none (24/7)."""
    rows = list(
        Calendar.objects.filter(Q(team__isnull=True) | Q(team_id=team_id), brand_id=brand_id).order_by(
            "team_id"
        )[:2]
    )
    own = [row for row in rows if team_id is not None and row.team_id == team_id]
    return own[0] if own else next((row for row in rows if row.team_id is None), None)


def settings_of(calendar: Calendar) -> CalendarSettings:
    return CalendarSettings(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        weekly=parse_weekly(calendar.weekly_hours),
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        closed_dates=parse_closed_dates(calendar.closed_dates),
        special_hours=parse_special_hours(calendar.special_hours),
        ical_closures=parse_ical_closures(calendar.ical_text) if calendar.ical_text.strip() else frozenset(),
    )


def spec_of(calendar: Calendar, *, around: dt.datetime) -> CalendarSpec:
    """The clock's calendar with the public holidays of the years around ``around`` (one before, two after:
    enough for any target measured in business days)."""
    years = tuple(range(around.year - 1, around.year + 3))
    key = (calendar.pk, calendar.updated_at, years)
    spec = _specs.get(key)
    if spec is None:
        spec = spec_from(settings_of(calendar), years=years)
        with _lock:
            if len(_specs) >= _MAX_SPECS:
                _specs.clear()
            _specs[key] = spec
    return spec


ALWAYS_OPEN = CalendarSpec(always_open=True)


def spec_for(brand_id: int, team_id: int | None = None, *, around: dt.datetime) -> CalendarSpec:
    calendar = calendar_for(brand_id, team_id)
    return ALWAYS_OPEN if calendar is None else spec_of(calendar, around=around)


def terms_of(policy: SlaPolicy) -> PolicyTerms:
    return PolicyTerms(
        id=policy.pk,
        name=policy.name,
        priorities=frozenset(policy.priorities),
        channels=frozenset(policy.channels),
        category_ids=frozenset(int(pk) for pk in policy.category_ids),
        organization_ids=frozenset(int(pk) for pk in policy.organization_ids),
        customer_tiers=frozenset(policy.customer_tiers),
        first_response_minutes=policy.first_response_minutes,
        next_response_minutes=policy.next_response_minutes,
        resolution_minutes=policy.resolution_minutes,
        update_interval_minutes=policy.update_interval_minutes,
        pause_statuses=frozenset(policy.pause_statuses),
        warn_at_percent=policy.warn_at_percent,
    )


def policies_of(brand_id: int) -> list[tuple[PolicyTerms, int | None]]:
    """The brand's active policies in the order they are tried, each with its own calendar's id (or None)."""
    return [
        (terms_of(policy), policy.calendar_id)
        for policy in SlaPolicy.objects.filter(brand_id=brand_id, is_active=True).order_by("position", "id")
    ]
