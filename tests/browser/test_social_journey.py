"""An agent works the social inbox of the demo: finds it from the queues, shows the positive mentions only (the
list changes without a reload), dismisses one and makes a ticket of another, which the person who posted opens."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.signin import sign_in
from tests.browser.test_queue_journey import _line1_agent

pytestmark = pytest.mark.browser


def test_an_agent_filters_the_social_inbox_dismisses_a_mention_and_makes_a_ticket(
    demo_data: Path, tmp_path: Path, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = _line1_agent(desk.output)
        sign_in(page, desk, email, password)
        page.goto(desk.url + "desk/queues/")
        page.locator("nav.desk-nav a[href='/desk/social/']").click()
        page.wait_for_url("**/desk/social/")
        cards = page.locator("li.social-item")
        cards.first.wait_for()
        assert page.locator("li.social-item.sentiment-negative").count() >= 1

        page.locator("select[name=sentiment]").select_option("positive")
        page.wait_for_url(re.compile(r"sentiment=positive"))
        page.wait_for_function("document.querySelectorAll('li.social-item.sentiment-negative').length === 0")
        assert cards.count() >= 2
        assert page.locator("li.social-item .social-suggestion").count() >= 1

        first = cards.first
        card_id = first.get_attribute("id")
        first.locator("form[action$='/dismiss/'] button").click()
        page.locator(f"#{card_id}.status-dismissed").wait_for()
        assert page.locator(f"#{card_id} form[action$='/dismiss/']").count() == 0

        second = page.locator("li.social-item.status-new").first
        second_id = second.get_attribute("id")
        poster = second.locator(".social-author").inner_text()
        page.screenshot(path=str(tmp_path / "social-inbox.png"), full_page=False)
        second.locator("form[action$='/ticket/'] button").click()
        page.wait_for_url(re.compile(r"/desk/tickets/[^/]+/$"))
        number = page.url.rstrip("/").rsplit("/", 1)[-1]
        # The ticket is the poster's: their words open it under their name, not the system's.
        first_author = page.locator("article.entry-message header strong").first
        first_author.wait_for()
        assert first_author.inner_text() == poster

        page.goto(desk.url + "desk/social/?sentiment=positive")
        assert page.locator(f"#{second_id} a.social-ticket").inner_text().endswith(number)
