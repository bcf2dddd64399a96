"""What a delivery's body carries: the brand's ticket and public messages, never internal texts."""

from __future__ import annotations

import json

from frontdesk.tickets.actions import add_note, reply_to_ticket
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog, escalate_ticket
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.actors import actor_for
from frontdesk.webhooks.actions import queue_delivery, send_test_ping
from frontdesk.webhooks.tests.conftest import make_endpoint


def _body(cast, event) -> dict:
    endpoint = make_endpoint(cast.opera.brand, "https://crm.opera.example/hooks")
    delivery = queue_delivery(endpoint.pk, event)
    assert delivery is not None
    return json.loads(delivery.body)


def test_an_internal_note_is_announced_without_its_text(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    add_note(ticket, actor=agent, body=make_body(text="Customer is a known fraudster, be careful"))
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE_ADDED)

    body = _body(cast, event)

    assert body["kind"] == "note_added"
    assert body["message"]["kind"] == "note"
    assert "text" not in body["message"]
    assert "fraudster" not in json.dumps(body)


def test_a_reply_carries_its_text(cast):
    ticket = cast.opera.ticket()
    reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Your tickets are resent.")
    )
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLIED)

    body = _body(cast, event)

    assert body["message"]["text"] == "Your tickets are resent."
    assert body["actor"]["kind"] == "agent"


def test_an_escalation_keeps_its_work_log_inside(cast):
    ticket = cast.opera.ticket()
    escalate_ticket(
        ticket,
        actor=actor_for(cast.opera.line1),
        worklog=WorkLog(diagnosis="Payment gateway bug", steps_taken="Checked the logs", request="Fix it"),
        to_line=2,
    )
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)

    body = _body(cast, event)

    assert body["ticket"]["line"] == 2
    text = json.dumps(body)
    assert "Payment gateway bug" not in text
    assert "Checked the logs" not in text


def test_the_body_names_the_brand_and_no_agent_address(cast):
    ticket = cast.opera.ticket()
    reply_to_ticket(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Hi"))
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLIED)

    body = _body(cast, event)

    assert body["brand"] == "opera"
    assert cast.opera.line1.email not in json.dumps(body)


def test_a_ping_has_no_ticket(cast):
    endpoint = make_endpoint(cast.opera.brand, "https://crm.opera.example/hooks")

    delivery = send_test_ping(endpoint)

    body = json.loads(delivery.body)
    assert body == {
        "delivery": delivery.pk,
        "brand": "opera",
        "event": None,
        "kind": "ping",
        "at": body["at"],
        "ticket": None,
        "data": {},
    }
