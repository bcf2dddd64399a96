"""The agent's chat panel after a trial with agents: a chat transferred away leaves the panel of the agent who
handed it over (no Accept nor End chat for a chat that is no longer theirs), the canned answers show as soon as
the search box has the focus, and a visitor's long name without spaces stays inside the conversation's columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import test_chat_journey as journey
from tests.browser.signin import sign_in
from tests.browser.test_chat_journey import WIDGET, ChatDesk

pytestmark = pytest.mark.browser
chat_desk = journey.chat_desk  # a help desk with the chat on, started once for this module


@pytest.fixture
def agent_and_visitor(chat_desk: ChatDesk, chromium: Any) -> Iterator[tuple[Any, Any]]:
    contexts = [
        chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}) for _ in range(2)
    ]
    for context in contexts:
        context.set_default_timeout(20_000)
    agent, visitor = (context.new_page() for context in contexts)
    sign_in(agent, chat_desk.desk, chat_desk.email, chat_desk.password)
    agent.goto(chat_desk.desk.url + "desk/chat/")
    agent.locator("#chat-queue").wait_for()
    yield agent, visitor
    for context in contexts:
        context.close()


def _chat_accepted(d: ChatDesk, agent: Any, visitor: Any, name: str, text: str) -> Any:
    """The visitor writes, the agent accepts: the agent's open conversation."""
    visitor.goto(d.site.origin + "/")
    visitor.locator(f"{WIDGET} button.l").click()
    panel = visitor.locator(f"{WIDGET} section.p")
    panel.locator("small").filter(has_text="We are online").wait_for()
    panel.locator("form.f input[name=name]").fill(name)
    panel.locator("form.f textarea").fill(text)
    panel.locator("form.f textarea").press("Enter")
    panel.locator(".b.visitor:not(.pending)").filter(has_text=text).wait_for()
    waiting = agent.locator("#chat-queue .chat-waiting li").filter(has_text=name[:40])
    waiting.locator("button.chat-accept").click()
    agent.wait_for_url("**/desk/chat/*/")
    conversation = agent.locator("#chat-conversation")
    conversation.locator(".chat-log").filter(has_text=text).wait_for()
    return conversation


# The desk's socket reports itself open only 1.5 s after it is: what an agent clicks meanwhile must not be lost.
SLOW_SOCKET = """(() => {
  const Real = window.WebSocket;
  const state = Object.getOwnPropertyDescriptor(Real.prototype, "readyState").get;
  function Slow(url, protocols) {
    const socket = protocols === undefined ? new Real(url) : new Real(url, protocols);
    let open = false;
    let onopen = null;
    Object.defineProperty(socket, "readyState", {
      get() { const real = state.call(socket); return real === Real.OPEN && !open ? Real.CONNECTING : real; },
    });
    Object.defineProperty(socket, "onopen", { get() { return onopen; }, set(f) { onopen = f; } });
    socket.addEventListener("open", (event) => setTimeout(() => {
      open = true;
      if (onopen) onopen.call(socket, event);
    }, 1500));
    return socket;
  }
  Slow.prototype = Real.prototype;
  Object.assign(Slow, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Slow;
})();"""


def _overflowing(page: Any, selector: str) -> list[str]:
    """The elements under ``selector`` whose content is wider than their box."""
    return list(
        page.evaluate(
            """(selector) => Array.from(document.querySelectorAll(selector))
                .filter((n) => n.scrollWidth > n.clientWidth + 1)
                .map((n) => n.className || n.id || n.tagName)""",
            selector,
        )
    )


def test_a_chat_transferred_to_another_line_leaves_the_agents_panel(
    chat_desk: ChatDesk, agent_and_visitor: tuple[Any, Any]
) -> None:
    agent, visitor = agent_and_visitor
    conversation = _chat_accepted(chat_desk, agent, visitor, "Leontyne Price", "Can I change my seats?")
    assert conversation.locator(".chat-end").is_visible()

    conversation.locator("#chat-transfer-to").select_option("line:2")
    conversation.locator("form.chat-transfer button[type=submit]").click()

    # The chat is line 2's now: the panel lets go of it instead of offering Accept and End chat.
    conversation.wait_for(state="detached")
    main = agent.locator("#chat-panel .chat-main")
    main.locator("#chat-title").filter(has_text="Live chat").wait_for()
    assert main.locator(".chat-accept, .chat-end, .chat-transfer").count() == 0
    agent.wait_for_url("**/desk/chat/")
    agent.locator("#chat-queue .chat-mine").filter(has_text="Leontyne Price").wait_for(state="detached")
    assert agent.locator("#chat-alert").is_hidden()

    # A reload shows the same.
    agent.reload()
    agent.locator("#chat-queue").wait_for()
    assert agent.locator("#chat-conversation").count() == 0


def test_a_transfer_clicked_while_the_socket_connects_is_sent_once_it_is_open(
    chat_desk: ChatDesk, agent_and_visitor: tuple[Any, Any]
) -> None:
    agent, visitor = agent_and_visitor
    # From the next page on (the queue page's socket is open: the visitor sees an agent online).
    agent.add_init_script(SLOW_SOCKET)
    conversation = _chat_accepted(chat_desk, agent, visitor, "Kiri Te Kanawa", "Are there seats left?")
    # The conversation's page opened a socket of its own: Transfer is clicked before it is open.
    conversation.locator("#chat-transfer-to").select_option("line:2")
    conversation.locator("form.chat-transfer button[type=submit]").click()
    conversation.wait_for(state="detached")
    agent.wait_for_url("**/desk/chat/")


def test_canned_answers_show_on_focus_and_a_long_name_stays_in_its_column(
    chat_desk: ChatDesk, agent_and_visitor: tuple[Any, Any]
) -> None:
    agent, visitor = agent_and_visitor
    name = "Montserrat" + "Caballé" * 27  # 199 characters, no space
    conversation = _chat_accepted(chat_desk, agent, visitor, name, "Is the box office open?")

    # Nothing typed: the brand's answers as soon as the box has the focus.
    results = agent.locator("#canned-results")
    assert results.inner_text().strip() == ""
    agent.locator("#canned-q").focus()
    results.locator(".canned-pick").filter(has_text="Stalls seats").wait_for()
    # Typing narrows them.
    agent.locator("#canned-q").press_sequentially("zzzz-no-such-answer", delay=10)
    results.filter(has_text="No canned answer matches.").wait_for()

    # The long name wraps inside the heading, the message author, the queue and the customer panel.
    conversation.locator(".chat-from-visitor .chat-author").first.wait_for()
    selectors = (
        "#chat-title, .chat-author, #chat-queue li a > span, .chat-side, .chat-side h2, .chat-conversation"
    )
    assert _overflowing(agent, selectors) == []
    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    width = agent.evaluate("document.querySelector('.chat-thread').getBoundingClientRect().width")
    heading = agent.evaluate("document.getElementById('chat-title').getBoundingClientRect().width")
    assert heading <= width + 1
    # In the queue it takes at most two lines, and says it whole in its tooltip.
    entry = agent.locator("#chat-queue .chat-mine li a > span").first
    lines = entry.evaluate(
        """(n) => { const s = getComputedStyle(n);
            return n.getBoundingClientRect().height / (parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.2); }"""
    )
    assert lines <= 2.2
    assert entry.get_attribute("title") == name


def test_the_agents_typing_line_goes_when_the_agent_ends_the_chat(
    chat_desk: ChatDesk, agent_and_visitor: tuple[Any, Any]
) -> None:
    agent, visitor = agent_and_visitor
    conversation = _chat_accepted(chat_desk, agent, visitor, "Jessye Norman", "Do you have a cloakroom?")
    panel = visitor.locator(f"{WIDGET} section.p")
    agent.locator("#chat-panel[data-live]").wait_for(
        state="attached"
    )  # the conversation page's socket is open
    agent.locator("#id_body").press_sequentially("Yes, on the gro", delay=20)
    typing = panel.locator(".y")
    typing.filter(has_text="The agent is typing").wait_for()

    conversation.locator(".chat-end").click()
    panel.locator(".n").filter(has_text="The chat has ended.").wait_for()
    assert typing.is_hidden()  # at once, not six seconds later
