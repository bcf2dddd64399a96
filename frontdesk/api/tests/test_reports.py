"""GET /api/v1/reports/summary: the dashboard's numbers for BI tools, scoped like the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.reports.facts import rebuild_facts

TODAY = dt.date.today().isoformat()
PERIOD = f"start={(dt.date.today() - dt.timedelta(days=30)).isoformat()}&end={TODAY}"

ISOLATION = [
    Case("report_summary", "GET", lambda w: f"/reports/summary?brand=opera&{PERIOD}", owner="admin"),
]

test_isolation = isolation_test(ISOLATION)


def _figures(body):
    return {figure["key"]: figure["value"] for figure in body["figures"]}


def test_a_brand_admin_reads_the_figures_and_tables_of_their_brand(api, world):
    rebuild_facts()  # the world's tickets were made without running the event consumers
    body = api.get(f"/reports/summary?brand=opera&{PERIOD}", world.cast.opera.admin).body
    assert body["brands"] == ["opera"]
    figures = _figures(body)
    assert figures["created"] >= 1
    assert figures["backlog"] >= 1
    tables = {table["key"]: table for table in body["tables"]}
    assert {"figures", "channels", "categories", "lines", "agents", "trend"} <= set(tables)
    assert tables["channels"]["columns"] == ["Channel", "Requests"]


def test_the_provider_admin_reads_every_brand_at_once(api, world):
    body = api.get(f"/reports/summary?{PERIOD}", world.cast.provider_admin).body
    assert sorted(body["brands"]) == ["opera", "opera-tours"]
    assert body["time_zone"] == "UTC"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"start={TODAY}&end=2020-01-01", "end"),
        ("start=2020-01-01&end=2026-01-01", "end"),
        (f"start=soon&end={TODAY}", "start"),
        (f"{PERIOD}&channel=pigeon", "channel"),
        (f"{PERIOD}&line=9", "line"),
        (f"{PERIOD}&stauts=open", "stauts"),
    ],
)
def test_nonsense_is_a_422_naming_the_field(api, world, query, field):
    response = api.get(f"/reports/summary?{query}", world.cast.opera.admin)
    assert response.status == 422, response.raw[:500]
    body = response.body
    fields = [error["field"] for error in body.get("errors", [])] + [body.get("field")]
    assert field in fields, body


def test_line_agents_get_404(api, world):
    assert_problem(api.get(f"/reports/summary?{PERIOD}", world.cast.opera.line1), 404, "not_found")
