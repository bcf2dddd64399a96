"""An agent works from the keyboard: "?" lists the shortcuts, "/" goes to the search box, "g q" to the queues,
j/k and Enter open a ticket, "i" starts an internal note and Ctrl+Enter sends it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.signin import sign_in
from tests.browser.test_queue_journey import _line1_agent

pytestmark = pytest.mark.browser


def _focused(page: Any) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement; return el.tagName + '#' + el.id + '.' + el.className"
        " + '[' + (el.getAttribute('name') || '') + ']'; }"
    )


def test_an_agent_finds_and_answers_a_ticket_from_the_keyboard(demo_data: Path, page: Any) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        sign_in(page, desk, *_line1_agent(desk.output))

        # "?" opens the list of shortcuts as a dialog with the focus in it; Esc closes it and gives it back.
        help_dialog = page.locator("#shortcuts-help")
        assert help_dialog.is_hidden()
        page.keyboard.press("?")
        help_dialog.wait_for(state="visible")
        assert help_dialog.get_attribute("role") == "dialog"
        assert help_dialog.locator("kbd").count() >= 10
        assert "shortcuts-close" in _focused(page)
        assert page.evaluate("document.querySelector('main').inert"), (
            "the page behind the dialog is not inert"
        )
        page.keyboard.press("Tab")
        assert "shortcuts-close" in _focused(page), "the focus left the open dialog"
        page.keyboard.press("Escape")
        help_dialog.wait_for(state="hidden")
        assert not page.evaluate("document.querySelector('main').inert")

        # "g q" goes to the queues; "/" puts the cursor in the search box, where letters are just typed.
        page.keyboard.press("g")
        page.keyboard.press("q")
        page.wait_for_url("**/desk/queues/**")
        page.keyboard.press("/")
        assert _focused(page).startswith("INPUT")
        assert _focused(page).endswith("[q]")
        page.keyboard.type("jk?")
        assert page.locator(".desk-search input[type=search]").input_value() == "jk?"
        assert help_dialog.is_hidden()
        page.locator(".desk-search input[type=search]").fill("")
        page.evaluate("document.activeElement.blur()")

        # j/k move through the table, Enter opens the picked ticket.
        rows = page.locator("#queue-table tbody tr")
        assert rows.count() >= 2, "the demo data gives this agent no tickets in the queue"
        page.keyboard.press("j")
        page.keyboard.press("j")
        page.keyboard.press("k")
        picked = page.locator("#queue-table tbody tr.shortcut-selected")
        assert picked.count() == 1
        number = rows.first.locator("a").first.inner_text()
        assert picked.locator("a").first.inner_text() == number
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/desk/tickets/{number}/")

        # "i" turns the composer into an internal note with the cursor in it; Ctrl+Enter sends it.
        page.locator("#ticket-tools, .ticket-tools").first.wait_for(state="attached")
        page.keyboard.press("i")
        assert page.locator("#composer input[name=kind][value=note]").is_checked()
        assert "TEXTAREA" in _focused(page)
        page.keyboard.type("Checked from the keyboard: the payment went through.")
        page.keyboard.press("Control+Enter")
        page.locator(".entry-note", has_text="Checked from the keyboard").wait_for()
        page.keyboard.press("r")
        assert page.locator("#composer input[name=kind][value=reply]").is_checked()
        assert "TEXTAREA" in _focused(page)
        assert re.search(r"/desk/tickets/[^/]+/", page.url)
