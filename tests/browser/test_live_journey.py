"""Two agents open the same ticket: each sees the other on it, and who is typing; when one replies, the other's
history shows the reply without a reload, and their own reply, written on the older view, warns before it goes
out. Runs against ``frontdesk run``: one process, the in-memory channel layer and the in-process worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_journey import _demo_logins

pytestmark = pytest.mark.browser


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(url)


def _agent(logins: list[tuple[str, str, str]], line: int) -> tuple[str, str]:
    found = [(email, password) for role, email, password in logins if f"line {line}" in role]
    assert found, f"no line-{line} agent among the demo logins: {logins}"
    return found[0]


def test_two_agents_on_one_ticket_see_each_other_and_the_reply_arrives_live(
    tmp_path: Path, chromium: Any
) -> None:
    with running_frontdesk(tmp_path / "desk-data", args=("run",)) as desk:
        logins = _demo_logins(desk.output)
        contexts = [
            chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}) for _ in range(2)
        ]
        try:
            for context in contexts:
                context.set_default_timeout(20_000)
            anna, sergey = (context.new_page() for context in contexts)
            _sign_in(anna, desk.url, *_agent(logins, 1))
            _sign_in(sergey, desk.url, *_agent(logins, 2))

            anna.goto(desk.url + "desk/queues/all/")
            anna.locator("#queue-table table.tickets tbody a").first.click()
            anna.wait_for_url("**/desk/tickets/**")
            ticket_url = anna.url
            sergey.goto(ticket_url)
            # The names the agents go by, as the top bar shows them.
            anna_name, sergey_name = (
                p.locator("header.topbar nav span").first.inner_text() for p in (anna, sergey)
            )

            # Each sees the other on the ticket.
            anna.locator("#presence").filter(has_text=sergey_name).wait_for()
            sergey.locator("#presence").filter(has_text=anna_name).wait_for()

            # Sergey starts writing: Anna sees him typing.
            sergey.evaluate("window.notReloaded = true")
            sergey.locator("#composer [name=body]").fill("I am looking into it.")
            anna.locator("#presence .presence-person.typing").filter(has_text=sergey_name).wait_for()

            # Anna replies: Sergey's history shows it without a reload, and his draft stays.
            anna.locator("#composer input[name=kind][value=reply]").check()
            anna.locator("#composer [name=body]").fill("Your tickets are on their way again.")
            anna.locator("#composer button[type=submit]").click()
            sergey.locator(".entry-message").filter(
                has_text="Your tickets are on their way again."
            ).wait_for()
            assert sergey.evaluate("window.notReloaded") is True
            assert sergey.url == ticket_url
            assert sergey.locator("#composer [name=body]").input_value() == "I am looking into it."
            sergey.screenshot(path=str(tmp_path / "live-ticket.png"), full_page=True)

            # His reply was written on the older view: it is held back with a warning.
            sergey.locator("#composer button[type=submit]").click()
            sergey.locator("#composer .warning[role=alert]").wait_for()

            # Anna leaves: Sergey is alone on the ticket again.
            anna.goto(desk.url)
            sergey.locator("#presence").wait_for(state="hidden")
        finally:
            for context in contexts:
                context.close()
