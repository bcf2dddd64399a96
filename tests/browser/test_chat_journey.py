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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import clean_env, frontdesk, running_frontdesk
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
def brand_website(script: str) -> Iterator[Website]:
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

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site = Website(origin=f"http://127.0.0.1:{server.server_address[1]}", script=script)
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
        "print(json.dumps(m.brand.slug))\n"
    )
    result = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data))
    return str(json.loads(result.stdout.strip().splitlines()[-1]))


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FRONTDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_visitor_chats_from_another_site_and_the_agent_answers_in_the_panel(
    tmp_path: Path, chromium: Any
) -> None:
    shots = _shots(tmp_path)
    with running_frontdesk(tmp_path / "desk-data", args=("run",), timeout=300) as desk:
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
                panel.locator(".n").filter(has_text="Thank you! Request number:").wait_for()

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
