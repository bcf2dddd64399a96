"""Social mentions in the reports: positive, neutral and negative items per brand and day of the period, on the
dashboard, in the CSV and XLSX exports and in the report API; another brand's mentions are never counted, days
follow the brand's time zone, and the queries do not grow with the number of days."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.api.tests.conftest import Api
from frontdesk.connectors.choices import ConnectorKind, ItemKind, Sentiment
from frontdesk.connectors.models import Connector, SocialItem
from frontdesk.reports.measures import Scope
from frontdesk.reports.social import SentimentCounts, social_summary
from frontdesk.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db
OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}
_ids = itertools.count(1)


def _mention(brand, sentiment, at):
    connector = Connector.objects.filter(brand=brand).first() or Connector.objects.create(
        brand=brand, kind=ConnectorKind.TELEGRAM, name=f"{brand.name} bot"
    )
    return SocialItem.objects.create(
        brand=brand,
        connector=connector,
        kind=ItemKind.MENTION,
        external_id=f"m{next(_ids)}",
        text="mention",
        posted_at=at,
        sentiment=sentiment,
    )


def _at(day, hour=12):
    return dt.datetime(2026, 10, day, hour, tzinfo=dt.UTC)


def _october_mentions(cast):
    opera, tours = cast.opera.brand, cast.tours.brand
    for sentiment in (Sentiment.POSITIVE, Sentiment.POSITIVE, Sentiment.NEGATIVE):
        _mention(opera, sentiment, _at(3))
    _mention(opera, Sentiment.NEUTRAL, _at(5))
    _mention(opera, Sentiment.NEGATIVE, dt.datetime(2026, 9, 20, tzinfo=dt.UTC))  # the period before
    _mention(opera, Sentiment.POSITIVE, dt.datetime(2026, 11, 1, 1, tzinfo=dt.UTC))  # after
    for _n in range(4):
        _mention(tours, Sentiment.NEGATIVE, _at(3))


def _scope(brands, first, last, zone="UTC"):
    tz = ZoneInfo(zone)
    return Scope(
        brand_ids=frozenset(brand.pk for brand in brands),
        start=dt.datetime.combine(first, dt.time(0), tzinfo=tz),
        end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
    )


def test_mentions_are_counted_per_brand_and_day_with_every_day_of_the_period(cast):
    _october_mentions(cast)
    opera = cast.opera.brand
    summary = social_summary(
        _scope([opera], dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        zone=ZoneInfo("UTC"),
        brand_order=[opera.pk],
    )
    assert len(summary.days) == 31
    by_day = {row.day: row.counts for row in summary.days}
    assert by_day[dt.date(2026, 10, 3)] == SentimentCounts(positive=2, neutral=0, negative=1)
    assert by_day[dt.date(2026, 10, 5)] == SentimentCounts(positive=0, neutral=1, negative=0)
    assert by_day[dt.date(2026, 10, 4)] == SentimentCounts()
    assert {row.brand_id for row in summary.days} == {opera.pk}
    assert summary.total == SentimentCounts(positive=2, neutral=1, negative=1)
    assert summary.previous == SentimentCounts(negative=1)


def test_a_brand_without_mentions_gets_no_rows_and_several_brands_come_in_the_order_given(cast):
    _october_mentions(cast)
    opera, tours = cast.opera.brand, cast.tours.brand
    scope = _scope([opera, tours], dt.date(2026, 10, 3), dt.date(2026, 10, 4))
    summary = social_summary(scope, zone=ZoneInfo("UTC"), brand_order=[tours.pk, opera.pk])
    assert [(row.day.day, row.brand_id) for row in summary.days] == [
        (3, tours.pk),
        (3, opera.pk),
        (4, tours.pk),
        (4, opera.pk),
    ]
    assert summary.days[0].counts == SentimentCounts(negative=4)
    quiet = social_summary(
        _scope([opera], dt.date(2026, 10, 10), dt.date(2026, 10, 12)),
        zone=ZoneInfo("UTC"),
        brand_order=[opera.pk],
    )
    assert quiet.days == []
    assert quiet.total == SentimentCounts()


def test_days_follow_the_report_time_zone(cast):
    opera = cast.opera.brand
    # 22:30 UTC on 3 October is already 4 October in Moscow.
    _mention(opera, Sentiment.POSITIVE, dt.datetime(2026, 10, 3, 22, 30, tzinfo=dt.UTC))
    moscow = ZoneInfo("Europe/Moscow")
    summary = social_summary(
        _scope([opera], dt.date(2026, 10, 3), dt.date(2026, 10, 4), "Europe/Moscow"),
        zone=moscow,
        brand_order=[opera.pk],
    )
    assert {row.day.day: row.counts.positive for row in summary.days} == {3: 0, 4: 1}


def test_the_queries_do_not_grow_with_the_number_of_days(cast):
    _october_mentions(cast)
    brands = [cast.opera.brand, cast.tours.brand]
    order = [brand.pk for brand in brands]
    with CaptureQueriesContext(connection) as week:
        social_summary(
            _scope(brands, dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
            zone=ZoneInfo("UTC"),
            brand_order=order,
        )
    with CaptureQueriesContext(connection) as year:
        social_summary(
            _scope(brands, dt.date(2025, 11, 1), dt.date(2026, 10, 31)),
            zone=ZoneInfo("UTC"),
            brand_order=order,
        )
    assert len(week) == len(year) == 2


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_dashboard_shows_a_brand_admin_their_brands_mentions_only(cast, client):
    _october_mentions(cast)
    page = _sign_in(client, cast.opera.admin).get("/desk/reports/", OCTOBER)
    assert page.status_code == 200
    report = page.context["report"]
    figures = {figure.key: (figure.value, figure.previous) for figure in report.figures}
    assert figures["social_positive"] == (2, 0)
    assert figures["social_neutral"] == (1, 0)
    assert figures["social_negative"] == (1, 1)
    table = report.table("social")
    assert table.columns == ["Day", "Brand", "Positive", "Neutral", "Negative"]
    assert ["2026-10-03", "Opera Box Office", 2, 0, 1] in table.rows
    assert all(row[1] == "Opera Box Office" for row in table.rows)
    html = page.content.decode()
    assert "Social mentions per day" in html
    assert 'href="/desk/reports/export.csv?start=2026-10-01&amp;end=2026-10-31&amp;table=social"' in html


def test_the_provider_dashboard_counts_every_brand_and_the_same_queries_for_a_week_and_a_quarter(
    cast, client
):
    _october_mentions(cast)
    admin = _sign_in(client, cast.provider_admin)
    report = admin.get("/desk/reports/", OCTOBER).context["report"]
    rows = report.table("social").rows
    assert ["2026-10-03", "Opera Tours", 0, 0, 4] in rows
    assert ["2026-10-03", "Opera Box Office", 2, 0, 1] in rows
    assert len(rows) == 31 * 2
    week = {"start": "2026-10-01", "end": "2026-10-07"}
    quarter = {"start": "2026-08-01", "end": "2026-10-31"}
    admin.get("/desk/reports/", week)  # the session and the actor are read once
    with CaptureQueriesContext(connection) as short:
        assert admin.get("/desk/reports/", week).status_code == 200
    with CaptureQueriesContext(connection) as long:
        assert admin.get("/desk/reports/", quarter).status_code == 200
    assert len(long) == len(short)


def test_the_social_table_exports_as_csv_and_as_a_sheet_of_the_xlsx(cast, client):
    _october_mentions(cast)
    _sign_in(client, cast.opera.admin)
    response = client.get("/desk/reports/export.csv", OCTOBER | {"table": "social"})
    assert response.status_code == 200
    assert 'filename="social_2026-10-01_2026-10-31.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Day", "Brand", "Positive", "Neutral", "Negative"]
    assert ["2026-10-03", "Opera Box Office", "2", "0", "1"] in rows
    assert len(rows) == 1 + 31
    figures = list(csv.reader(io.StringIO(client.get("/desk/reports/export.csv", OCTOBER).content.decode())))
    assert ["Social mentions, negative", "1", "1"] in figures
    xlsx = client.get("/desk/reports/export.xlsx", OCTOBER)
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        assert "Social mentions per day" in book.read("xl/workbook.xml").decode()


def test_the_report_api_carries_the_social_counts_scoped_like_the_dashboard(cast):
    _october_mentions(cast)
    api = Api()
    body = api.get("/reports/summary?brand=opera&start=2026-10-01&end=2026-10-31", cast.opera.admin).body
    tables = {table["key"]: table for table in body["tables"]}
    assert ["2026-10-03", "Opera Box Office", 2, 0, 1] in tables["social"]["rows"]
    assert all(row[1] == "Opera Box Office" for row in tables["social"]["rows"])
    figures = {figure["key"]: figure["value"] for figure in body["figures"]}
    assert (figures["social_positive"], figures["social_negative"]) == (2, 1)
    # The other brand's admin gets 404 for this brand's report, and their own has their mentions only.
    assert (
        api.get("/reports/summary?brand=opera&start=2026-10-01&end=2026-10-31", cast.tours.admin).status
        == 404
    )
    theirs = api.get(
        "/reports/summary?brand=opera-tours&start=2026-10-01&end=2026-10-31", cast.tours.admin
    ).body
    social = next(table for table in theirs["tables"] if table["key"] == "social")
    assert {row[1] for row in social["rows"]} == {"Opera Tours"}
    assert api.get("/reports/summary?start=2026-10-01&end=2026-10-31", cast.outsider).status == 404
