"""The sidebar's counts are remembered for a few seconds per agent, and counted afresh after the agent's own
bulk change."""

from __future__ import annotations

import re

import pytest

from frontdesk.testing.cast import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue-table"}


@pytest.fixture
def remembered(settings):
    settings.FRONTDESK_QUEUE_COUNT_SECONDS = 15


def _unassigned(client, query: str = "") -> str:
    html = client.get(f"/desk/queues/mine/{query}").content.decode()
    return re.search(r'Unassigned</span> <span class="count">(\d+\+?)<', html).group(1)


def test_counts_are_reused_for_a_few_seconds_without_counting_again(cast, client, remembered, count_queries):
    cast.opera.ticket("First")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    _unassigned(client, "?brand=999999")  # the actor and the session are remembered, not these counts
    with count_queries() as first:
        assert _unassigned(client) == "1"
    cast.opera.ticket("Second")
    with count_queries(len(first) - 1):  # the counts' statement is not run
        assert _unassigned(client) == "1"


def test_the_agent_s_own_bulk_change_counts_afresh(cast, client, remembered):
    ticket = cast.opera.ticket("First")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    assert _unassigned(client) == "1"
    cast.opera.ticket("Second")
    changed = client.post(
        "/desk/queues/bulk/",
        {"tickets": [ticket.pk], "action": "priority", "priority": "low", "confirm": "on"},
        **HTMX,
    )
    assert changed.status_code == 200
    assert _unassigned(client) == "2"


def test_each_agent_and_brand_choice_has_counts_of_its_own(cast, client, remembered):
    cast.opera.ticket("Opera")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    assert _unassigned(client) == "1"
    assert _unassigned(client, f"?brand={cast.opera.brand.pk + 1000}") == "0"
    cast.tours.ticket("Tours")
    assert client.login(email=cast.tours.line1.email, password=PASSWORD)
    assert _unassigned(client) == "1"
