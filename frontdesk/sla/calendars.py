"""From what a brand admin writes (hours, holidays' country, closed dates, an iCal feed) to a ``CalendarSpec``.

Everything here is pure: parsing refuses nonsense with a ``CalendarInvalid`` naming the field, and
``spec_from`` builds the frozen calendar the clock computes with, holidays included for the years asked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import holidays
from django.utils.translation import gettext as _

from frontdesk.core.errors import DomainError
from frontdesk.sla.clock import MINUTES_PER_DAY, CalendarError, CalendarSpec, DayHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
MAX_ICAL_BYTES = 2 * 1024 * 1024
# Closures further than this from today are ignored: a feed may hold decades of events.
ICAL_YEARS = 5


class CalendarInvalid(DomainError):
    code = "calendar_invalid"
    status = 422
    title = "The calendar is not valid"


def parse_interval(text: str, *, field: str) -> tuple[int, int]:
    """``"10:00-18:00"`` → ``(600, 1080)``; ``24:00`` ends a day."""
    match = _INTERVAL.match(text) if isinstance(text, str) else None
    if not match:
        raise CalendarInvalid(
            _("%(value)s is not an interval like 10:00-18:00.") % {"value": text}, field=field
        )
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or end > MINUTES_PER_DAY or start >= end:
        raise CalendarInvalid(
            _("%(value)s is not an interval within one day (start before end, 24:00 at the latest).")
            % {"value": text},
            field=field,
        )
    return start, end


def parse_day_hours(value: object, *, field: str) -> DayHours:
    if not isinstance(value, list):
        raise CalendarInvalid(_('Give a list of intervals like ["10:00-18:00"].'), field=field)
    hours = sorted(parse_interval(text, field=field) for text in value)
    for (_s1, end), (start, _e2) in itertools.pairwise(hours):
        if start <= end:
            raise CalendarInvalid(_("Intervals of one day must not overlap or touch."), field=field)
    return tuple(hours)


def parse_weekly(value: object) -> tuple[DayHours, ...]:
    if not isinstance(value, dict):
        raise CalendarInvalid(
            _('Give hours per weekday, e.g. {"mon": ["10:00-18:00"]}.'), field="weekly_hours"
        )
    unknown = sorted(set(value) - set(WEEKDAYS))
    if unknown:
        raise CalendarInvalid(
            _("Weekdays are mon, tue, wed, thu, fri, sat and sun (not %(days)s).")
            % {"days": ", ".join(unknown)},
            field="weekly_hours",
        )
    return tuple(parse_day_hours(value.get(day, []), field="weekly_hours") for day in WEEKDAYS)


def parse_date(text: object, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise CalendarInvalid(
            _("%(value)s is not a date like 2026-12-31.") % {"value": text}, field=field
        ) from None


def parse_closed_dates(value: object) -> frozenset[dt.date]:
    if not isinstance(value, list):
        raise CalendarInvalid(_('Give a list of dates like ["2026-12-31"].'), field="closed_dates")
    return frozenset(parse_date(text, field="closed_dates") for text in value)


def parse_special_hours(value: object) -> dict[dt.date, DayHours]:
    if not isinstance(value, dict):
        raise CalendarInvalid(
            _('Give hours per date, e.g. {"2026-12-26": ["10:00-14:00"]}.'), field="special_hours"
        )
    return {
        parse_date(day, field="special_hours"): parse_day_hours(hours, field="special_hours")
        for day, hours in value.items()
    }


def check_holiday_country(country: str, subdivision: str) -> None:
    if not country:
        if subdivision:
            raise CalendarInvalid(_("A region needs a country."), field="holiday_subdivision")
        return
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise CalendarInvalid(
            _("%(country)s is not a country the holidays list knows (use codes like RU, PL, DE).")
            % {"country": country},
            field="holiday_country",
        )
    if subdivision and subdivision not in supported[country]:
        raise CalendarInvalid(
            _("%(region)s is not a region of %(country)s.") % {"region": subdivision, "country": country},
            field="holiday_subdivision",
        )


def parse_ical_closures(data: bytes | str) -> frozenset[dt.date]:
    """Dates an iCalendar feed closes: every date an event covers (all-day events; timed events close the
    dates they touch). Recurring events are not expanded; feeds of public holidays list each date."""
    import icalendar

    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_ICAL_BYTES:
        raise CalendarInvalid(_("The iCal data is larger than 2 MB."), field="ical_text")
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarInvalid(
            _("The iCal data cannot be read: %(error)s") % {"error": str(error)[:200]}, field="ical_text"
        ) from None
    today = dt.datetime.now(dt.UTC).date()
    earliest, latest = (
        today.replace(year=today.year - ICAL_YEARS, day=1),
        today.replace(year=today.year + ICAL_YEARS, day=1),
    )
    closed: set[dt.date] = set()
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART", None)
        if start is None:
            continue
        end = event.decoded("DTEND", None)
        # A value the library could not read as a date comes back as text.
        if not isinstance(start, dt.date) or (end is not None and not isinstance(end, dt.date)):
            raise CalendarInvalid(
                _("An event of the iCal data has a start or end that is not a date: %(summary)s")
                % {"summary": str(event.get("SUMMARY", ""))[:100]},
                field="ical_text",
            )
        first = start.date() if isinstance(start, dt.datetime) else start
        if end is None:
            last = first
        elif isinstance(end, dt.datetime):
            last = end.date()
        else:
            last = end - dt.timedelta(days=1)  # DTEND of an all-day event is exclusive
        day = max(first, earliest)
        while day <= min(last, latest):
            closed.add(day)
            day += dt.timedelta(days=1)
    return frozenset(closed)


@dataclass(frozen=True)
class CalendarSettings:
    """The parsed, valid content of a ``Calendar`` row."""

    time_zone: str
    always_open: bool
    weekly: tuple[DayHours, ...]
    holiday_country: str
    holiday_subdivision: str
    closed_dates: frozenset[dt.date]
    special_hours: Mapping[dt.date, DayHours]
    ical_closures: frozenset[dt.date]


def parse_settings(
    *,
    time_zone: str,
    always_open: bool,
    weekly_hours: object,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    closed_dates: object = (),
    special_hours: object = None,
    ical_text: str = "",
) -> CalendarSettings:
    check_holiday_country(holiday_country, holiday_subdivision)
    result = CalendarSettings(
        time_zone=time_zone,
        always_open=always_open,
        weekly=parse_weekly(weekly_hours),
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
        closed_dates=parse_closed_dates(
            list(closed_dates) if isinstance(closed_dates, tuple) else closed_dates
        ),
        special_hours=parse_special_hours(special_hours if special_hours is not None else {}),
        ical_closures=parse_ical_closures(ical_text) if ical_text.strip() else frozenset(),
    )
    try:
        spec_from(result, years=(dt.datetime.now(dt.UTC).year,))
    except CalendarError as error:
        raise CalendarInvalid(_("These hours cannot be used: %(error)s") % {"error": error}) from None
    return result


def public_holidays(country: str, subdivision: str, years: Iterable[int]) -> dict[dt.date, str]:
    if not country:
        return {}
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=sorted(set(years)))
    return dict(found.items())


def spec_from(settings: CalendarSettings, *, years: Iterable[int]) -> CalendarSpec:
    """The clock's calendar: weekly hours; public holidays of ``years``, hand-closed dates and the feed's
    closures shut; dates with their own hours open as given (a working Saturday beats a holiday)."""
    days: dict[dt.date, DayHours] = {}
    for day in [*public_holidays(settings.holiday_country, settings.holiday_subdivision, years)]:
        days[day] = ()
    for day in settings.closed_dates | settings.ical_closures:
        days[day] = ()
    days.update(settings.special_hours)
    return CalendarSpec(
        time_zone=settings.time_zone, weekly=settings.weekly, days=days, always_open=settings.always_open
    )


def describe_weekly(weekly: tuple[DayHours, ...]) -> dict[str, list[str]]:
    """The inverse of ``parse_weekly``, for forms and the API."""
    return {
        day: [f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in hours]
        for day, hours in zip(WEEKDAYS, weekly, strict=True)
        if hours
    }


def as_json(value: Any) -> Any:
    """Dates and hours as the JSON the model stores."""
    if isinstance(value, frozenset | set):
        return sorted(day.isoformat() for day in value)
    if isinstance(value, dict):
        return {
            day.isoformat(): [f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in hours]
            for day, hours in sorted(value.items())
        }
    return value
