"""Brand admins set business hours in the admin, with the same checks as the action, for their brands only."""

import json

import pytest

from frontdesk.sla.actions import save_calendar
from frontdesk.sla.queries import calendar_for
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import actor_for

OFFICE = {day: ["10:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def admin_client(client, cast):
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    return client


def form(cast, **overrides):
    data = {
        "brand": cast.opera.brand.pk,
        "team": "",
        "name": "Box office hours",
        "time_zone": "Europe/Moscow",
        "weekly_hours": json.dumps({"mon": ["9:00-13:00", "14:00 - 18:00"], "fri": ["10:00-16:00"]}),
        "holiday_country": "ru",
        "holiday_subdivision": "",
        "closed_dates": json.dumps(["2026-12-30"]),
        "special_hours": json.dumps({"2026-12-26": ["10:00-14:00"]}),
        "ical_url": "",
        "ical_text": "",
    }
    return data | overrides


def test_a_brand_admin_adds_hours_and_they_are_stored_in_normal_form(cast, admin_client):
    response = admin_client.post("/admin/sla/calendar/add/", form(cast))
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = calendar_for(cast.opera.brand.pk)
    assert calendar.weekly_hours == {"mon": ["09:00-13:00", "14:00-18:00"], "fri": ["10:00-16:00"]}
    assert calendar.holiday_country == "RU"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weekly_hours", json.dumps({"mon": ["18:00-10:00"]}), "not an interval within one day"),
        ("closed_dates", json.dumps(["31.12.2026"]), "not a date like"),
        ("holiday_country", "XX", "not a country"),
    ],
)
def test_nonsense_hours_are_a_form_error_not_a_crash(cast, admin_client, field, value, message):
    response = admin_client.post("/admin/sla/calendar/add/", form(cast, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert calendar_for(cast.opera.brand.pk) is None


def test_another_brands_calendar_is_invisible_to_a_brand_admin(cast, admin_client):
    theirs = save_calendar(
        cast.tours.brand,
        actor=actor_for(cast.tours.admin),
        name="Tours hours",
        time_zone="UTC",
        weekly_hours=OFFICE,
    )
    listing = admin_client.get("/admin/sla/calendar/")
    assert listing.status_code == 200
    assert b"Tours hours" not in listing.content
    assert admin_client.get(f"/admin/sla/calendar/{theirs.pk}/change/").status_code == 302
    response = admin_client.post("/admin/sla/calendar/add/", form(cast, brand=cast.tours.brand.pk))
    assert response.status_code == 200
    assert calendar_for(cast.tours.brand.pk).name == "Tours hours"
