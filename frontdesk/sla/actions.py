"""Writes of the sla app: a brand admin sets the business hours of a brand or of one of its teams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand, validate_time_zone
from frontdesk.core.errors import PermissionDenied
from frontdesk.sla.calendars import CalendarInvalid, as_json, describe_weekly, parse_settings
from frontdesk.sla.models import Calendar
from frontdesk.users.actors import Actor
from frontdesk.users.models import Team


def _check_time_zone(value: str) -> None:
    try:
        validate_time_zone(value)
    except ValidationError:
        raise CalendarInvalid(
            _("%(zone)s is not a known time zone.") % {"zone": value}, field="time_zone"
        ) from None


@transaction.atomic
def save_calendar(
    brand: Brand,
    *,
    actor: Actor,
    team: Team | None = None,
    name: str,
    time_zone: str,
    always_open: bool = False,
    weekly_hours: dict[str, Any] | None = None,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    closed_dates: Sequence[str] = (),
    special_hours: dict[str, Any] | None = None,
    ical_url: str = "",
    ical_text: str = "",
) -> Calendar:
    """Create or replace the calendar of ``brand`` (or of ``team``, one of its teams). Every value is checked
    (``CalendarInvalid`` names the field) and stored in its normal form."""
    if not actor.administers(brand.pk):
        raise PermissionDenied(_("Only an administrator of the brand sets its business hours."))
    if team is not None and team.brand_id != brand.pk:
        raise CalendarInvalid(_("The team does not belong to this brand."), field="team")
    name = name.strip()
    if not name or len(name) > 200:
        raise CalendarInvalid(_("Give the calendar a name of at most 200 characters."), field="name")
    _check_time_zone(time_zone)
    country, region = holiday_country.strip().upper(), holiday_subdivision.strip().upper()
    parsed = parse_settings(
        time_zone=time_zone,
        always_open=always_open,
        weekly_hours=weekly_hours or {},
        holiday_country=country,
        holiday_subdivision=region,
        closed_dates=list(closed_dates),
        special_hours=special_hours or {},
        ical_text=ical_text,
    )
    calendar, _created = Calendar.objects.update_or_create(
        brand=brand,
        team=team,
        defaults={
            "name": name,
            "time_zone": time_zone,
            "always_open": always_open,
            "weekly_hours": describe_weekly(parsed.weekly),
            "holiday_country": country,
            "holiday_subdivision": region,
            "closed_dates": as_json(parsed.closed_dates),
            "special_hours": as_json(dict(parsed.special_hours)),
            "ical_url": ical_url.strip(),
            "ical_text": ical_text,
            "ical_read_at": timezone.now() if ical_text.strip() else None,
            "ical_error": "",
        },
    )
    return calendar
