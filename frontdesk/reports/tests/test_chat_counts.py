"""Live chats in the reports: started, accepted and missed against the period before, and per brand with the
median wait for an agent; another brand's chats are never counted; one query for both periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.chat.choices import SessionState
from frontdesk.chat.models import ChatSession
from frontdesk.chat.queries import chat_counts
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db
OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}


def _chat(brand, n, at, *, waited=None, state=SessionState.ACTIVE):
    ticket = Ticket.objects.filter(brand=brand).first()
    return ChatSession.objects.create(
        brand=brand,
        token_hash=f"{brand.pk}-{n}".ljust(64, "0"),
        customer=ticket.customer,
        ticket=ticket,
        state=state,
        created_at=at,
        accepted_at=at + dt.timedelta(seconds=waited) if waited is not None else None,
    )


def _october_chats(cast):
    cast.opera.ticket()
    cast.tours.ticket()
    opera, tours = cast.opera.brand, cast.tours.brand
    day = dt.datetime(2026, 10, 3, 12, tzinfo=dt.UTC)
    _chat(opera, 1, day, waited=20)
    _chat(opera, 2, day, waited=40, state=SessionState.ENDED)
    _chat(opera, 3, day, waited=90)
    _chat(opera, 4, day, state=SessionState.ENDED)  # the visitor left before anyone accepted
    _chat(opera, 5, day)  # still waiting
    _chat(opera, 6, dt.datetime(2026, 9, 20, tzinfo=dt.UTC), waited=5)  # the period before
    _chat(opera, 7, dt.datetime(2026, 11, 1, 1, tzinfo=dt.UTC), waited=5)  # after
    _chat(tours, 8, day, state=SessionState.ENDED)


def test_the_dashboard_counts_a_brand_admins_chats_only(cast, client):
    _october_chats(cast)
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    page = client.get("/desk/reports/", OCTOBER)
    assert page.status_code == 200
    report = page.context["report"]
    figures = {figure.key: (figure.value, figure.previous) for figure in report.figures}
    assert figures["chats"] == (5, 1)
    assert figures["chats_accepted"] == (3, 1)
    assert figures["chats_missed"] == (1, 0)
    table = report.table("chats")
    assert table.rows == [["Opera Box Office", 5, 3, 1, 40]]
    assert "Live chats per brand" in page.content.decode()


def test_both_periods_cost_one_query_and_an_empty_brand_list_none(cast):
    _october_chats(cast)
    october = (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    september = (dt.datetime(2026, 9, 1, tzinfo=dt.UTC), october[0])
    with CaptureQueriesContext(connection) as queries:
        now, before = chat_counts([cast.opera.brand.pk, cast.tours.brand.pk], [october, september])
    assert len(queries) == 1
    assert [(c.brand_id, c.started, c.accepted, c.missed, c.median_wait) for c in now] == [
        (cast.opera.brand.pk, 5, 3, 1, 40.0),
        (cast.tours.brand.pk, 1, 0, 1, None),
    ]
    assert [(c.started, c.median_wait) for c in before] == [(1, 5.0)]
    assert chat_counts([], [october]) == [[]]


@pytest.mark.parametrize(("language", "heading"), [("ru", "Чаты"), ("pl", "Czaty")])
def test_the_chats_table_speaks_the_viewers_language(cast, client, language, heading):
    _october_chats(cast)
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    page = client.get("/desk/reports/", OCTOBER, HTTP_ACCEPT_LANGUAGE=language)
    table = page.context["report"].table("chats")
    assert [str(title) for title in table.columns][1] == heading
