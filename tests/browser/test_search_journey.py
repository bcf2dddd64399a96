"""An agent finds a ticket by typing in the search box: the results change as they type, without a reload."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_journey import _provider_admin

pytestmark = pytest.mark.browser


def test_an_agent_finds_a_ticket_as_they_type(demo_data: Path, tmp_path: Path, page: Any) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = _provider_admin(desk)
        page.goto(desk.url + "accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(desk.url)
        first = page.locator("table.tickets tbody tr").first
        number = first.locator("a").first.inner_text()
        subject = first.locator("td").nth(1).inner_text()
        word = max(re.findall(r"\w+", subject), key=len)

        page.goto(desk.url + "desk/search/")
        box = page.get_by_label(
            "Ticket number, words of the subject or a message, customer name, email or phone"
        )
        box.press_sequentially(word, delay=40)
        results = page.locator("#search-results table.tickets")
        results.wait_for()
        assert results.get_by_role("link", name=number).count() == 1
        page.wait_for_url(re.compile(r"q="))  # the address follows the query, for reload and sharing

        box.fill("")
        box.press_sequentially(number, delay=20)
        page.locator("#search-results tbody tr").first.get_by_role("link", name=number).wait_for()
        page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
        page.get_by_role("link", name=number).first.click()
        page.wait_for_url(f"**/desk/tickets/{number}/")
