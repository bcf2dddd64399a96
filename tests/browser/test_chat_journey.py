"""A visitor chats from a brand's website and an agent answers in the desk's chat panel.

The website is a page served from another origin (a small HTTP server on another port of 127.0.0.1) with the
brand's script tag; the brand allows that origin. The agent opens the chat panel (so the widget says someone is
online), the visitor writes, the agent accepts and answers, the visitor reads the answer, reloads the page and
goes on in the same conversation; the agent ends the chat and finds the transcript on the ticket's page. Runs
against ``frontdesk run`` with the demo data: one process, the in-memory channel layer.

Set ``FRONTDESK_SCREENSHOTS`` to a folder (e.g. ``docs/screenshots``) to keep the pictures of the widget and
the panel there; they go to the test's temporary folder otherwise.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import RunningFrontdesk, clean_env, copy_data_folder, frontdesk, running_frontdesk
from tests.browser.signin import sign_in
from tests.browser.test_queue_journey import _line1_agent

pytestmark = pytest.mark.browser

WIDGET = "[data-frontdesk-chat]"
SITE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Opera tickets</title>
<style>body{{font:16px/1.5 Georgia,serif;margin:3rem;max-width:40rem}} button{{all:unset}}</style></head>
<body><h1>Tonight: Tosca</h1><p>Tickets from 20 EUR. Questions? Write to us in the chat.</p>
<script src="{script}" data-brand="{brand}" async></script></body></html>
"""


@dataclass
class Website:
    """A brand's website on its own origin: one page with the chat's script tag for ``brand``."""

    origin: str
    script: str
    brand: str = ""

    def page(self) -> bytes:
        return SITE_PAGE.format(script=self.script, brand=self.brand).encode()


@contextmanager
def brand_website(script: str, host: str = "127.0.0.1") -> Iterator[Website]:
    site: Website

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.page()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    site = Website(origin=f"http://{host}:{server.server_address[1]}", script=script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _open_chat_for(data: Path, agent: str, origin: str) -> str:
    """Turn the chat on for a brand where ``agent`` works line 1, allowing ``origin``; the agent reads the desk
    in English. Returns the brand's slug."""
    script = (
        "import json\n"
        "from frontdesk.chat.models import ChatSettings\n"
        "from frontdesk.users.models import AgentMembership, User\n"
        f"User.objects.filter(email={agent!r}).update(language='en')\n"
        f"m = AgentMembership.objects.filter(line=1, user__email={agent!r}).order_by('brand__slug').first()\n"
        "ChatSettings.objects.update_or_create(brand_id=m.brand_id, defaults={'is_enabled': True, "
        f"'allowed_origins': [{origin!r}], 'greetings': {{'en': 'Hello! Ask us anything.'}}}})\n"
        "from frontdesk.tickets.models import CannedAnswer\n"
        "CannedAnswer.objects.create(brand_id=m.brand_id, title='Stalls seats', "
        "body='There are seats in the stalls.\\n\\nKind regards,\\n{agent_name}, {brand_name}')\n"
        "print(json.dumps(m.brand.slug))\n"
    )
    result = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data))
    return str(json.loads(result.stdout.strip().splitlines()[-1]))


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FRONTDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_visitor_chats_from_another_site_and_the_agent_answers_in_the_panel(
    demo_data: Path, tmp_path: Path, chromium: Any
) -> None:
    shots = _shots(tmp_path)
    with running_frontdesk(demo_data, args=("run",), timeout=300) as desk:
        email, password = _line1_agent(desk.output)
        with brand_website(desk.url + "chat/widget.js") as site:
            site.brand = _open_chat_for(desk.data, email, site.origin)
            origin = site.origin
            contexts = [
                chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
                for _ in range(2)
            ]
            try:
                for context in contexts:
                    context.set_default_timeout(20_000)
                agent, visitor = (context.new_page() for context in contexts)

                # No agent has the chat panel open: the visitor may leave a message for an answer by e-mail.
                visitor.goto(origin + "/")
                launcher = visitor.locator(f"{WIDGET} button.l")
                launcher.click()
                panel = visitor.locator(f"{WIDGET} section.p")
                offline = panel.locator("form.o")
                offline.wait_for()
                assert panel.locator("form.f").is_hidden()
                offline.locator("input[name=name]").fill("Maria Callas")
                offline.locator("input[name=email]").fill("maria@callas.example")
                offline.locator("textarea").fill("Do you sell gift vouchers?")
                offline.locator("button").click()
                panel.locator(".n").filter(has_text="We received your message. Request number:").wait_for()

                # The agent opens the chat panel: from now on the brand's visitors see someone online.
                sign_in(agent, desk, email, password)
                agent.locator("header.topbar a.chat-link").click()
                agent.wait_for_url("**/desk/chat/")
                agent.locator("#chat-queue").wait_for()

                # The visitor, on the brand's own website, starts a chat and writes.
                visitor.reload()
                panel.locator("small").filter(has_text="We are online").wait_for()
                panel.locator(".g").filter(has_text="Hello! Ask us anything.").wait_for()
                if panel.locator("button.z").is_visible():
                    panel.locator("button.z").click()  # "New chat" after the e-mail
                panel.locator("form.f input[name=name]").fill("Maria Callas")
                panel.locator("form.f textarea").fill("Are there seats left for Tosca tonight?")
                panel.locator("form.f textarea").press("Enter")
                panel.locator(".b.visitor:not(.pending)").filter(has_text="seats left for Tosca").wait_for()

                # The agent sees the chat waiting, accepts it and answers.
                waiting = agent.locator("#chat-queue .chat-waiting li").filter(has_text="Maria Callas")
                waiting.locator("button.chat-accept").click()
                agent.wait_for_url("**/desk/chat/*/")
                conversation = agent.locator("#chat-conversation")
                conversation.locator(".chat-log").filter(has_text="seats left for Tosca").wait_for()
                assert origin in conversation.locator(".chat-page").inner_text()
                # A canned answer goes into the chat with its sign-off (a chat message is not signed).
                agent.locator("#canned-q").fill("stalls")
                agent.locator("#canned-results .canned-pick").filter(has_text="Stalls seats").click()
                agent.locator("#id_body").filter(has_text="There are seats in the stalls.").wait_for()
                canned = agent.locator("#id_body").input_value()
                assert "Kind regards,\n" in canned
                assert not canned.rstrip().endswith("Kind regards,")
                # Too long: said with the count, and neither sent nor cut.
                agent.locator("#id_body").fill("x" * 4100)
                conversation.locator(".chat-count").filter(has_text="4100/4000").wait_for()
                agent.locator("#id_body").press("Enter")
                assert conversation.locator(".chat-pending").count() == 0
                assert len(agent.locator("#id_body").input_value()) == 4100
                agent.locator("#id_body").fill("")
                agent.locator("#id_body").press_sequentially("Yes, a few", delay=30)
                panel.locator(".y").filter(has_text="The agent is typing").wait_for()
                agent.locator("#id_body").fill("Yes, a few in the stalls. Shall I hold two?")
                agent.locator("#id_body").press("Enter")
                conversation.locator(".chat-from-agent:not(.chat-pending)").filter(
                    has_text="Shall I hold two?"
                ).wait_for()

                # The visitor reads the answer, types (the agent sees it) and the widget goes into the docs.
                panel.locator(".b.agent").filter(has_text="Shall I hold two?").wait_for()
                panel.locator("form.f textarea").press_sequentially("Yes", delay=50)
                conversation.locator(".chat-typing").filter(has_text="typing").wait_for()
                visitor.screenshot(path=str(shots / "chat-widget.png"))
                # Escape closes the panel and gives the focus back to the button.
                visitor.keyboard.press("Escape")
                panel.wait_for(state="hidden")
                assert launcher.get_attribute("aria-expanded") == "false"
                assert visitor.evaluate("document.activeElement.shadowRoot.activeElement.className") == "l"
                launcher.click()

                # A reload keeps the conversation, which goes on.
                visitor.reload()
                panel = visitor.locator(f"{WIDGET} section.p")
                panel.locator(".b.agent").filter(has_text="Shall I hold two?").wait_for()
                assert panel.locator(".b").filter(has_text="seats left for Tosca").count() == 1
                panel.locator("form.f textarea").fill("Yes please, two seats.")
                panel.locator("form.f textarea").press("Enter")
                conversation.locator(".chat-from-visitor").filter(
                    has_text="Yes please, two seats."
                ).wait_for()
                assert conversation.locator(".chat-from-visitor").count() == 2
                # A file: too large ones are refused by the widget before they are sent, others reach the agent.
                files = panel.locator("form.f input[type=file]")
                files.set_input_files(
                    {"name": "huge.pdf", "mimeType": "application/pdf", "buffer": b"0" * (6 * 1024 * 1024)}
                )
                panel.locator(".n").filter(has_text="The file is too large.").wait_for()
                files.set_input_files(
                    {"name": "seats.txt", "mimeType": "text/plain", "buffer": b"Row 5, seats 7-8"}
                )
                conversation.locator(".chat-file a").filter(has_text="seats.txt").wait_for()
                agent.screenshot(path=str(shots / "chat-panel.png"))

                # The agent ends the chat: the visitor is told, and the transcript is on the ticket's page.
                conversation.locator("button.chat-end").click()
                panel.locator(".n").filter(has_text="The chat has ended.").wait_for()
                agent.locator("#chat-conversation[data-state=ended]").wait_for()
                agent.locator("#chat-conversation .chat-over a").click()
                agent.wait_for_url("**/desk/tickets/**")
                timeline = agent.locator("#ticket .timeline")
                timeline.filter(has_text="Yes please, two seats.").wait_for()
                timeline.filter(has_text="Shall I hold two?").wait_for()
                agent.locator("#chat-ticket").filter(has_text="The transcript is in the history").wait_for()
            finally:
                for context in contexts:
                    context.close()


# The widget under pressure: a shared help desk for the checks below ------------------------------------------


@dataclass
class ChatDesk:
    desk: RunningFrontdesk
    site: Website
    email: str
    password: str

    def shell(self, script: str) -> str:
        """Run Python in the help desk's data (Django set up); the last line it prints."""
        result = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(self.desk.data))
        lines = result.stdout.strip().splitlines()
        return lines[-1] if lines else ""


@pytest.fixture(scope="module")
def chat_desk(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[ChatDesk]:
    data = copy_data_folder(demo_template, tmp_path_factory.mktemp("chat") / "desk-data")
    with running_frontdesk(data, args=("run",), timeout=300) as desk:
        email, password = _line1_agent(desk.output)
        with brand_website(desk.url + "chat/widget.js") as site:
            site.brand = _open_chat_for(desk.data, email, site.origin)
            yield ChatDesk(desk, site, email, password)


def _watch_frames(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The frames the page's sockets send and receive, as they go."""
    sent: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []

    def watch(socket: Any) -> None:
        socket.on("framesent", lambda payload: sent.append(json.loads(payload)))
        socket.on("framereceived", lambda payload: received.append(json.loads(payload)))

    page.on("websocket", watch)
    return sent, received


def test_a_visitor_writing_faster_than_the_limit_gets_each_message_through_once_in_order_without_a_flood(
    chat_desk: ChatDesk, chromium: Any
) -> None:
    d = chat_desk
    d.shell(
        "from frontdesk.chat.models import ChatSettings\n"
        f"ChatSettings.objects.filter(brand__slug={d.site.brand!r}).update(messages_per_minute=5)"
    )
    contexts = [chromium.new_context(locale="en-US") for _ in range(2)]
    try:
        for context in contexts:
            context.set_default_timeout(20_000)
        agent, visitor = (context.new_page() for context in contexts)
        sign_in(agent, d.desk, d.email, d.password)  # the panel open: the brand is online
        agent.goto(d.desk.url + "desk/chat/")
        agent.locator("#chat-queue").wait_for()
        sent, received = _watch_frames(visitor)
        visitor.goto(d.site.origin + "/")
        visitor.locator(f"{WIDGET} button.l").click()
        panel = visitor.locator(f"{WIDGET} section.p")
        panel.locator("small").filter(has_text="We are online").wait_for()
        box = panel.locator("form.f textarea")
        # Ten messages at once against five a minute, near the end of the limit's minute: five go, the others
        # wait for the next minute.
        while not 50 <= time.time() % 60 < 54:
            time.sleep(0.2)
        texts = [f"Message {i} of the burst" for i in range(1, 11)]
        for text in texts:
            box.fill(text)
            box.press("Enter")
        panel.locator(".w").filter(has_text="too fast").wait_for()
        for text in texts:
            panel.locator(".b.visitor:not(.pending)").filter(has_text=text).wait_for(timeout=90_000)
        panel.locator(".w").wait_for(state="hidden")

        assert panel.locator(".b.visitor").all_inner_texts() == texts
        assert any(f["type"] == "error" and f["code"] == "rate_limited" for f in received)
        sends = [f for f in sent if f["type"] == "message"]
        assert len({f["client_id"] for f in sends}) == len(texts)
        assert len(sends) < 2 * len(texts), f"{len(sends)} message frames for {len(texts)} messages"
        # One standing notice, not a line per refusal.
        assert panel.locator(".m .n").filter(has_text="too fast").count() == 0
        stored = d.shell(
            "import json\n"
            "from frontdesk.chat.models import ChatMessage, ChatSession\n"
            f"session = ChatSession.objects.filter(brand__slug={d.site.brand!r}).latest('id')\n"
            "qs = ChatMessage.objects.filter(session=session, sender='visitor').order_by('seq')\n"
            "print(json.dumps(list(qs.values_list('text', flat=True))))"
        )
        assert json.loads(stored) == texts
    finally:
        for context in contexts:
            context.close()


def test_a_page_on_a_website_the_brand_does_not_allow_shows_no_chat_and_stops_trying(
    chat_desk: ChatDesk, chromium: Any
) -> None:
    # Another address of this machine: neither a website of the brand nor a host of the help desk.
    with brand_website(chat_desk.desk.url + "chat/widget.js", host="127.0.0.2") as other:
        other.brand = chat_desk.site.brand
        context = chromium.new_context(locale="en-US")
        try:
            page = context.new_page()
            sockets: list[Any] = []
            warnings: list[str] = []
            page.on("websocket", lambda socket: sockets.append(socket))
            page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
            page.goto(other.origin + "/")
            deadline = time.monotonic() + 30
            while not warnings and time.monotonic() < deadline:
                page.wait_for_timeout(250)
            assert warnings, "no warning for the site owner in the console"
            assert other.origin in warnings[0]
            assert "allowed website origins" in warnings[0]
            assert len(sockets) == 3
            page.wait_for_timeout(4000)
            assert len(sockets) == 3  # no endless reconnecting
            assert page.locator(WIDGET).count() == 0  # no button that leads nowhere
        finally:
            context.close()


def test_when_no_new_chat_is_allowed_the_widget_offers_e_mail_and_files_keep_to_the_limit(
    chat_desk: ChatDesk, chromium: Any
) -> None:
    """Frames the help desk may send (a brand's file limit in ``welcome``, ``too_many_chats``, refusals) are put
    on the real socket's way to the page."""
    refuse: dict[str, str] = {}
    sent: list[dict[str, Any]] = []

    def route(page_side: Any) -> None:
        server = page_side.connect_to_server()

        def from_page(message: str) -> None:
            frame = json.loads(message)
            sent.append(frame)
            code = refuse.get(frame["type"])
            if code:
                error = {
                    "type": "error",
                    "code": code,
                    "detail": "Refused here",
                    "client_id": frame["client_id"],
                }
                page_side.send(json.dumps(error))
            else:
                server.send(message)

        def from_server(message: str) -> None:
            frame = json.loads(message)
            if frame["type"] == "welcome":
                frame["online"] = True
                frame["brand"]["max_attachment_bytes"] = 1000
            elif frame["type"] == "presence":  # asked again when the panel opens: still online here
                frame["online"] = True
            page_side.send(json.dumps(frame))

        page_side.on_message(from_page)
        server.on_message(from_server)

    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.route_web_socket(re.compile(r"/ws/chat/"), route)
        page.goto(chat_desk.site.origin + "/")
        page.locator(f"{WIDGET} button.l").click()
        panel = page.locator(f"{WIDGET} section.p")
        chat = panel.locator("form.f")
        chat.wait_for()

        # The brand's file limit is checked before the file is read; a file the server refuses as too large
        # is said in the widget's words and its bubble goes.
        files = chat.locator("input[type=file]")
        files.set_input_files({"name": "big.pdf", "mimeType": "application/pdf", "buffer": b"0" * 2000})
        panel.locator(".n").filter(has_text="The file is too large.").wait_for()
        assert not [f for f in sent if f["type"] == "attachment"]
        refuse["attachment"] = "too_large"
        files.set_input_files({"name": "small.txt", "mimeType": "text/plain", "buffer": b"0" * 500})
        panel.locator(".n").filter(has_text="The file is too large.").nth(1).wait_for()
        assert len([f for f in sent if f["type"] == "attachment"]) == 1
        assert panel.locator(".pending").count() == 0
        assert panel.locator(".n").filter(has_text="Refused here").count() == 0

        # No new chat for this address: the e-mail form, with what was written, and no more tries.
        refuse["message"] = "too_many_chats"
        chat.locator("input[name=email]").fill("maria@callas.example")
        chat.locator("textarea").fill("Do you sell gift vouchers?")
        chat.locator("textarea").press("Enter")
        offline = panel.locator("form.o")
        offline.filter(has_text="We cannot open another chat for you now.").wait_for()
        assert offline.locator("textarea").input_value() == "Do you sell gift vouchers?"
        assert offline.locator("input[name=email]").input_value() == "maria@callas.example"
        assert panel.locator(".pending").count() == 0
        page.wait_for_timeout(3000)
        assert len([f for f in sent if f["type"] == "message"]) == 1

        # A first message refused for speed again and again ends the same way, after a few growing waits.
        page.reload()
        panel.locator("form.f").wait_for()
        refuse["message"] = "rate_limited"
        started = time.monotonic()
        panel.locator("form.f textarea").fill("Are you there?")
        panel.locator("form.f textarea").press("Enter")
        panel.locator(".w").filter(has_text="too fast").wait_for()
        offline.filter(has_text="We cannot open another chat for you now.").wait_for(timeout=40_000)
        tries = [f for f in sent if f["type"] == "message" and f["text"] == "Are you there?"]
        assert len(tries) == 4
        assert len({f["client_id"] for f in tries}) == 1
        assert time.monotonic() - started > 6  # waited between the tries
        assert panel.locator(".w").is_hidden()
    finally:
        context.close()


def test_a_polish_visitor_of_a_russian_and_english_brand_is_served_in_russian_and_keeps_the_request_number(
    chat_desk: ChatDesk, chromium: Any
) -> None:
    d = chat_desk
    d.shell(
        "from frontdesk.brands.models import Brand\n"
        f"Brand.objects.filter(slug={d.site.brand!r}).update(languages=['ru', 'en'])"
    )
    context = chromium.new_context(locale="pl-PL")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        sent, _received = _watch_frames(page)
        page.goto(d.site.origin + "/")
        launcher = page.locator(f"{WIDGET} button.l")
        launcher.filter(has_text="Напишите нам").click()
        panel = page.locator(f"{WIDGET} section.p")
        offline = panel.locator("form.o")
        offline.wait_for()
        offline.locator("input[name=name]").fill("Maria Callas")
        offline.locator("input[name=email]").fill("maria@callas.example")
        # Too long: said with the count, and nothing is sent (nor cut).
        offline.locator("textarea").fill("x" * 4100)
        panel.locator(".w").filter(has_text="4100/4000").wait_for()
        offline.locator("button").click()
        page.wait_for_timeout(500)
        assert not [f for f in sent if f["type"] == "offline"]
        assert len(offline.locator("textarea").input_value()) == 4100
        offline.locator("textarea").fill("Есть ли подарочные сертификаты?")
        assert panel.locator(".w").is_hidden()
        offline.locator("button").click()
        thanks = panel.locator(".n").filter(has_text="Номер обращения:")
        thanks.wait_for()
        number = thanks.inner_text().rsplit(" ", 1)[-1]
        assert [f["language"] for f in sent if f["type"] == "hello"][-1] == "ru"
        assert [f["language"] for f in sent if f["type"] == "offline"] == ["ru"]
        language = d.shell(
            "from frontdesk.tickets.models import Ticket\n"
            f"print(Ticket.objects.get(number={number!r}).language)"
        )
        assert language == "ru"

        # A reload still says the message was received, with its number.
        page.reload()
        panel.locator(".n").filter(has_text=number).wait_for()
        assert panel.locator("form.o").is_hidden()
        assert panel.locator("button.z").is_visible()
    finally:
        context.close()
