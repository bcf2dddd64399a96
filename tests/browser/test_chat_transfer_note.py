"""An agent hands a chat to the next line with a request, which the ticket's escalation keeps; a visitor who comes
back to a page after the chat ended sees that it ended, once, with the end of the conversation in view.

Runs against the help desk with the chat on of ``test_chat_journey`` (started once for this module).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import test_chat_journey as journey
from tests.browser import test_chat_panel_trial as trial
from tests.browser.test_chat_journey import WIDGET, ChatDesk

pytestmark = pytest.mark.browser
chat_desk = journey.chat_desk
agent_and_visitor = trial.agent_and_visitor  # the agent with the chat panel open, and a visitor

REQUEST = "Please refund the two Tosca seats; the payment went through twice."


def test_a_chat_transferred_to_the_next_line_carries_the_agents_request_to_the_ticket(
    chat_desk: ChatDesk, agent_and_visitor: tuple[Any, Any]
) -> None:
    agent, visitor = agent_and_visitor
    conversation = trial._chat_accepted(
        chat_desk, agent, visitor, "Jussi Bjoerling", "I was charged twice for my Tosca seats."
    )
    ticket_url = conversation.locator(".facts a[href*='/desk/tickets/']").get_attribute("href")

    transfer = conversation.locator("form.chat-transfer")
    note = transfer.locator("input[name=note]")
    assert note.get_attribute("maxlength") == "2000"
    assert (
        transfer.locator("label[for=chat-transfer-note]").inner_text().strip() == "Request to the next line"
    )
    transfer.locator("select").select_option("line:2")
    note.fill(REQUEST)
    transfer.locator("button[type=submit]").click()
    visitor.locator(f"{WIDGET} section.p .b.system").filter(has_text="transferred").wait_for()

    agent.goto(chat_desk.desk.url.rstrip("/") + ticket_url)
    timeline = agent.locator("#ticket .timeline")
    timeline.filter(has_text="Request to the next line").wait_for()
    assert REQUEST in timeline.inner_text()
    assert "Please take over the chat." not in timeline.inner_text()


def test_a_visitor_back_after_the_chat_ended_sees_the_end_once_and_the_last_lines(
    chat_desk: ChatDesk, agent_and_visitor: tuple[Any, Any]
) -> None:
    agent, visitor = agent_and_visitor
    # One long line that wraps into more than the log's height.
    text = "; ".join(f"Seat {n} in row {n} of the stalls" for n in range(1, 41))
    trial._chat_accepted(chat_desk, agent, visitor, "Kirsten Flagstad", text)
    panel = visitor.locator(f"{WIDGET} section.p")
    ended = panel.locator(".m .n").filter(has_text="The chat has ended.")

    panel.locator("button.e").click()
    ended.wait_for()
    assert ended.count() == 1

    visitor.reload()
    panel = visitor.locator(f"{WIDGET} section.p")
    panel.locator(".b.visitor").filter(has_text="Seat 40 in row 40").wait_for()
    ended = panel.locator(".m .n").filter(has_text="The chat has ended.")
    ended.wait_for()
    visitor.wait_for_timeout(500)  # the replay after the welcome, if any, has come
    _assert_ends_in_view(panel)
    assert panel.locator("button.z").is_visible()  # "New chat"

    # Closed before the reload and opened after it: the same.
    panel.locator("button.x").click()
    panel.wait_for(state="hidden")
    visitor.reload()
    visitor.locator(f"{WIDGET} button.l").click()
    panel = visitor.locator(f"{WIDGET} section.p")
    panel.locator(".m .n").filter(has_text="The chat has ended.").wait_for()
    visitor.wait_for_timeout(500)
    _assert_ends_in_view(panel)


def _assert_ends_in_view(panel: Any) -> None:
    """The ended notice once, as the last line, and in view: the log is scrolled to its end."""
    log = panel.locator(".m")
    assert log.locator(".n").filter(has_text="The chat has ended.").count() == 1
    assert log.evaluate("m => m.lastElementChild.textContent") == "The chat has ended."
    assert log.evaluate("m => m.scrollHeight > m.clientHeight")
    assert log.evaluate("m => m.scrollHeight - m.scrollTop - m.clientHeight < 2")
