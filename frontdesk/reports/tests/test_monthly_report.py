"""The monthly report by mail: each subscription gets last month's report (in the brand's time zone) once, with
the headline figures in its language and every table in an XLSX attachment; brand admins set it up in the
admin for their own brands only."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import translation

from frontdesk.core.schedules import run_due_schedules
from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.reports import monthly
from frontdesk.reports.exports import report_xlsx
from frontdesk.reports.models import ReportSubscription, TicketFact
from frontdesk.reports.summary import Figure, build_report, report_scope
from frontdesk.reports.tasks import send_due_monthly_reports
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import SYSTEM

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBSCRIPTIONS = "admin:reports_reportsubscription_changelist"
ADD = "admin:reports_reportsubscription_add"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def at(time_machine):
    def move(moment: dt.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


@pytest.fixture
def tickets(cast, at, django_capture_on_commit_callbacks):
    """Opera requests filed at the given moments (their facts kept by the event consumer)."""

    def file(*moments: dt.datetime) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            for number, moment in enumerate(moments):
                at(moment)
                cast.opera.ticket(f"Request {number}")
        assert TicketFact.objects.filter(brand=cast.opera.brand).count() >= len(moments)
        # The customers' acknowledgements are not what these tests look at.
        mail.outbox.clear()

    return file


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One run of the job with its mail sent (Huey runs immediately in tests)."""

    def once() -> list[int]:
        with django_capture_on_commit_callbacks(execute=True):
            return monthly.send_monthly_reports()

    return once


def subscribe(brand, *recipients: str, language: str = "en", **fields) -> ReportSubscription:
    return ReportSubscription.objects.create(
        brand=brand, recipients=list(recipients), language=language, **fields
    )


def members(content: bytes) -> dict[str, bytes]:
    """The parts of a workbook, without the creation time (which differs between two builds)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        assert book.testzip() is None
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def expected_xlsx(brand, first: dt.date, last: dt.date, language: str) -> bytes:
    with translation.override(language):
        scope, zone, chosen = report_scope(SYSTEM, brand_slug=brand.slug, first_day=first, last_day=last)
        return report_xlsx(build_report(scope, zone=zone, brands=chosen))


def sheet_names(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())


def test_the_job_mails_last_months_report_to_each_recipient_with_its_spreadsheet(cast, at, tickets, run):
    opera = cast.opera.brand
    tickets(utc(2026, 10, 31, 23), utc(2026, 11, 2, 10), utc(2026, 11, 30, 23, 59))
    subscription = subscribe(opera, "boss@opera.example", "cfo@opera.example")
    at(utc(2026, 12, 1, 6))

    assert run() == [subscription.pk]

    assert sorted(m.to[0] for m in mail.outbox) == ["boss@opera.example", "cfo@opera.example"]
    sent = mail.outbox[0]
    assert sent.subject == "Monthly report of Opera Box Office: November 2026"
    assert "(2026-11-01 to 2026-11-30, UTC)" in sent.body
    assert "- Requests created: 2\n" in sent.body
    assert "Solved on line 1:" in sent.body
    assert "First response, median:" in sent.body
    assert "Good ratings:" in sent.body
    [(filename, content, content_type)] = sent.attachments
    assert (filename, content_type) == ("report-opera-2026-11.xlsx", XLSX)
    assert members(content) == members(
        expected_xlsx(opera, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "en")
    )
    assert "Key figures" in sheet_names(content)
    rows = OutboundMessage.objects.filter(kind=OutboundKind.REPORT)
    assert {row.status for row in rows} == {OutboundStatus.SENT}
    subscription.refresh_from_db()
    assert subscription.last_sent_month == dt.date(2026, 11, 1)


def test_the_job_is_registered_as_a_schedule(cast, at, django_capture_on_commit_callbacks):
    subscribe(cast.opera.brand, "boss@opera.example")
    at(utc(2026, 12, 1, 6))

    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_schedules(only={"reports.send_monthly_reports"}) == ["reports.send_monthly_reports"]

    assert [m.to for m in mail.outbox] == [["boss@opera.example"]]
    assert send_due_monthly_reports() == []


def test_the_report_is_written_in_the_subscriptions_language(cast, at, tickets, run):
    tickets(utc(2026, 11, 2, 10))
    subscribe(cast.opera.brand, "boss@opera.example", language="ru")
    at(utc(2026, 12, 1, 6))

    run()

    [sent] = mail.outbox
    assert sent.subject.startswith("Ежемесячный отчёт Opera Box Office:")
    assert "Основные показатели" in sent.body
    with translation.override("ru"):
        created = translation.gettext("Requests created")
        key_figures = translation.gettext("Key figures")
    assert created != "Requests created"
    assert f"- {created}: 1\n" in sent.body
    [(_name, content, _type)] = sent.attachments
    assert key_figures in sheet_names(content)
    assert members(content) == members(
        expected_xlsx(cast.opera.brand, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "ru")
    )


def test_the_month_goes_out_once_however_often_the_job_runs(cast, at, run):
    subscription = subscribe(cast.opera.brand, "boss@opera.example")
    at(utc(2026, 12, 1, 6))

    assert run() == [subscription.pk]
    at(utc(2026, 12, 1, 7))
    assert run() == []
    at(utc(2026, 12, 31, 23))
    assert run() == []

    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(kind=OutboundKind.REPORT).count() == 1


def test_a_worker_that_loses_the_claim_while_building_sends_nothing(cast, at, monkeypatch, run):
    """Another worker takes the month while this one builds the report: the conditional UPDATE finds it gone."""
    subscription = subscribe(cast.opera.brand, "boss@opera.example")
    at(utc(2026, 12, 1, 6))
    build = monthly.monthly_content

    def built_while_another_worker_sends(*args, **kwargs):
        content = build(*args, **kwargs)
        ReportSubscription.objects.filter(pk=subscription.pk).update(last_sent_month=dt.date(2026, 11, 1))
        return content

    monkeypatch.setattr(monthly, "monthly_content", built_while_another_worker_sends)

    assert run() == []
    assert mail.outbox == []
    assert not OutboundMessage.objects.exists()


def test_a_failed_build_leaves_the_month_due_for_the_next_run(cast, at, monkeypatch, run):
    subscription = subscribe(cast.opera.brand, "boss@opera.example")
    at(utc(2026, 12, 1, 6))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(monthly, "plan_report_mail", broken)
    assert run() == []
    subscription.refresh_from_db()
    assert subscription.last_sent_month is None
    monkeypatch.undo()

    assert run() == [subscription.pk]
    assert len(mail.outbox) == 1


def test_the_month_follows_the_brands_time_zone(cast, at, tickets, run):
    """Moscow is UTC+3: its December starts at 21:00 UTC on 30 November."""
    opera = cast.opera.brand
    opera.time_zone = "Europe/Moscow"
    opera.save(update_fields=["time_zone"])
    # 1 November 01:00 and 30 November 23:30 in Moscow; 31 October 23:00 in Moscow is October's.
    tickets(utc(2026, 10, 31, 22), utc(2026, 11, 30, 20, 30), utc(2026, 10, 31, 20))
    subscription = subscribe(opera, "boss@opera.example", last_sent_month=dt.date(2026, 10, 1))

    at(utc(2026, 11, 30, 20, 59))
    assert run() == []
    at(utc(2026, 11, 30, 21, 0))
    assert run() == [subscription.pk]

    [sent] = mail.outbox
    assert "November 2026" in sent.subject
    assert "(2026-11-01 to 2026-11-30, Europe/Moscow)" in sent.body
    assert "- Requests created: 2\n" in sent.body
    assert sent.attachments[0][0] == "report-opera-2026-11.xlsx"


def test_the_report_waits_for_the_subscriptions_day_of_the_month(cast, at, run):
    subscription = subscribe(cast.opera.brand, "boss@opera.example", day_of_month=5)

    at(utc(2026, 12, 4, 23, 59))
    assert run() == []
    at(utc(2026, 12, 5, 0, 0))
    assert run() == [subscription.pk]
    assert "November 2026" in mail.outbox[0].subject


def test_after_downtime_only_the_latest_month_is_sent(cast, at, run):
    subscription = subscribe(cast.opera.brand, "boss@opera.example", last_sent_month=dt.date(2026, 9, 1))
    at(utc(2027, 1, 10, 12))

    assert run() == [subscription.pk]
    assert run() == []

    [sent] = mail.outbox
    assert "December 2026" in sent.subject
    assert sent.attachments[0][0] == "report-opera-2026-12.xlsx"


def test_inactive_subscriptions_and_brands_get_no_report(cast, at, run):
    subscribe(cast.opera.brand, "boss@opera.example", is_active=False)
    tours = cast.tours.brand
    tours.is_active = False
    tours.save(update_fields=["is_active"])
    subscribe(tours, "boss@tours.example")
    at(utc(2026, 12, 1, 6))

    assert run() == []
    assert mail.outbox == []


def test_each_brand_gets_its_own_report(cast, at, tickets, run):
    tickets(utc(2026, 11, 2, 10))
    subscribe(cast.opera.brand, "boss@opera.example")
    subscribe(cast.tours.brand, "boss@tours.example")
    at(utc(2026, 12, 1, 6))

    assert len(run()) == 2

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "- Requests created: 1\n" in by_recipient["boss@opera.example"].body
    assert "- Requests created: 0\n" in by_recipient["boss@tours.example"].body
    assert by_recipient["boss@tours.example"].attachments[0][0] == "report-opera-tours-2026-11.xlsx"


@pytest.mark.parametrize(
    ("language", "minutes", "percent"),
    [("en", "12.5 min", "87.5 %"), ("ru", "12,5 мин", "87,5 %"), ("pl", "12,5 min", "87,5 %")],
)
def test_figures_in_the_mail_are_written_the_languages_way(language, minutes, percent):
    with translation.override(language):
        assert monthly._value(Figure("first", "First", 12.5, None, "min")) == minutes
        assert monthly._value(Figure("line_one", "Line 1", 87.5, None, "%")) == percent
        assert monthly._value(Figure("created", "Created", None, None)) == "—"


# --- The admin -------------------------------------------------------------------------------------------


def login(client, user) -> None:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def test_a_brand_admin_subscribes_addresses_for_their_brand(client, cast):
    login(client, cast.opera.admin)

    response = client.post(
        reverse(ADD),
        {
            "brand": cast.opera.brand.pk,
            "recipients": "Boss@Opera.example\ncfo@opera.example, boss@opera.example",
            "language": "pl",
            "day_of_month": "3",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert subscription.brand == cast.opera.brand
    assert subscription.recipients == ["boss@opera.example", "cfo@opera.example"]
    assert (subscription.language, subscription.day_of_month) == ("pl", 3)
    page = client.get(reverse("admin:reports_reportsubscription_change", args=[subscription.pk]))
    assert page.status_code == 200
    assert "boss@opera.example\ncfo@opera.example" in page.content.decode()


@pytest.mark.parametrize(
    ("recipients", "day", "message"),
    [
        ("boss@opera.example\nnot-an-address", "1", "Not a mail address: not-an-address"),
        ("", "1", "Enter at least one address."),
        (" , ;", "1", "Enter at least one address."),
        ("boss@opera.example", "29", "Ensure this value is less than or equal to 28."),
        ("boss@opera.example", "0", "Ensure this value is greater than or equal to 1."),
        ("\n".join(f"a{n}@opera.example" for n in range(21)), "1", "At most 20 addresses."),
    ],
)
def test_bad_subscriptions_are_form_errors(client, cast, recipients, day, message):
    login(client, cast.opera.admin)

    response = client.post(
        reverse(ADD),
        {"brand": cast.opera.brand.pk, "recipients": recipients, "language": "en", "day_of_month": day},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportSubscription.objects.exists()


def test_a_brand_admin_cannot_see_or_change_another_brands_subscription(client, cast):
    mine = subscribe(cast.opera.brand, "boss@opera.example")
    theirs = subscribe(cast.tours.brand, "secret-boss@tours.example")
    login(client, cast.opera.admin)

    listing = client.get(reverse(SUBSCRIPTIONS))
    assert listing.status_code == 200
    assert "boss@opera.example" in listing.content.decode()
    assert "secret-boss@tours.example" not in listing.content.decode()
    change = reverse("admin:reports_reportsubscription_change", args=[theirs.pk])
    assert client.get(change).status_code in (302, 404)
    response = client.post(
        change,
        {
            "brand": cast.opera.brand.pk,
            "recipients": "me@opera.example",
            "language": "en",
            "day_of_month": "1",
        },
    )
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert (theirs.brand, theirs.recipients) == (cast.tours.brand, ["secret-boss@tours.example"])
    # Nor move their own subscription to the other brand, nor add one there.
    for url in (reverse("admin:reports_reportsubscription_change", args=[mine.pk]), reverse(ADD)):
        response = client.post(
            url,
            {
                "brand": cast.tours.brand.pk,
                "recipients": "me@opera.example",
                "language": "en",
                "day_of_month": "1",
            },
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert ReportSubscription.objects.filter(brand=cast.tours.brand).count() == 1
    mine.refresh_from_db()
    assert mine.brand == cast.opera.brand


@pytest.mark.parametrize("who", ["outsider", "agent", "other_brand_admin"])
def test_the_outsider_agents_and_other_brands_cannot_open_the_subscriptions(client, cast, who):
    subscription = subscribe(cast.opera.brand, "secret-boss@opera.example")
    user = {"outsider": cast.outsider, "agent": cast.opera.line1, "other_brand_admin": cast.tours.admin}[who]
    login(client, user)

    for url in (
        reverse(SUBSCRIPTIONS),
        reverse("admin:reports_reportsubscription_change", args=[subscription.pk]),
        reverse("admin:reports_reportsubscription_history", args=[subscription.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404)
        assert "secret-boss@opera.example" not in response.content.decode()


def test_a_provider_admin_sees_every_brands_subscriptions(client, cast):
    subscribe(cast.opera.brand, "boss@opera.example")
    subscribe(cast.tours.brand, "boss@tours.example")
    login(client, cast.provider_admin)

    listing = client.get(reverse(SUBSCRIPTIONS)).content.decode()

    assert "boss@opera.example" in listing
    assert "boss@tours.example" in listing


def test_the_subscription_list_costs_the_same_queries_for_few_and_many_rows(client, cast, count_queries):
    subscribe(cast.opera.brand, "a@opera.example")
    login(client, cast.opera.admin)

    def queries() -> int:
        client.get(reverse(SUBSCRIPTIONS))
        with count_queries() as seen:
            assert client.get(reverse(SUBSCRIPTIONS)).status_code == 200
        return len(seen)

    few = queries()
    for number in range(10):
        subscribe(cast.opera.brand, f"b{number}@opera.example")
    assert queries() == few


# --- Workers at once -------------------------------------------------------------------------------------


@pytest.mark.postgres  # threads on one SQLite test database lock each other's tables
@pytest.mark.django_db(transaction=True)
def test_workers_sending_the_same_month_at_once_send_it_once(monkeypatch, time_machine):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are PostgreSQL's; SQLite writes one at a time")
    from frontdesk.testing.cast import make_cast

    time_machine.move_to(utc(2026, 12, 1, 6), tick=False)
    cast = make_cast()
    subscription = subscribe(cast.opera.brand, "boss@opera.example", "cfo@opera.example")
    workers = 4
    built = threading.Barrier(workers)
    build = monthly.monthly_content

    def build_then_wait_for_the_others(*args, **kwargs):
        # Every worker has read the month as unsent and built the report before any of them claims it.
        content = build(*args, **kwargs)
        built.wait(timeout=30)
        return content

    monkeypatch.setattr(monthly, "monthly_content", build_then_wait_for_the_others)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(monthly.send_monthly_report(subscription.pk, month=dt.date(2026, 11, 1)))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    assert sorted(results) == [False, False, False, True]
    assert OutboundMessage.objects.filter(kind=OutboundKind.REPORT).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@opera.example", "cfo@opera.example"]
