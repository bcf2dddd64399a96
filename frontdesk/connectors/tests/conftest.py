"""Local fakes of the networks' APIs (a tiny HTTP server on 127.0.0.1 recording every request and answering
canned JSON), recorded payloads, connectors of the cast's brands, and a stand-in sentiment classifier."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from frontdesk.connectors import intake
from frontdesk.connectors.choices import ConnectorKind
from frontdesk.connectors.models import Connector

PAYLOADS = Path(__file__).parent / "payloads"
VK_GROUP = "218394011"


def payload(name: str, **replace: Any) -> dict[str, Any]:
    data = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    data.update(replace)
    return data


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: str = ""

    @property
    def api_method(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    def json(self) -> Any:
        return json.loads(self.body.decode())

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    def params(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.query).items()}


class FakeApi:
    """Answers each API method (the last path segment) with queued answers, else a default one."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.queued: dict[str, list[tuple[int, Any]]] = {}
        self.defaults: dict[str, tuple[int, Any]] = {}
        # Files served as they are (the last path segment: Telegram's file paths), with their type.
        self.files: dict[str, tuple[str, bytes]] = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                call = Call(
                    self.command,
                    urlsplit(self.path).path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                    urlsplit(self.path).query,
                )
                api.calls.append(call)
                if call.api_method in api.files and call.api_method not in api.queued:
                    content_type, data = api.files[call.api_method]
                    self.send_response(200)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                queue = api.queued.get(call.api_method) or []
                status, body = (
                    queue.pop(0) if queue else api.defaults.get(call.api_method, (404, {"ok": False}))
                )
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def default(self, method: str, body: Any, status: int = 200) -> None:
        self.defaults[method] = (status, body)

    def queue(self, method: str, body: Any, status: int = 200) -> None:
        self.queued.setdefault(method, []).append((status, body))

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.api_method == method]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api(settings) -> Iterator[FakeApi]:
    fake = FakeApi()
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = ["127.0.0.1"]
    settings.FRONTDESK_TELEGRAM_API_URL = fake.url
    settings.FRONTDESK_VK_API_URL = fake.url
    fake.default("sendMessage", {"ok": True, "result": {"message_id": 777, "chat": {"id": 1}, "date": 1}})
    fake.default("setWebhook", {"ok": True, "result": True, "description": "Webhook was set"})
    fake.default("deleteWebhook", {"ok": True, "result": True})
    fake.default("getUpdates", {"ok": True, "result": []})
    fake.default("messages.send", {"response": 4242})
    fake.default("wall.createComment", {"response": {"comment_id": 7790}})
    fake.default(
        "users.get",
        {
            "response": [
                {"id": 301772455, "first_name": "Алексей", "last_name": "Смирнов", "screen_name": "asmirnov"}
            ]
        },
    )
    yield fake
    fake.close()


WORDS = {
    "negative": ("ужасн", "terrible", "awful", "не вернули"),
    "positive": ("thank", "спасибо", "wonderful", "dziękuję"),
}


@dataclass(frozen=True)
class Verdict:
    label: str
    score: float


def fake_classify(text: str) -> Verdict:
    lowered = text.lower()
    if any(word in lowered for word in WORDS["negative"]):
        return Verdict("negative", -0.8)
    if any(word in lowered for word in WORDS["positive"]):
        return Verdict("positive", 0.7)
    return Verdict("neutral", 0.0)


def fake_language(text: str) -> str:
    if any("а" <= char.lower() <= "я" for char in text):
        return "ru"
    if any(char in "ąćęłńóśźż" for char in text.lower()):
        return "pl"
    return "en"


@pytest.fixture(autouse=True)
def sentiment(monkeypatch) -> None:
    """The classifier of ``connectors.sentiment`` is another module's work; these tests pin its answers."""

    def classify_text(text: str) -> intake.Reading:
        verdict = fake_classify(text)
        return intake.Reading(verdict.label, verdict.score, fake_language(text))

    monkeypatch.setattr(intake, "classify_text", classify_text)


def make_connector(brand, kind: str = ConnectorKind.TELEGRAM, **fields: Any) -> Connector:
    defaults: dict[str, Any] = {"name": f"{brand.name} {kind}"}
    if kind == ConnectorKind.TELEGRAM:
        defaults["bot_token"] = "123456:ABC-test-token"
    elif kind == ConnectorKind.VK:
        defaults.update(access_token="vk1.a.test-token", group_id=VK_GROUP, confirmation_code="a1b2c3d4")
    return Connector.objects.create(brand=brand, kind=kind, **(defaults | fields))


def inbound_url(connector: Connector) -> str:
    return f"/connectors/{connector.kind}/{connector.key}/"


def open_chat_ticket(client, bot, capture):
    """A private Telegram chat delivered to ``bot``'s webhook: its social ticket."""
    from frontdesk.tickets.choices import Channel
    from frontdesk.tickets.models import Ticket

    with capture(execute=True):
        client.post(
            inbound_url(bot),
            json.dumps(payload("telegram_private.json")).encode(),
            content_type="application/json",
            headers={"X-Telegram-Bot-Api-Secret-Token": bot.secret},
        )
    return Ticket.objects.get(channel=Channel.SOCIAL)


def answer_a_chat(client, cast, bot, api, capture, *, status: int, description: str):
    """A private Telegram chat becomes a ticket, and line 1 answers it while the Bot API answers ``status``
    (with ``description``) to the first sendMessage; returns the reply row."""
    from frontdesk.connectors.models import SocialReply
    from frontdesk.tickets import actions as ticket_actions
    from frontdesk.tickets.content import make_body

    ticket = open_chat_ticket(client, bot, capture)
    api.queue("sendMessage", {"ok": False, "error_code": status, "description": description}, status)
    with capture(execute=True):
        ticket_actions.reply_to_ticket(
            ticket, actor=cast.actor(cast.opera.line1), body=make_body(text="Hello")
        )
    return SocialReply.objects.get()
