"""Mail to agents: a notice per (event, agent) in the agent's language with a link to the desk, and a digest
with neither ticket nor event; both go through the ordinary send path."""

from __future__ import annotations

import pytest
from django.core import mail

from frontdesk.mail.agent_mail import (
    AgentNotice,
    DigestLine,
    agent_language,
    plan_agent_notices,
    plan_digest,
    queue_agent_mail,
)
from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.mail.outbound import send_outbound, send_outbound_batch
from frontdesk.mail.queries import outbound_for_ticket
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def notice(cast, ticket, user, headline="Assigned to you"):
    event = TicketEvent.objects.filter(ticket=ticket).first()
    return AgentNotice(event=event, ticket=ticket, user=user, language="en", headline=headline)


def test_a_notice_links_to_the_desk_and_is_sent_without_a_ticket_header(cast, settings):
    settings.SITE_URL = "https://desk.example/"
    ticket = cast.opera.ticket()
    [outbound] = plan_agent_notices([notice(cast, ticket, cast.opera.line1)])
    assert outbound.kind == OutboundKind.AGENT_NOTICE
    assert outbound.ticket_id is None
    assert outbound.recipient == cast.opera.line1.email
    assert send_outbound(outbound.pk) == OutboundStatus.SENT
    [sent] = mail.outbox
    assert sent.to == [cast.opera.line1.email]
    assert sent.subject == f"[{ticket.number}] Assigned to you"
    assert f"https://desk.example/desk/tickets/{ticket.number}/" in sent.body
    assert "X-Frontdesk-Ticket" not in sent.extra_headers
    assert sent.reply_to == []
    assert sent.extra_headers["Auto-Submitted"]


def test_planning_a_notice_twice_keeps_one_mail(cast):
    ticket = cast.opera.ticket()
    first = plan_agent_notices(
        [notice(cast, ticket, cast.opera.line1), notice(cast, ticket, cast.opera.line2)]
    )
    again = plan_agent_notices([notice(cast, ticket, cast.opera.line1)])
    assert again[0].pk == first[0].pk
    assert OutboundMessage.objects.filter(kind=OutboundKind.AGENT_NOTICE).count() == 2


def test_a_notice_is_not_among_the_ticket_s_deliveries_nor_in_its_mail_thread(cast):
    ticket = cast.opera.ticket()
    plan_agent_notices([notice(cast, ticket, cast.opera.line1)])
    assert all(
        o.kind != OutboundKind.AGENT_NOTICE for o in outbound_for_ticket(actor_for(cast.opera.line1), ticket)
    )


def test_the_agent_s_language_else_the_brand_s(cast):
    cast.opera.line1.language = "pl"
    assert agent_language(cast.opera.line1, cast.opera.brand) == "pl"
    cast.opera.line2.language = ""
    assert agent_language(cast.opera.line2, cast.opera.brand) == "ru"


def test_a_digest_has_no_ticket_and_goes_out_with_other_mail_in_one_batch(cast):
    ticket = cast.opera.ticket()
    digest = plan_digest(
        user=cast.opera.line1,
        brand_id=cast.opera.brand.pk,
        language="ru",
        lines=[DigestLine(number=ticket.number, subject=ticket.subject, headline="Новая заявка")],
    )
    [other] = plan_agent_notices([notice(cast, ticket, cast.opera.line2)])
    assert digest.ticket_id is None
    assert digest.event_id is None
    assert digest.kind == OutboundKind.DIGEST
    results = send_outbound_batch([digest.pk, other.pk])
    assert results == {digest.pk: OutboundStatus.SENT, other.pk: OutboundStatus.SENT}
    sent = {m.to[0]: m for m in mail.outbox}
    body = sent[cast.opera.line1.email].body
    assert ticket.number in body
    assert "Новая заявка" in body
    assert "уведомлен" in sent[cast.opera.line1.email].subject


def test_queued_agent_mail_is_sent_after_commit(cast, django_capture_on_commit_callbacks):
    ticket = cast.opera.ticket()
    with django_capture_on_commit_callbacks(execute=True):
        queue_agent_mail(plan_agent_notices([notice(cast, ticket, cast.opera.line1)]))
    assert [m.to for m in mail.outbox] == [[cast.opera.line1.email]]
