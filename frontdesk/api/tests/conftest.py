from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from frontdesk.users.actions import create_api_token

BASE = "/api/v1"


@dataclass
class Response:
    status: int
    headers: Any
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def error_fields(self) -> list[str]:
        return [e["field"] for e in self.body.get("errors", [])]


@dataclass
class Api:
    """Calls the API through the whole Django stack with a user's bearer token (or none)."""

    client: Client = field(default_factory=Client)
    tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user: Any) -> str:
        if user.pk not in self.tokens:
            _token, raw = create_api_token(user, name="tests")
            self.tokens[user.pk] = raw
        return self.tokens[user.pk]

    def call(
        self,
        method: str,
        path: str,
        user: Any = None,
        *,
        json_body: Any = None,
        data: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw_body: bytes | str | None = None,
        content_type: str = "application/json",
    ) -> Response:
        extra: dict[str, str] = {}
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token(user)}"
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        url = path if path.startswith("/") and path.startswith(BASE) else BASE + path
        handler = getattr(self.client, method.lower())
        if method.upper() == "GET":
            response = handler(url, params or {}, **extra)
        elif data is not None:
            response = handler(url, data, **extra)
        elif raw_body is not None:
            response = handler(url, raw_body, content_type=content_type, **extra)
        else:
            body = json.dumps(json_body) if json_body is not None else ""
            response = handler(url, body, content_type=content_type, **extra)
        raw = response.getvalue() if getattr(response, "streaming", False) else response.content
        return Response(response.status_code, response.headers, raw)

    def get(self, path: str, user: Any = None, **kw: Any) -> Response:
        return self.call("GET", path, user, **kw)

    def post(self, path: str, user: Any = None, body: Any = None, **kw: Any) -> Response:
        return self.call("POST", path, user, json_body=body, **kw)

    def patch(self, path: str, user: Any = None, body: Any = None, **kw: Any) -> Response:
        return self.call("PATCH", path, user, json_body=body, **kw)


@pytest.fixture
def api(db) -> Api:
    return Api()


def assert_problem(response: Response, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """A problem+json answer with this status and code (and, if given, naming this field)."""
    assert response.status == status, (response.status, response.raw[:2000])
    assert response.content_type.startswith("application/problem+json"), response.content_type
    body = response.body
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])] + [body.get("field")]
        assert field in fields, body
    return body


@dataclass
class World:
    """The cast plus an opera ticket with a history: a reply with an attachment, an internal note, an
    escalation to line 2, and an opera team and category."""

    cast: Any
    ticket: Any
    reply: Any
    attachment: Any
    note: Any
    team: Any
    category: Any

    @property
    def number(self) -> str:
        return self.ticket.number


PDF = b"%PDF-1.4\n% seats for row 7\n"


@pytest.fixture
def world(cast) -> World:
    from frontdesk.tickets import actions
    from frontdesk.tickets.categories import create_category
    from frontdesk.tickets.content import AttachmentIn, make_body
    from frontdesk.tickets.escalation import WorkLog
    from frontdesk.users.actions import create_team
    from frontdesk.users.actors import SYSTEM, actor_for

    opera = cast.opera
    team = create_team(actor=SYSTEM, name="Opera Box Office Desk", brand=opera.brand, line=1)
    category = create_category(opera.brand, actor=SYSTEM, name="Refunds at the opera")
    ticket = opera.ticket("E-tickets for Tosca never arrived")
    agent = actor_for(opera.line1)
    reply = actions.reply_to_ticket(
        ticket,
        actor=agent,
        body=make_body(text="We resent your seats."),
        attachments=[AttachmentIn("seats.pdf", "application/pdf", PDF)],
    )
    note = actions.add_note(
        ticket, actor=agent, body=make_body(text="Internal: the mail server bounced twice.")
    )
    actions.escalate_ticket(
        ticket, actor=agent, worklog=WorkLog("mail bounced", "resent twice", "check the relay")
    )
    ticket.refresh_from_db()
    return World(cast, ticket, reply, reply.attachments.get(), note, team, category)
