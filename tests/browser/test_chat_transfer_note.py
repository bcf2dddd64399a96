"""An agent hands a chat to the next line with a request, which the ticket's escalation keeps.

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
