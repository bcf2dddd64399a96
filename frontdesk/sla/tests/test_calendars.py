"""Calendars as a brand admin sets them: hours, public holidays by country, closed and special dates, iCal
closures, per-team calendars, and the checks that refuse nonsense."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from frontdesk.core.errors import PermissionDenied
from frontdesk.sla.actions import save_calendar
from frontdesk.sla.calendars import CalendarInvalid, parse_ical_closures, parse_settings, spec_from
from frontdesk.sla.clock import add_business_minutes, is_open
from frontdesk.sla.queries import ALWAYS_OPEN, calendar_for, spec_for
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for

MOSCOW = ZoneInfo("Europe/Moscow")
WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE = {day: ["10:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}

ICAL = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//Closures//EN\r
BEGIN:VEVENT\r
UID:1@example\r
DTSTART;VALUE=DATE:20261228\r
DTEND;VALUE=DATE:20261230\r
SUMMARY:Inventory\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@example\r
DTSTART:20261204T120000Z\r
DTEND:20261204T130000Z\r
SUMMARY:Training\r
END:VEVENT\r
END:VCALENDAR\r
"""


def settings(**overrides):
    values = {"time_zone": "Europe/Moscow", "always_open": False, "weekly_hours": OFFICE} | overrides
    return parse_settings(**values)


def test_russian_new_year_holidays_close_the_desk_until_the_first_working_day():
    spec = spec_from(settings(holiday_country="RU"), years=(2026, 2027))
    start = dt.datetime(2025, 12, 31, 17, 0, tzinfo=MOSCOW)  # Wednesday, the last working day
    # 2026: January 1–9 are holidays (the 9th substituted), the 10th and 11th a weekend.
    assert add_business_minutes(start, 120, spec) == dt.datetime(2026, 1, 12, 11, 0, tzinfo=MOSCOW)


def test_polish_holidays_close_the_desk_on_independence_day():
    spec = spec_from(settings(time_zone="Europe/Warsaw", holiday_country="PL"), years=(2026,))
    assert not is_open(dt.datetime(2026, 11, 11, 12, 0, tzinfo=WARSAW), spec)  # a Wednesday
    assert is_open(dt.datetime(2026, 11, 12, 12, 0, tzinfo=WARSAW), spec)


def test_closed_dates_and_a_working_saturday_are_the_admins_exceptions():
    spec = spec_from(
        settings(closed_dates=["2026-12-01"], special_hours={"2026-12-05": ["10:00-14:00"]}), years=(2026,)
    )
    assert not is_open(dt.datetime(2026, 12, 1, 12, 0, tzinfo=MOSCOW), spec)
    assert is_open(dt.datetime(2026, 12, 5, 12, 0, tzinfo=MOSCOW), spec)
    assert not is_open(dt.datetime(2026, 12, 5, 15, 0, tzinfo=MOSCOW), spec)


def test_a_working_day_on_a_public_holiday_follows_the_admin_not_the_holiday_list():
    spec = spec_from(
        settings(holiday_country="RU", special_hours={"2026-06-12": ["10:00-16:00"]}), years=(2026,)
    )
    assert is_open(dt.datetime(2026, 6, 12, 12, 0, tzinfo=MOSCOW), spec)


def test_an_ical_feed_closes_the_dates_its_events_cover():
    assert parse_ical_closures(ICAL) == {dt.date(2026, 12, 28), dt.date(2026, 12, 29), dt.date(2026, 12, 4)}
    spec = spec_from(settings(ical_text=ICAL.decode()), years=(2026,))
    assert not is_open(dt.datetime(2026, 12, 29, 12, 0, tzinfo=MOSCOW), spec)
    assert is_open(dt.datetime(2026, 12, 30, 12, 0, tzinfo=MOSCOW), spec)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weekly_hours": {"mon": ["18:00-10:00"]}}, "weekly_hours"),
        ({"weekly_hours": {"mon": ["9-17"]}}, "weekly_hours"),
        ({"weekly_hours": {"mon": ["10:00-14:00", "13:00-18:00"]}}, "weekly_hours"),
        ({"weekly_hours": {"monday": ["10:00-18:00"]}}, "weekly_hours"),
        ({"weekly_hours": ["10:00-18:00"]}, "weekly_hours"),
        ({"closed_dates": ["31.12.2026"]}, "closed_dates"),
        ({"special_hours": {"2026-12-05": ["10:00-25:00"]}}, "special_hours"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_country": "RU", "holiday_subdivision": "ZZZ"}, "holiday_subdivision"),
        ({"ical_text": "BEGIN:VCALENDAR\nthis is not ical"}, "ical_text"),
        (
            {
                "ical_text": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Broken\r\n"
                "DTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            },
            "ical_text",
        ),
    ],
)
def test_nonsense_is_refused_with_the_field_that_holds_it(overrides, field):
    with pytest.raises(CalendarInvalid) as refused:
        settings(**overrides)
    assert refused.value.field == field


def test_a_calendar_without_any_hours_is_refused_unless_it_is_24_7():
    with pytest.raises(CalendarInvalid):
        settings(weekly_hours={})
    assert settings(weekly_hours={}, always_open=True).always_open


@pytest.mark.django_db
def test_a_brand_admin_sets_the_brands_hours_and_a_team_gets_its_own(cast):
    opera = cast.opera
    admin = actor_for(opera.admin)
    save_calendar(opera.brand, actor=admin, name="Box office", time_zone="Europe/Moscow", weekly_hours=OFFICE)
    night = user_actions.create_team(actor=SYSTEM, brand=opera.brand, name="Night shift", line=1)
    save_calendar(
        opera.brand,
        actor=admin,
        team=night,
        name="Nights",
        time_zone="Europe/Moscow",
        weekly_hours={day: ["00:00-08:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    three_am = dt.datetime(2026, 12, 1, 3, 0, tzinfo=MOSCOW)
    assert not is_open(three_am, spec_for(opera.brand.pk, around=three_am))
    assert is_open(three_am, spec_for(opera.brand.pk, night.pk, around=three_am))
    assert calendar_for(opera.brand.pk, night.pk).name == "Nights"
    # Saving again replaces the brand's calendar rather than adding a second one.
    save_calendar(
        opera.brand, actor=admin, name="Box office 24/7", time_zone="Europe/Moscow", always_open=True
    )
    assert calendar_for(opera.brand.pk).name == "Box office 24/7"
    assert is_open(three_am, spec_for(opera.brand.pk, around=three_am))


@pytest.mark.django_db
def test_a_brand_without_a_calendar_runs_around_the_clock(cast):
    assert spec_for(cast.opera.brand.pk, around=dt.datetime.now(dt.UTC)) is ALWAYS_OPEN


@pytest.mark.django_db
def test_only_an_admin_of_that_brand_sets_its_hours(cast):
    for user in (cast.opera.line1, cast.tours.admin, cast.outsider, cast.opera.customer_user):
        with pytest.raises(PermissionDenied):
            save_calendar(
                cast.opera.brand, actor=actor_for(user), name="x", time_zone="UTC", weekly_hours=OFFICE
            )
    assert calendar_for(cast.opera.brand.pk) is None


@pytest.mark.django_db
def test_a_team_of_another_brand_and_an_unknown_zone_are_refused(cast):
    admin = actor_for(cast.opera.admin)
    other_team = user_actions.create_team(actor=SYSTEM, brand=cast.tours.brand, name="Tours team", line=1)
    with pytest.raises(CalendarInvalid) as refused:
        save_calendar(
            cast.opera.brand, actor=admin, team=other_team, name="x", time_zone="UTC", weekly_hours=OFFICE
        )
    assert refused.value.field == "team"
    with pytest.raises(CalendarInvalid) as refused:
        save_calendar(cast.opera.brand, actor=admin, name="x", time_zone="Moon/Base", weekly_hours=OFFICE)
    assert refused.value.field == "time_zone"
