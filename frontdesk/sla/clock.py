"""Business-time arithmetic over a frozen calendar: pure functions, no database, no clock of their own.

A calendar says, for every local date of its time zone, when the support desk works: the weekly hours of that
weekday, unless the date has hours of its own (a holiday has none; a working Saturday has some). Local hours
become real moments through the time zone, so a day on which the clocks change has an hour more or less of
business time, exactly as the people at work live it: 02:00–04:00 on the night of a spring change is one real
hour long, on the night of an autumn change three.

Moments given to these functions are aware datetimes in any zone; results are in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

# An interval of a local day as minutes after midnight: (600, 1080) is 10:00–18:00; 1440 is the end of the day.
Interval = tuple[int, int]
DayHours = tuple[Interval, ...]
MINUTES_PER_DAY = 24 * 60
# How far ahead a search for open time goes before it decides that the calendar is never open.
MAX_SEARCH_DAYS = 3 * 366
_ZERO = dt.timedelta(0)
_UTC = dt.UTC


class CalendarError(ValueError):
    """A calendar that cannot answer: hours out of range, overlapping, or never open."""


def _check_hours(hours: DayHours, what: str) -> DayHours:
    previous_end = -1
    for start, end in hours:
        if not (0 <= start < end <= MINUTES_PER_DAY):
            raise CalendarError(f"{what}: {start}–{end} is not an interval within a day")
        if start <= previous_end:
            raise CalendarError(f"{what}: intervals overlap, touch or are out of order")
        previous_end = end
    return hours


@dataclass(frozen=True, eq=False)
class CalendarSpec:
    """When a desk works. ``weekly`` has seven entries, Monday first; ``days`` gives dates hours of their own
    (an empty tuple closes the date: holidays). ``always_open`` is the 24/7 calendar, which ignores the rest."""

    time_zone: str = "UTC"
    weekly: tuple[DayHours, ...] = ((),) * 7
    days: Mapping[dt.date, DayHours] = field(default_factory=dict)
    always_open: bool = False

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise CalendarError("weekly hours need seven days, Monday first")
        for number, hours in enumerate(self.weekly):
            _check_hours(hours, f"weekday {number}")
        for day, hours in self.days.items():
            _check_hours(hours, day.isoformat())
        try:
            ZoneInfo(self.time_zone)
        except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
            raise CalendarError(f"unknown time zone {self.time_zone!r}") from error
        if not self.always_open and not any(self.weekly):
            raise CalendarError("a calendar needs working hours on at least one weekday, or to be 24/7")

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def hours_on(self, day: dt.date) -> DayHours:
        hours = self.days.get(day)
        return self.weekly[day.weekday()] if hours is None else hours


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError("business-time arithmetic needs aware datetimes")
    return moment.astimezone(_UTC)


def _local_moment(day: dt.date, minute: int, zone: ZoneInfo) -> dt.datetime:
    """The real moment of a local wall time. A wall time that an autumn change repeats is its first
    occurrence; one that a spring change skips is read with the offset in force before the change, which moves
    it forward by the length of the gap."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + dt.timedelta(days=1), 0
    local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    return local.astimezone(_UTC)


def _day_spans(calendar: CalendarSpec, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (_local_moment(day, start, calendar.zone), _local_moment(day, end, calendar.zone))
        for start, end in calendar.hours_on(day)
    ]


def _open_spans(calendar: CalendarSpec, since: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Disjoint open spans in real time, in order, from the local date before that of ``since`` (a span may
    start before it). Spans that a skipped hour pushes into each other are clipped to their union."""
    day = since.astimezone(calendar.zone).date() - dt.timedelta(days=1)
    empty_days = 0
    last_finish: dt.datetime | None = None
    while empty_days <= MAX_SEARCH_DAYS:
        spans = _day_spans(calendar, day)
        empty_days = 0 if spans else empty_days + 1
        for begin, finish in spans:
            if last_finish is not None:
                begin = max(begin, last_finish)
            if finish > begin:
                yield begin, finish
                last_finish = finish
        day += dt.timedelta(days=1)
    raise CalendarError(f"no working hours within {MAX_SEARCH_DAYS} days")


def _open_spans_backwards(
    calendar: CalendarSpec, until: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The same union of open time as ``_open_spans``, latest first, from the local date after ``until``."""
    day = until.astimezone(calendar.zone).date() + dt.timedelta(days=1)
    empty_days = 0
    next_begin: dt.datetime | None = None
    while empty_days <= MAX_SEARCH_DAYS:
        spans = _day_spans(calendar, day)
        empty_days = 0 if spans else empty_days + 1
        for begin, finish in reversed(spans):
            if next_begin is not None:
                finish = min(finish, next_begin)
            if finish > begin:
                yield begin, finish
                next_begin = begin
        day -= dt.timedelta(days=1)
    raise CalendarError(f"no working hours within {MAX_SEARCH_DAYS} days")


def add_business_time(start: dt.datetime, amount: dt.timedelta, calendar: CalendarSpec) -> dt.datetime:
    """The moment at which ``amount`` of business time has passed since ``start`` (backwards when negative).

    Adding nothing returns ``start``. A deadline falls inside open time or at the end of an open span, never
    at the start of the next one: 60 minutes from 17:00 on a 10:00–18:00 day is 18:00, not 10:00 tomorrow.
    """
    start = _utc(start)
    if amount == _ZERO:
        return start
    if calendar.always_open:
        return start + amount
    if amount > _ZERO:
        left = amount
        for begin, finish in _open_spans(calendar, start):
            if finish <= start:
                continue
            begin = max(begin, start)
            if finish - begin >= left:
                return begin + left
            left -= finish - begin
    else:
        left = -amount
        for begin, finish in _open_spans_backwards(calendar, start):
            if begin >= start:
                continue
            finish = min(finish, start)
            if finish - begin >= left:
                return finish - left
            left -= finish - begin
    raise AssertionError("unreachable: the span iterators raise when they run out")  # pragma: no cover


def add_business_minutes(start: dt.datetime, minutes: int, calendar: CalendarSpec) -> dt.datetime:
    """``add_business_time`` in whole minutes: the deadline of a target such as "first answer in 30 minutes"."""
    return add_business_time(start, dt.timedelta(minutes=minutes), calendar)


def business_time_between(a: dt.datetime, b: dt.datetime, calendar: CalendarSpec) -> dt.timedelta:
    """Open time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -business_time_between(b, a, calendar)
    if calendar.always_open or a == b:
        return b - a
    total = _ZERO
    for begin, finish in _open_spans(calendar, a):
        if begin >= b:
            break
        overlap = min(finish, b) - max(begin, a)
        if overlap > _ZERO:
            total += overlap
    return total


def business_minutes_between(a: dt.datetime, b: dt.datetime, calendar: CalendarSpec) -> float:
    """``business_time_between`` in minutes, with the seconds as a fraction: what reports average."""
    return business_time_between(a, b, calendar).total_seconds() / 60


def is_open(moment: dt.datetime, calendar: CalendarSpec) -> bool:
    """Whether ``moment`` is inside working hours (an open span includes its start, not its end)."""
    moment = _utc(moment)
    if calendar.always_open:
        return True
    for begin, finish in _open_spans(calendar, moment):
        if begin > moment:
            return False
        if begin <= moment < finish:
            return True
    return False  # pragma: no cover - the iterator raises first


def next_open(moment: dt.datetime, calendar: CalendarSpec) -> dt.datetime:
    """``moment`` itself when open, else the start of the next open span."""
    moment = _utc(moment)
    if calendar.always_open:
        return moment
    for begin, finish in _open_spans(calendar, moment):
        if finish > moment:
            return max(begin, moment)
    raise AssertionError("unreachable")  # pragma: no cover
