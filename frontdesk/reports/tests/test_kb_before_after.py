"""Requests in an article's topic before and after its first publication, on a set worked out by hand.

Opera's typology of requests has "Refunds", "Refunds / Cancelled event" and "Payment"; its knowledge base a
category "refunds" named "Refunds". "Now" is Monday 30 November 2026, 12:00 UTC; the report covers November.

| article | category | first published | listed? |
|---|---|---|---|
| A | refunds | Mon 2 Nov 12:00 | yes: 28 full days on each side |
| B | refunds | Fri 27 Nov 12:00 | yes: 3 days after, too early for an "after" rate |
| C | refunds | Thu 1 Oct 12:00 | no: published before the period |
| D | none | Tue 3 Nov 12:00 | yes, without a topic |
| T | tours' refunds | Tue 3 Nov 12:00 | only in the tours' report |

Opera requests in Refunds (or below): 5 Oct 11:00 (before A's window), 10 Oct, 20 Oct (Cancelled event),
1 Nov, 2 Nov 11:59 — then 2 Nov 12:00 and 20 Nov. Requests in Payment and tours' requests in their own
"Refunds" are in no opera topic.

A: before [5 Oct 12:00, 2 Nov 12:00) holds 4 → 1.0 a week; after [2 Nov 12:00, 30 Nov 12:00) holds 2 → 0.5 a
week; change −50 %. B: before [30 Oct 12:00, 27 Nov 12:00) holds 1 Nov, 2 Nov ×2 and 20 Nov → 1.0 a week;
after: 3 days, no rate and no change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from frontdesk.kb import actions as kb_actions
from frontdesk.reports import measures
from frontdesk.reports.measures import Scope
from frontdesk.reports.summary import build_report
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.users.actions import create_api_token
from frontdesk.users.actors import SYSTEM

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def utc(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def world(cast, time_machine, django_capture_on_commit_callbacks):
    opera, tours = cast.opera, cast.tours

    def at(moment):
        time_machine.move_to(moment, tick=False)

    def request(brand_cast, category, moment, channel=Channel.WEB):
        at(moment)
        return ticket_actions.create_ticket(
            brand_cast.brand,
            actor=SYSTEM,
            customer=brand_cast.customer,
            subject=f"Request of {moment.isoformat()}",
            body=make_body(text="My tickets."),
            channel=channel,
            category=category,
        )

    def article(brand_cast, title, category, moment):
        at(moment)
        return kb_actions.create_article(
            brand_cast.brand,
            actor=SYSTEM,
            language="en",
            title=title,
            body="How it works.",
            category=category,
            publish=True,
        )

    at(utc(9, 1))
    refunds = create_category(opera.brand, actor=SYSTEM, name="Refunds")
    cancelled = create_category(opera.brand, actor=SYSTEM, name="Cancelled event", parent=refunds)
    payment = create_category(opera.brand, actor=SYSTEM, name="Payment")
    tours_refunds = create_category(tours.brand, actor=SYSTEM, name="Refunds")
    kb_refunds = kb_actions.create_category(
        opera.brand, actor=SYSTEM, slug="refunds", names={"en": "Refunds"}
    )
    kb_tours = kb_actions.create_category(tours.brand, actor=SYSTEM, slug="refunds", names={"en": "Refunds"})
    with django_capture_on_commit_callbacks(execute=True):
        for category, moment in (
            (refunds, utc(10, 5, 11)),
            (refunds, utc(10, 10)),
            (cancelled, utc(10, 20)),
            (refunds, utc(11, 1)),
            (refunds, utc(11, 2, 11, 59)),
            (refunds, utc(11, 2, 12)),
            (cancelled, utc(11, 20)),
        ):
            request(opera, category, moment)
        for moment in (utc(10, 15), utc(11, 1), utc(11, 10), utc(11, 11)):
            request(opera, payment, moment)
        for moment in (utc(10, 15), utc(10, 16), utc(11, 10), utc(11, 11), utc(11, 12)):
            request(tours, tours_refunds, moment)
        articles = {
            "C": article(opera, "Old refunds", kb_refunds, utc(10, 1)),
            "A": article(opera, "Refund a ticket", kb_refunds, utc(11, 2)),
            "D": article(opera, "Opening hours", None, utc(11, 3)),
            "T": article(tours, "Refund a tour", kb_tours, utc(11, 3)),
            "B": article(opera, "Refund a cancelled show", kb_refunds, utc(11, 27)),
        }
    at(NOW)
    return {"cast": cast, "articles": articles, "categories": (refunds, cancelled, payment)}


def november(*brands, **filters) -> Scope:
    return Scope(
        brand_ids=frozenset(brand.pk for brand in brands), start=utc(11, 1, 0), end=utc(12, 1, 0), **filters
    )


def test_the_requests_in_an_articles_topic_are_counted_per_week_before_and_after_it_was_published(world):
    opera = world["cast"].opera.brand
    rows = {row.title: row for row in measures.requests_around_articles(november(opera), now=NOW)}
    assert list(rows) == ["Refund a cancelled show", "Opening hours", "Refund a ticket"]  # newest first
    a = rows["Refund a ticket"]
    assert a.topic == ("Refunds",)
    assert (a.before, a.after, a.days_before, a.days_after) == (4, 2, 28, 28)
    assert a.per_week_before == pytest.approx(1.0)
    assert a.per_week_after == pytest.approx(0.5)
    assert a.change == pytest.approx(-50)


def test_an_article_published_a_few_days_ago_has_a_rate_before_but_none_after_and_no_change(world):
    opera = world["cast"].opera.brand
    rows = {row.title: row for row in measures.requests_around_articles(november(opera), now=NOW)}
    b = rows["Refund a cancelled show"]
    assert (b.before, b.after, b.days_after) == (4, 0, 3)
    assert b.per_week_before == pytest.approx(1.0)
    assert b.per_week_after is None
    assert b.change is None


def test_an_article_whose_category_matches_no_request_category_is_listed_without_figures(world):
    opera = world["cast"].opera.brand
    rows = {row.title: row for row in measures.requests_around_articles(november(opera), now=NOW)}
    d = rows["Opening hours"]
    assert d.topic == ()
    assert (d.per_week_before, d.per_week_after, d.change) == (None, None, None)


def test_requests_of_other_brands_and_other_topics_never_count_and_filters_apply(world):
    cast = world["cast"]
    both = measures.requests_around_articles(november(cast.opera.brand, cast.tours.brand), now=NOW)
    tour = next(row for row in both if row.title == "Refund a tour")
    # Tours' article (3 Nov): its own Refunds only, 15 and 16 Oct before, 10, 11 and 12 Nov after.
    assert (tour.brand_id, tour.before, tour.after) == (cast.tours.brand.pk, 2, 3)
    a = next(row for row in both if row.title == "Refund a ticket")
    assert (a.before, a.after) == (4, 2)
    phone_only = measures.requests_around_articles(november(cast.opera.brand, channel="phone"), now=NOW)
    assert [(row.before, row.after) for row in phone_only if row.title == "Refund a ticket"] == [(0, 0)]


def test_no_change_is_given_when_there_was_no_request_before(world):
    opera = world["cast"].opera.brand
    later = Scope(brand_ids=frozenset({opera.pk}), start=utc(11, 1, 0), end=utc(12, 1, 0))
    rows = measures.requests_around_articles(later, now=NOW, days=1)
    b = next(row for row in rows if row.title == "Refund a cancelled show")
    # One day on each side of 27 Nov 12:00: no request before; one day after is too early anyway.
    assert b.before == 0
    assert b.change is None


def _articles(cast, count, time_machine, category):
    time_machine.move_to(utc(11, 5), tick=False)
    for n in range(count):
        kb_actions.create_article(
            cast.opera.brand,
            actor=SYSTEM,
            language="en",
            title=f"Extra {n}",
            body="Body.",
            category=category,
            publish=True,
        )
    time_machine.move_to(NOW, tick=False)


def test_the_measure_asks_the_same_number_of_queries_for_few_and_many_articles(world, time_machine):
    cast = world["cast"]
    category = world["articles"]["A"].category
    scope = november(cast.opera.brand)
    with CaptureQueriesContext(connection) as few:
        assert len(measures.requests_around_articles(scope, now=NOW)) == 3
    _articles(cast, 12, time_machine, category)
    with CaptureQueriesContext(connection) as many:
        assert len(measures.requests_around_articles(scope, now=NOW)) == 15
    assert len(few.captured_queries) == len(many.captured_queries) == 3


def test_the_report_shows_the_table_with_rates_rounded_and_empty_cells(world):
    cast = world["cast"]
    report = build_report(november(cast.opera.brand), zone=ZoneInfo("UTC"), brands=[cast.opera.brand])
    table = report.table("kb_before_after")
    assert table.columns[4:7] == ["Requests per week before", "Requests per week after", "Change (%)"]
    number = world["articles"]["A"].public_id
    assert table.rows[-1] == [
        cast.opera.brand.name,
        f"#{number} Refund a ticket",
        "Refunds",
        "2026-11-02",
        1.0,
        0.5,
        -50.0,
        28,
    ]
    assert table.rows[0][4:] == [1.0, None, None, 3]
    assert table.rows[1][2:] == [None, "2026-11-03", None, None, None, 27]
    assert "28 days" in table.note


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_brand_admin_sees_the_table_for_their_brand_only_and_downloads_it(world, client):
    cast = world["cast"]
    query = {"start": "2026-11-01", "end": "2026-11-30"}
    page = _sign_in(client, cast.opera.admin).get("/desk/reports/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Requests in an article&#x27;s topic before and after it was published" in html
    assert "Refund a ticket" in html
    assert "Refund a tour" not in html
    export = client.get("/desk/reports/export.csv", {**query, "table": "kb_before_after"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["Brand", "Article", "Topic"]
    assert [row[1].split(" ", 1)[1] for row in rows[1:]] == [
        "Refund a cancelled show",
        "Opening hours",
        "Refund a ticket",
    ]
    assert rows[-1][4:] == ["1.0", "0.5", "-50.0", "28"]
    assert rows[1][5:7] == ["", ""]  # too early: empty, not zero
    xlsx = client.get("/desk/reports/export.xlsx", query)
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        workbook = book.read("xl/workbook.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Requests in an article&apos;s topic" in workbook or "Requests in an article's topic" in workbook
    assert "Refund a ticket" in strings
    assert "Refund a tour" not in strings


def test_the_table_is_hidden_from_the_outsider_and_the_other_brands_admin(world, client):
    cast = world["cast"]
    query = {"start": "2026-11-01", "end": "2026-11-30"}
    assert _sign_in(client, cast.outsider).get("/desk/reports/", query).status_code == 404
    client.logout()
    _sign_in(client, cast.tours.admin)
    refused = client.get("/desk/reports/", {**query, "brand": "opera"})
    assert refused.status_code == 422  # not one of the brands on offer: a form error, no report
    assert refused.context["report"] is None
    own = client.get("/desk/reports/", query).content.decode()
    assert "Refund a tour" in own
    assert "Refund a ticket" not in own


def test_the_api_summary_returns_the_table_with_nulls_for_empty_cells(world, client):
    cast = world["cast"]
    _token, raw = create_api_token(cast.opera.admin, name="tests")
    response = client.get(
        "/api/v1/reports/summary",
        {"start": "2026-11-01", "end": "2026-11-30", "brand": "opera"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    tables = {table["key"]: table for table in response.json()["tables"]}
    rows = tables["kb_before_after"]["rows"]
    assert rows[-1][4:] == [1.0, 0.5, -50.0, 28]
    assert rows[0][5:7] == [None, None]
    assert all("Refund a tour" not in row[1] for row in rows)


def test_the_table_speaks_russian_and_polish(world):
    cast = world["cast"]
    scope = november(cast.opera.brand)
    for language, title, change in (
        ("ru", "Обращения по теме статьи до и после её публикации", "Изменение (%)"),
        ("pl", "Zgłoszenia w temacie artykułu przed i po jego publikacji", "Zmiana (%)"),
    ):
        with translation.override(language):
            table = build_report(scope, zone=ZoneInfo("UTC"), brands=[cast.opera.brand]).table(
                "kb_before_after"
            )
        assert (table.title, table.columns[6]) == (title, change)
        assert "28" in table.note
        assert (
            table.note
            != build_report(scope, zone=ZoneInfo("UTC"), brands=[cast.opera.brand])
            .table("kb_before_after")
            .note
        )


def test_a_topic_is_every_request_category_named_like_the_article_category_in_any_language_or_by_its_slug(
    cast, time_machine, django_capture_on_commit_callbacks
):
    opera = cast.opera
    time_machine.move_to(utc(9, 1), tick=False)
    lower = create_category(opera.brand, actor=SYSTEM, name="оплата")
    billing = create_category(opera.brand, actor=SYSTEM, name="Billing")
    nested = create_category(opera.brand, actor=SYSTEM, name="Оплата", parent=billing)
    by_slug = create_category(opera.brand, actor=SYSTEM, name="Payment")
    below = create_category(opera.brand, actor=SYSTEM, name="Card", parent=lower)
    other = create_category(opera.brand, actor=SYSTEM, name="Other")
    kb_payment = kb_actions.create_category(
        opera.brand, actor=SYSTEM, slug="payment", names={"en": "Card payments", "ru": "  ОПЛАТА "}
    )
    with django_capture_on_commit_callbacks(execute=True):
        for n, category in enumerate((lower, billing, nested, by_slug, below, other)):
            time_machine.move_to(utc(11, 1, 9, n), tick=False)
            ticket_actions.create_ticket(
                opera.brand,
                actor=SYSTEM,
                customer=opera.customer,
                subject=f"About {category.path}",
                body=make_body(text="Payment."),
                channel=Channel.WEB,
                category=category,
            )
        time_machine.move_to(utc(11, 10), tick=False)
        kb_actions.create_article(
            opera.brand,
            actor=SYSTEM,
            language="en",
            title="Paying by card",
            body="How.",
            category=kb_payment,
            publish=True,
        )
    (row,) = measures.requests_around_articles(november(opera.brand), now=NOW)
    assert row.topic == ("Billing / Оплата", "Payment", "оплата")
    # оплата, оплата / Card, Billing / Оплата and Payment; not Billing itself, not Other.
    assert (row.before, row.after) == (4, 0)


def test_request_categories_linked_to_the_articles_category_are_its_topic_instead_of_names(
    cast, time_machine, django_capture_on_commit_callbacks
):
    from frontdesk.tickets.models import Category

    opera = cast.opera
    time_machine.move_to(utc(9, 1), tick=False)
    named_alike = create_category(opera.brand, actor=SYSTEM, name="Payment")
    linked = create_category(opera.brand, actor=SYSTEM, name="Money back")
    below = create_category(opera.brand, actor=SYSTEM, name="Card", parent=linked)
    kb_payment = kb_actions.create_category(
        opera.brand, actor=SYSTEM, slug="payment", names={"en": "Payment"}
    )
    Category.objects.filter(pk=linked.pk).update(kb_category=kb_payment)
    with django_capture_on_commit_callbacks(execute=True):
        for n, category in enumerate((named_alike, linked, below)):
            time_machine.move_to(utc(11, 1, 9, n), tick=False)
            ticket_actions.create_ticket(
                opera.brand,
                actor=SYSTEM,
                customer=opera.customer,
                subject=f"About {category.path}",
                body=make_body(text="Payment."),
                channel=Channel.WEB,
                category=category,
            )
        time_machine.move_to(utc(11, 10), tick=False)
        kb_actions.create_article(
            opera.brand,
            actor=SYSTEM,
            language="en",
            title="Refunds",
            body="How.",
            category=kb_payment,
            publish=True,
        )
    (row,) = measures.requests_around_articles(november(opera.brand), now=NOW)
    # The brand's link wins over the name: "Money back" and the category below it, not "Payment".
    assert row.topic == ("Money back",)
    assert (row.before, row.after) == (2, 0)


def test_a_brand_admin_links_a_request_category_only_to_their_brands_knowledge_base(cast, client):
    from frontdesk.tickets.models import Category

    refunds = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    ours = kb_actions.create_category(cast.opera.brand, actor=SYSTEM, slug="refunds", names={"en": "Refunds"})
    theirs = kb_actions.create_category(
        cast.tours.brand, actor=SYSTEM, slug="refunds", names={"en": "Refunds"}
    )
    cast.opera.admin.is_staff = True
    cast.opera.admin.save(update_fields=["is_staff"])
    client.force_login(cast.opera.admin)
    url = f"/admin/tickets/category/{refunds.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{ours.pk}"' in page.content.decode()
    assert f'value="{theirs.pk}"' not in page.content.decode()
    refused = client.post(url, {"is_active": "on", "kb_category": theirs.pk})
    assert refused.status_code == 200  # the form again, with an error
    assert Category.objects.get(pk=refunds.pk).kb_category_id is None
    saved = client.post(url, {"is_active": "on", "kb_category": ours.pk})
    assert saved.status_code == 302
    assert Category.objects.get(pk=refunds.pk).kb_category_id == ours.pk
