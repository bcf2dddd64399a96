"""The chat's words and suggestions: the agent's panel speaks its own language (not the names of its texts), and
the widget's knowledge-base suggestions follow what is in the box, in the chat form and in the e-mail form.

The visitor's socket goes to the real help desk through a route that can say no agent is online and that puts a
known article into each ``suggestions`` answer (the demo knowledge base need not be confident about the words
typed here), or holds the answers back to hand them over late.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.browser import test_chat_journey as journey
from tests.browser.signin import sign_in
from tests.browser.test_chat_journey import WIDGET, ChatDesk

pytestmark = pytest.mark.browser
chat_desk = journey.chat_desk  # a help desk with the chat on, started once for this module

ARTICLE = {"title": "Gift vouchers and how to use them", "url": "http://127.0.0.1/kb/gift-vouchers/"}


@dataclass
class Route:
    """The visitor's socket, watched: what the page asked for, and the suggestions held back when ``hold``."""

    online: bool
    hold: bool = False
    # Whether the widget's later "who is online?" answers come from the help desk as they are (else they say
    # ``online`` too).
    real_presence: bool = False
    sent: list[dict[str, Any]] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    answered: int = 0
    page_side: Any = None

    def __call__(self, page_side: Any) -> None:
        self.page_side = page_side
        server = page_side.connect_to_server()

        def from_page(message: str) -> None:
            self.sent.append(json.loads(message))
            server.send(message)

        def from_server(message: str) -> None:
            frame = json.loads(message)
            if frame["type"] == "welcome" or (frame["type"] == "presence" and not self.real_presence):
                frame["online"] = self.online
            elif frame["type"] == "suggestions":
                self.answered += 1
                frame["articles"] = [ARTICLE]
                if self.hold:
                    self.held.append(json.dumps(frame))
                    return
            page_side.send(json.dumps(frame))

        page_side.on_message(from_page)
        server.on_message(from_server)

    def asked(self) -> list[str]:
        return [f["q"] for f in self.sent if f["type"] == "suggest"]

    def release(self) -> None:
        for message in self.held:
            self.page_side.send(message)
        self.held.clear()


@pytest.fixture
def visitor(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _open_widget(page: Any, desk: ChatDesk, route: Route) -> Any:
    page.route_web_socket(re.compile(r"/ws/chat/"), route)
    page.goto(desk.site.origin + "/")
    page.locator(f"{WIDGET} button.l").click()
    return page.locator(f"{WIDGET} section.p")


def test_the_agent_panel_shows_its_texts_in_words_not_their_names(chat_desk: ChatDesk, chromium: Any) -> None:
    d = chat_desk
    contexts = [chromium.new_context(locale="en-US") for _ in range(2)]
    try:
        for context in contexts:
            context.set_default_timeout(20_000)
        agent, visitor = (context.new_page() for context in contexts)
        sign_in(agent, d.desk, d.email, d.password)
        agent.goto(d.desk.url + "desk/chat/")
        agent.locator("#chat-queue").wait_for()
        visitor.goto(d.site.origin + "/")
        visitor.locator(f"{WIDGET} button.l").click()
        panel = visitor.locator(f"{WIDGET} section.p")
        panel.locator("small").filter(has_text="We are online").wait_for()
        panel.locator("form.f input[name=name]").fill("Renata Tebaldi")
        panel.locator("form.f textarea").fill("Is there a matinee on Sunday?")
        panel.locator("form.f textarea").press("Enter")
        panel.locator(".b.visitor:not(.pending)").filter(has_text="matinee").wait_for()

        waiting = agent.locator("#chat-queue .chat-waiting li").filter(has_text="Renata Tebaldi")
        waiting.locator("button.chat-accept").click()
        agent.wait_for_url("**/desk/chat/*/")
        conversation = agent.locator("#chat-conversation")
        conversation.locator(".chat-log").filter(has_text="matinee").wait_for()

        agent.locator("#id_body").fill("x" * 4100)
        count = conversation.locator(".chat-count")
        count.filter(has_text="4100/4000").wait_for()
        assert count.inner_text().strip() == "Too long to send, characters: 4100/4000"
        agent.locator("#id_body").fill("")

        panel.locator("form.f textarea").press_sequentially("Yes", delay=50)
        typing = conversation.locator(".chat-typing")
        typing.wait_for()
        assert typing.inner_text().strip() == "The visitor is typing…"
    finally:
        for context in contexts:
            context.close()


def test_sending_right_after_typing_leaves_no_suggestions_behind(chat_desk: ChatDesk, visitor: Any) -> None:
    route = Route(online=True)
    panel = _open_widget(visitor, chat_desk, route)
    box = panel.locator("form.f textarea")
    tips = panel.locator(".s a")

    # Suggestions come while typing …
    box.press_sequentially("gift vouchers", delay=20)
    tips.filter(has_text=ARTICLE["title"]).wait_for()
    # … and go with the message, also when it is sent before the pause that would ask for them.
    box.press_sequentially(" for Tosca?", delay=20)
    box.press("Enter")
    panel.locator(".b.visitor").filter(has_text="gift vouchers for Tosca?").wait_for()
    assert tips.count() == 0
    visitor.wait_for_timeout(1500)
    assert tips.count() == 0
    assert "gift vouchers for Tosca?" not in route.asked()
    assert box.input_value() == ""


def test_a_late_suggestion_answer_for_text_no_longer_in_the_box_is_not_shown(
    chat_desk: ChatDesk, visitor: Any
) -> None:
    route = Route(online=True, hold=True)
    panel = _open_widget(visitor, chat_desk, route)
    box = panel.locator("form.f textarea")
    tips = panel.locator(".s a")

    # Asked, then the box emptied before the answer came.
    box.press_sequentially("standing tickets", delay=20)
    _wait_for(visitor, lambda: route.held)
    assert route.asked()[-1] == "standing tickets"
    box.fill("")
    route.release()
    visitor.wait_for_timeout(500)
    assert tips.count() == 0

    # Asked, then the text sent before the answer came.
    box.press_sequentially("opera glasses", delay=20)
    _wait_for(visitor, lambda: route.held)
    box.press("Enter")
    panel.locator(".b.visitor").filter(has_text="opera glasses").wait_for()
    route.release()
    visitor.wait_for_timeout(500)
    assert tips.count() == 0


def test_a_visitor_writing_an_e_mail_gets_the_same_suggestions(chat_desk: ChatDesk, visitor: Any) -> None:
    route = Route(online=False)
    panel = _open_widget(visitor, chat_desk, route)
    offline = panel.locator("form.o")
    offline.wait_for()
    tips = panel.locator(".s a")

    offline.locator("input[name=name]").fill("Maria Callas")
    offline.locator("input[name=email]").fill("maria@callas.example")
    offline.locator("textarea").press_sequentially("Do you sell gift vouchers?", delay=20)
    # Asked over the same socket as in the chat form, answered by the help desk, shown the same way.
    tips.filter(has_text=ARTICLE["title"]).wait_for()
    assert route.asked()[-1] == "Do you sell gift vouchers?"
    assert route.answered >= 1
    assert panel.locator(".s p").inner_text() == "Articles that may help:"
    assert tips.get_attribute("href") == ARTICLE["url"]

    offline.locator("textarea").fill("")
    offline.locator("textarea").press_sequentially("Hi", delay=20)  # too short to ask about
    asked = len(route.asked())
    visitor.wait_for_timeout(800)
    assert tips.count() == 0
    assert len(route.asked()) == asked

    offline.locator("textarea").fill("")
    offline.locator("textarea").press_sequentially("Do you sell gift vouchers?", delay=20)
    tips.first.wait_for()
    offline.locator("button").click()
    panel.locator(".n").filter(has_text="We received your message. Request number:").wait_for()
    assert tips.count() == 0


def _wait_for(page: Any, ready: Any, seconds: float = 10) -> None:
    for _ in range(int(seconds * 10)):
        if ready():
            return
        page.wait_for_timeout(100)
    pytest.fail("the page never asked for suggestions")


def test_a_visitor_who_found_no_one_online_sees_an_agent_who_came_without_a_reload(
    chat_desk: ChatDesk, chromium: Any, visitor: Any
) -> None:
    # The page was opened when no agent was online (the route says so in the welcome only).
    route = Route(online=False, real_presence=True)
    panel = _open_widget(visitor, chat_desk, route)
    panel.locator("form.o").wait_for()
    assert panel.locator("form.f").is_hidden()

    # An agent opens the chat panel.
    context = chromium.new_context(locale="en-US")
    try:
        context.set_default_timeout(20_000)
        agent = context.new_page()
        sign_in(agent, chat_desk.desk, chat_desk.email, chat_desk.password)
        agent.goto(chat_desk.desk.url + "desk/chat/")
        agent.locator("#chat-queue").wait_for()

        # The widget asks again when it is opened (and every 20 seconds while it is): the chat form is back.
        visitor.locator(f"{WIDGET} header button.x").click()
        visitor.locator(f"{WIDGET} button.l").click()
        panel.locator("small").filter(has_text="We are online").wait_for()
        panel.locator("form.f textarea").wait_for()
        assert panel.locator("form.o").is_hidden()
        assert {"type": "presence"} in route.sent
    finally:
        context.close()
