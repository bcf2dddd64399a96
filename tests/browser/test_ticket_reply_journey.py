"""An agent answers a ticket from its page: the reply joins the history without a reload and the composer
is ready for the next one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_journey import _provider_admin

pytestmark = pytest.mark.browser


def test_an_agent_replies_from_the_ticket_page(demo_data: Path, tmp_path: Path, page: Any) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = _provider_admin(desk)
        page.goto(desk.url + "accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(desk.url)

        page.locator("table.tickets tbody a").first.click()
        page.wait_for_url("**/desk/tickets/**")
        page.get_by_label("Reply to customer").check()
        page.get_by_label("Message").fill("We have sent your tickets again.")
        page.locator("#composer input[type=file]").set_input_files(
            [{"name": "seats.txt", "mimeType": "text/plain", "buffer": b"Row 5, seats 12-13"}]
        )
        url = page.url
        page.locator("#composer button[type=submit]").click()

        reply = page.locator(".entry-message").filter(has_text="We have sent your tickets again.")
        reply.wait_for()
        assert page.url == url  # swapped in place by htmx
        assert "seats.txt" in reply.inner_text()
        assert reply.locator(".delivery").count() == 1
        assert page.get_by_label("Message").input_value() == ""

        # A blank message is refused with a form error, and nothing is sent.
        page.get_by_label("Message").fill("   ")
        page.locator("#composer button[type=submit]").click()
        page.locator("#composer .errorlist").filter(has_text="The message is empty.").wait_for()
        page.screenshot(path=str(tmp_path / "composer.png"), full_page=True)
        assert page.locator(".entry-message").filter(has_text="We have sent your tickets again.").count() == 1
