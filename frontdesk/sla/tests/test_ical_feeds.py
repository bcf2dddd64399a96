"""A calendar's iCal feed is read from its address (when the calendar is saved and every few hours) through the
safe HTTP client, or uploaded as a file in the admin; a feed that cannot be read keeps the last good data and
says why."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from frontdesk.core.schedules import registered
from frontdesk.sla.actions import save_calendar
from frontdesk.sla.calendars import parse_ical_closures
from frontdesk.sla.models import Calendar
from frontdesk.sla.queries import calendar_for
from frontdesk.sla.tasks import read_ical_feed, read_ical_feeds
from frontdesk.sla.tests.test_calendar_admin import form
from frontdesk.sla.tests.test_calendars import ICAL
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(settings) -> Iterator[dict[str, object]]:
    """An iCal feed on 127.0.0.1 whose answer each test sets."""
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True
    answer: dict[str, object] = {"status": 200, "body": ICAL}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bytes(answer["body"])  # type: ignore[arg-type]
            self.send_response(int(answer["status"]))  # type: ignore[call-overload]
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    answer["url"] = f"http://127.0.0.1:{server.server_address[1]}/closures.ics"
    yield answer
    server.shutdown()
    server.server_close()


def _calendar(cast, url: str) -> Calendar:
    return save_calendar(
        cast.opera.brand,
        actor=actor_for(cast.opera.admin),
        name="Box office",
        time_zone="Europe/Moscow",
        weekly_hours={"mon": ["10:00-18:00"]},
        ical_url=url,
    )


def test_the_feed_is_read_and_its_closures_count(cast, feed):
    calendar = _calendar(cast, str(feed["url"]))
    assert read_ical_feed(calendar.pk) is True
    calendar.refresh_from_db()
    assert "Inventory" in calendar.ical_text
    assert calendar.ical_read_at is not None
    assert calendar.ical_error == ""
    assert dt.date(2026, 12, 28) in parse_ical_closures(calendar_for(cast.opera.brand.pk).ical_text)


def test_a_feed_that_fails_keeps_the_last_good_data_and_says_why(cast, feed):
    calendar = _calendar(cast, str(feed["url"]))
    read_ical_feed(calendar.pk)
    feed["status"] = 404
    assert read_ical_feed(calendar.pk) is False
    calendar.refresh_from_db()
    assert calendar.ical_error == "HTTP 404"
    assert "Inventory" in calendar.ical_text
    feed["status"], feed["body"] = 200, b"BEGIN:VCALENDAR\nthis is not ical"
    assert read_ical_feed(calendar.pk) is False
    calendar.refresh_from_db()
    assert calendar.ical_error
    assert "Inventory" in calendar.ical_text


def test_a_private_address_is_refused_without_the_setting(cast, feed, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = False
    calendar = _calendar(cast, str(feed["url"]))
    assert read_ical_feed(calendar.pk) is False
    calendar.refresh_from_db()
    assert calendar.ical_error.startswith("BlockedAddress")
    assert calendar.ical_text == ""


def test_the_feeds_are_read_again_by_a_scheduled_job(cast, feed):
    calendar = _calendar(cast, str(feed["url"]))
    assert registered()["sla.read_ical_feeds"].run is read_ical_feeds
    assert read_ical_feeds() == [calendar.pk]


def test_saving_a_calendar_with_an_address_in_the_admin_reads_its_feed(
    cast, client, feed, django_capture_on_commit_callbacks
):
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/sla/calendar/add/", form(cast, ical_url=str(feed["url"])))
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = Calendar.objects.get(brand=cast.opera.brand)
    assert "Inventory" in calendar.ical_text


def test_an_ical_file_uploaded_in_the_admin_closes_its_dates(cast, client):
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    upload = SimpleUploadedFile("closures.ics", ICAL, content_type="text/calendar")
    response = client.post("/admin/sla/calendar/add/", form(cast) | {"ical_file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = Calendar.objects.get(brand=cast.opera.brand)
    assert calendar.ical_read_at is not None
    assert dt.date(2026, 12, 29) in parse_ical_closures(calendar_for(cast.opera.brand.pk).ical_text)
    broken = SimpleUploadedFile("broken.ics", b"BEGIN:VCALENDAR\nnot ical", content_type="text/calendar")
    refused = client.post(f"/admin/sla/calendar/{calendar.pk}/change/", form(cast) | {"ical_file": broken})
    assert refused.status_code == 200
    assert "iCal" in refused.content.decode()
