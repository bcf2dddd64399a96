"""Business-time arithmetic: worked examples across weekends, holidays, midnight, years and clock changes, and
properties that hold for any calendar (hypothesis)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.sla.clock import (
    CalendarError,
    CalendarSpec,
    add_business_minutes,
    add_business_time,
    business_minutes_between,
    business_time_between,
    is_open,
    next_open,
)

MOSCOW = ZoneInfo("Europe/Moscow")
WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_10_18 = (((600, 1080),),) * 5 + ((), ())


def at(zone: ZoneInfo, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=zone)


def office(zone: str = "Europe/Moscow", **days: tuple[tuple[int, int], ...]) -> CalendarSpec:
    return CalendarSpec(
        time_zone=zone,
        weekly=WEEKDAYS_10_18,
        days={dt.date.fromisoformat(day.removeprefix("d")): hours for day, hours in days.items()},
    )


def test_minutes_within_one_working_day_are_plain_minutes():
    start = at(MOSCOW, 2026, 12, 1, 10, 5)  # a Tuesday
    assert add_business_minutes(start, 9, office()) == at(MOSCOW, 2026, 12, 1, 10, 14)


def test_friday_afternoon_plus_two_hours_is_monday_morning():
    start = at(MOSCOW, 2026, 12, 4, 17, 0)  # a Friday
    assert add_business_minutes(start, 120, office()) == at(MOSCOW, 2026, 12, 7, 11, 0)


def test_a_request_at_night_starts_its_clock_when_the_desk_opens():
    start = at(MOSCOW, 2026, 12, 1, 3, 0)
    assert add_business_minutes(start, 9, office()) == at(MOSCOW, 2026, 12, 1, 10, 9)
    assert next_open(start, office()) == at(MOSCOW, 2026, 12, 1, 10, 0)


def test_a_deadline_that_uses_up_the_day_is_the_end_of_the_day_not_the_next_morning():
    start = at(MOSCOW, 2026, 12, 1, 17, 0)
    assert add_business_minutes(start, 60, office()) == at(MOSCOW, 2026, 12, 1, 18, 0)


def test_holidays_are_skipped_across_the_year_boundary():
    calendar = office(**{f"d2027-01-0{n}": () for n in range(1, 9)})
    start = at(MOSCOW, 2026, 12, 31, 17, 30)  # Thursday; January 1–8 are holidays, then a weekend
    assert add_business_minutes(start, 60, calendar) == at(MOSCOW, 2027, 1, 11, 10, 30)
    assert business_minutes_between(start, at(MOSCOW, 2027, 1, 11, 10, 30), calendar) == 60


def test_a_working_saturday_has_the_hours_given_for_that_date():
    calendar = office(**{"d2026-12-05": ((600, 840),)})  # Saturday 10:00–14:00
    start = at(MOSCOW, 2026, 12, 4, 17, 0)
    assert add_business_minutes(start, 120, calendar) == at(MOSCOW, 2026, 12, 5, 11, 0)


def test_several_intervals_a_day_leave_the_lunch_break_out():
    calendar = CalendarSpec(time_zone="Europe/Warsaw", weekly=((((540, 780), (840, 1020)),) * 5) + ((), ()))
    start = at(WARSAW, 2026, 12, 1, 12, 30)
    assert add_business_minutes(start, 60, calendar) == at(WARSAW, 2026, 12, 1, 14, 30)
    assert not is_open(at(WARSAW, 2026, 12, 1, 13, 30), calendar)
    assert is_open(at(WARSAW, 2026, 12, 1, 14, 0), calendar)


def test_hours_up_to_midnight_continue_after_midnight():
    calendar = CalendarSpec(time_zone="Europe/Moscow", weekly=(((0, 120), (1200, 1440)),) * 7)
    start = at(MOSCOW, 2026, 12, 1, 23, 30)
    assert add_business_minutes(start, 60, calendar) == at(MOSCOW, 2026, 12, 2, 0, 30)


def test_the_spring_change_makes_a_night_shift_an_hour_shorter():
    calendar = CalendarSpec(time_zone="Europe/Warsaw", weekly=(((0, 360),),) * 7)  # 00:00–06:00 daily
    night = dt.date(2026, 3, 29)  # clocks go from 02:00 to 03:00
    assert business_minutes_between(
        at(WARSAW, 2026, 3, 29, 0, 0), at(WARSAW, 2026, 3, 29, 6, 0), calendar
    ) == pytest.approx(300)
    # 90 minutes from 01:30 local: 30 minutes to 02:00, the gap, then an hour from 03:00 to 04:00.
    assert add_business_minutes(at(WARSAW, night.year, 3, 29, 1, 30), 90, calendar) == at(
        WARSAW, 2026, 3, 29, 4, 0
    )


def test_the_autumn_change_makes_a_night_shift_an_hour_longer():
    calendar = CalendarSpec(time_zone="Europe/Warsaw", weekly=(((0, 360),),) * 7)
    start, end = at(WARSAW, 2026, 10, 25, 0, 0), at(WARSAW, 2026, 10, 25, 6, 0)
    assert business_minutes_between(start, end, calendar) == pytest.approx(420)
    assert add_business_minutes(start, 420, calendar) == end.astimezone(dt.UTC)


def test_an_interval_inside_the_skipped_hour_does_not_count_twice():
    # 02:00–02:30 falls into the gap and is moved to 03:00–03:30, on top of the 03:00–04:00 interval.
    calendar = CalendarSpec(time_zone="Europe/Warsaw", weekly=(((120, 150), (180, 240)),) * 7)
    day_start, day_end = at(WARSAW, 2026, 3, 29, 0, 0), at(WARSAW, 2026, 3, 30, 0, 0)
    assert business_minutes_between(day_start, day_end, calendar) == pytest.approx(60)
    assert business_time_between(day_end, day_start, calendar) == -dt.timedelta(minutes=60)


def test_a_24_7_calendar_counts_real_time():
    calendar = CalendarSpec(always_open=True)
    start = at(NEW_YORK, 2026, 3, 8, 1, 0)  # the night New York moves its clocks forward
    # Real time: 06:00 UTC plus two hours, not 03:00 wall time plus the skipped hour.
    assert add_business_minutes(start, 120, calendar) == dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC)


def test_times_in_other_zones_are_read_in_the_calendars_zone():
    start = at(WARSAW, 2026, 12, 1, 8, 0)  # 10:00 in Moscow
    assert is_open(start, office())
    assert add_business_minutes(start, 30, office()) == at(MOSCOW, 2026, 12, 1, 10, 30)


@pytest.mark.parametrize(
    ("weekly", "zone", "message"),
    [
        ((((600, 500),),) * 7, "UTC", "not an interval"),
        ((((0, 1500),),) * 7, "UTC", "not an interval"),
        (((0, 600), (500, 700)) * 7, "UTC", "seven days"),
        ((((0, 600), (500, 700)),) * 7, "UTC", "overlap"),
        (((),) * 7, "UTC", "at least one weekday"),
        (WEEKDAYS_10_18, "Mars/Olympus", "unknown time zone"),
    ],
)
def test_nonsense_calendars_are_refused_with_a_reason(weekly, zone, message):
    with pytest.raises(CalendarError, match=message):
        CalendarSpec(time_zone=zone, weekly=weekly)


def test_naive_moments_are_refused():
    with pytest.raises(CalendarError, match="aware"):
        add_business_minutes(dt.datetime(2026, 12, 1, 10, 0), 5, office())


def test_a_calendar_closed_for_years_says_so_instead_of_searching_forever():
    days = {dt.date(2026, 12, 1) + dt.timedelta(days=n): () for n in range(4 * 366)}
    calendar = CalendarSpec(time_zone="UTC", weekly=WEEKDAYS_10_18, days=days)
    with pytest.raises(CalendarError, match="no working hours"):
        add_business_minutes(dt.datetime(2026, 12, 1, tzinfo=dt.UTC), 1, calendar)


# --- properties -----------------------------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Moscow", "Europe/Warsaw", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    cuts = cuts[: len(cuts) // 2 * 2]
    return tuple((cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts), 2))


@st.composite
def calendars(draw: st.DrawFn) -> CalendarSpec:
    weekly = tuple(draw(day_hours()) for _ in range(7))
    if not any(weekly):
        weekly = (((540, 1080),),) + weekly[1:]
    # Hours must not touch: merge (a, b), (b, c) by dropping such cuts.
    weekly = tuple(_merge(hours) for hours in weekly)
    holidays = draw(st.sets(st.dates(dt.date(2025, 12, 1), dt.date(2027, 2, 1)), max_size=30))
    return CalendarSpec(
        time_zone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        days=dict.fromkeys(holidays, ()),
        always_open=draw(st.integers(0, 9)) == 0,
    )


def _merge(hours: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in hours:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


moments = st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31), timezones=st.just(dt.UTC))
amounts = st.integers(0, 30_000)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), start=moments, minutes=amounts)
def test_the_time_between_a_start_and_its_deadline_is_the_time_added(calendar, start, minutes):
    due = add_business_minutes(start, minutes, calendar)
    assert due >= start
    assert business_time_between(start, due, calendar) == dt.timedelta(minutes=minutes)
    if minutes:
        assert is_open(due - dt.timedelta(microseconds=1), calendar)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), start=moments, minutes=amounts)
def test_going_back_the_same_business_time_covers_exactly_that_time(calendar, start, minutes):
    earlier = add_business_time(start, -dt.timedelta(minutes=minutes), calendar)
    assert earlier <= start
    assert business_time_between(earlier, start, calendar) == dt.timedelta(minutes=minutes)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), a=moments, b=moments, c=moments)
def test_business_time_adds_up_over_consecutive_periods_and_never_exceeds_real_time(calendar, a, b, c):
    a, b, c = sorted((a, b, c))
    ab, bc = business_time_between(a, b, calendar), business_time_between(b, c, calendar)
    assert ab + bc == business_time_between(a, c, calendar)
    assert dt.timedelta(0) <= ab <= b - a
    assert business_time_between(b, a, calendar) == -ab


@settings(max_examples=100, deadline=None)
@given(calendar=calendars(), start=moments, first=amounts, second=amounts)
def test_deadlines_grow_with_the_target_and_compose(calendar, start, first, second):
    one = add_business_minutes(start, first, calendar)
    both = add_business_minutes(start, first + second, calendar)
    assert one <= both
    assert add_business_minutes(one, second, calendar) == both
