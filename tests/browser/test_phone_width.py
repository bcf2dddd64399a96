"""On a phone (360 px wide) the desk's queue and ticket page fit the screen: the queue table scrolls inside its
own box, the facts wrap and the sidebar comes above the content; the page itself never scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.signin import sign_in
from tests.browser.test_queue_journey import _line1_agent

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('#queue-table, .table-scroll'))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _fits(page: Any, where: str) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], f"{where} is wider than the phone: {measured}"


def test_the_queue_and_a_ticket_fit_a_phone_screen(demo_data: Path, chromium: Any) -> None:
    context = chromium.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        with running_frontdesk(demo_data, args=("run",)) as desk:
            email, password = _line1_agent(desk.output)
            sign_in(page, desk, email, password)
            _fits(page, "the start page")
            page.goto(desk.url + "desk/queues/all/")
            rows = page.locator("#queue-table tbody tr")
            assert rows.count() >= 1, "the demo data has no tickets for this agent"
            _fits(page, "the queue")
            # The table scrolls in its own box rather than widening the page.
            box = page.evaluate(
                "() => { const t = document.querySelector('#queue-table'); "
                "return [t.scrollWidth, t.clientWidth, getComputedStyle(t).overflowX]; }"
            )
            assert box[1] <= PHONE["width"]
            assert box[2] == "auto"
            href = rows.first.locator("a[href*='/desk/tickets/']").first.get_attribute("href")
            page.goto(desk.url.rstrip("/") + href)
            page.wait_for_selector("#ticket")
            _fits(page, "the ticket page")
            # The sidebar (the customer panel) comes above or below the content, not beside it.
            side = page.locator(".ticket-side")
            if side.count():
                assert side.bounding_box()["width"] <= PHONE["width"]
    finally:
        context.close()
