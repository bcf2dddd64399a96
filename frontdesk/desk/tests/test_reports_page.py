"""The reports dashboard and its exports: a brand admin reads their brand's numbers for a period and downloads
them; nobody else reads them; nonsense filters are form errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Status
from frontdesk.tickets.content import make_body
from frontdesk.users.actions import add_agent_membership, create_user
from frontdesk.users.actors import SYSTEM, actor_for

URL = "/desk/reports/"
OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _october_tickets(brand_cast, count, time_machine, capture):
    """``count`` tickets created on 5 October, each answered after 10 minutes and solved after an hour."""
    agent = actor_for(brand_cast.line1)
    with capture(execute=True):
        for n in range(count):
            time_machine.move_to(dt.datetime(2026, 10, 5, 9, n, tzinfo=dt.UTC), tick=False)
            ticket = brand_cast.ticket(f"October {n}")
            time_machine.move_to(dt.datetime(2026, 10, 5, 9, n + 10, tzinfo=dt.UTC), tick=False)
            ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text="Answer"))
            time_machine.move_to(dt.datetime(2026, 10, 5, 10, n, tzinfo=dt.UTC), tick=False)
            ticket_actions.change_status(ticket, actor=agent, status=Status.SOLVED)
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)


def test_a_brand_admin_reads_last_months_numbers_of_their_brand(
    cast, client, time_machine, django_capture_on_commit_callbacks
):
    _october_tickets(cast.opera, 3, time_machine, django_capture_on_commit_callbacks)
    _october_tickets(cast.tours, 5, time_machine, django_capture_on_commit_callbacks)
    page = _sign_in(client, cast.opera.admin).get(URL)  # last month by default: October
    assert page.status_code == 200
    report = page.context["report"]
    figures = {figure.key: figure.value for figure in report.figures}
    assert figures["created"] == 3
    assert figures["solved"] == 3
    assert figures["first_response_median"] == 10
    assert figures["line_one"] == 100
    html = page.content.decode()
    assert "Requests per channel" in html
    assert "<svg" in html
    assert 'value="2026-10-01"' in html
    assert "2026-10-01 – 2026-10-31 (UTC), one brand" in html


def test_the_period_reads_the_same_in_russian(cast, client):
    from frontdesk.users.models import User

    User.objects.filter(pk=cast.opera.admin.pk).update(language="ru")
    html = _sign_in(client, cast.opera.admin).get(URL, OCTOBER).content.decode()
    assert 'value="2026-10-01"' in html
    assert 'value="2026-10-31"' in html
    assert "2026-10-01 – 2026-10-31 (UTC), 1 бренд" in html


def test_filters_live_in_the_url_and_a_period_without_tickets_shows_zeros(
    cast, client, time_machine, django_capture_on_commit_callbacks
):
    _october_tickets(cast.opera, 2, time_machine, django_capture_on_commit_callbacks)
    _sign_in(client, cast.opera.admin)
    phone_only = client.get(URL, OCTOBER | {"brand": "opera", "channel": "phone"})
    assert {f.key: f.value for f in phone_only.context["report"].figures}["created"] == 0
    september = client.get(URL, {"start": "2026-09-01", "end": "2026-09-30"})
    assert {f.key: f.value for f in september.context["report"].figures}["created"] == 0


def test_nobody_reads_another_brands_report(cast, client):
    _sign_in(client, cast.tours.admin)
    assert client.get(URL, OCTOBER | {"brand": "opera"}).status_code == 422  # not among the form's choices
    assert client.get(URL, OCTOBER | {"brand": "opera"}).context["report"] is None
    client.logout()
    for user in (cast.opera.line1, cast.opera.line2, cast.opera.customer_user, cast.outsider):
        _sign_in(client, user)
        assert client.get(URL).status_code == 404
        assert client.get("/desk/reports/export.csv").status_code == 404
        client.logout()
    assert client.get(URL).status_code == 302  # anonymous: sign in first


def test_a_provider_admin_sees_every_brand_together(
    cast, client, time_machine, django_capture_on_commit_callbacks
):
    _october_tickets(cast.opera, 2, time_machine, django_capture_on_commit_callbacks)
    _october_tickets(cast.tours, 1, time_machine, django_capture_on_commit_callbacks)
    page = _sign_in(client, cast.provider_admin).get(URL, OCTOBER)
    assert {f.key: f.value for f in page.context["report"].figures}["created"] == 3
    page = client.get(URL, OCTOBER | {"brand": "opera-tours"})
    assert {f.key: f.value for f in page.context["report"].figures}["created"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-10-31", "end": "2026-10-01"}, "ends before it starts"),
        ({"start": "2020-01-01", "end": "2026-10-01"}, "at most 400 days"),
        ({"start": "yesterday", "end": "2026-10-01"}, "valid date"),
        (OCTOBER | {"channel": "pigeon"}, "valid choice"),
        (OCTOBER | {"line": "7"}, "valid choice"),
    ],
)
def test_nonsense_filters_are_form_errors(cast, client, params, message):
    page = _sign_in(client, cast.opera.admin).get(URL, params)
    assert page.status_code == 422
    assert message in page.content.decode()
    assert client.get("/desk/reports/export.csv", params).status_code == 422


def test_each_table_exports_as_csv_and_the_report_as_xlsx(
    cast, client, time_machine, django_capture_on_commit_callbacks
):
    _october_tickets(cast.opera, 2, time_machine, django_capture_on_commit_callbacks)
    _sign_in(client, cast.opera.admin)
    response = client.get("/desk/reports/export.csv", OCTOBER | {"table": "channels"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Channel", "Requests"], ["Web form", "2"]]
    figures = list(csv.reader(io.StringIO(client.get("/desk/reports/export.csv", OCTOBER).content.decode())))
    assert ["Requests created", "2", "0"] in figures
    xlsx = client.get("/desk/reports/export.xlsx", OCTOBER)
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        workbook = book.read("xl/workbook.xml").decode()
    assert "Requests per channel" in workbook
    assert "Key figures" in workbook
    assert client.get("/desk/reports/export.pdf", OCTOBER).status_code == 404
    assert client.get("/desk/reports/export.csv", OCTOBER | {"table": "secrets"}).status_code == 404


def test_the_page_asks_the_same_number_of_queries_for_few_and_many_tickets(
    cast, client, time_machine, django_capture_on_commit_callbacks
):
    for index in range(3):
        user = create_user(email=f"agent{index}@opera.example", name=f"Agent {index}", password=PASSWORD)
        add_agent_membership(user, actor=SYSTEM, brand=cast.opera.brand, line=1)
    _sign_in(client, cast.opera.admin)
    _october_tickets(cast.opera, 1, time_machine, django_capture_on_commit_callbacks)
    client.get(URL, OCTOBER)  # the session and the actor are read once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, OCTOBER).status_code == 200
    _october_tickets(cast.opera, 12, time_machine, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, OCTOBER).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 40


def test_the_start_page_links_the_reports_for_admins_only(cast, client):
    assert "/desk/reports/" in _sign_in(client, cast.opera.admin).get("/").content.decode()
    client.logout()
    assert "/desk/reports/" not in _sign_in(client, cast.opera.line1).get("/").content.decode()
