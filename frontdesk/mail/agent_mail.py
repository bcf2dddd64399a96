"""Mail to agents: a notice about one ticket event, and a digest of several.

The notifications app decides who is told what, in which words; this module turns that into ``OutboundMessage``
rows that the ordinary send path (``outbound.send_outbound_batch``) delivers. A notice is one row per (event,
agent address), so planning it twice sends it once. Notices and digests carry no ticket: they are not part of
the customer's mail thread (no Reply-To into the ticket, no place in its References) and are not listed among
the ticket's deliveries; the link in them leads to the desk.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.mail.outbound import insert_planned
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.models import User

LANGUAGES = ("en", "ru", "pl")


@dataclass(frozen=True)
class AgentNotice:
    """One notice: ``headline`` is already in the agent's language (``agent_language``)."""

    event: TicketEvent
    ticket: Ticket
    user: User
    language: str
    headline: str


@dataclass(frozen=True)
class DigestLine:
    """One line of a digest, already in the agent's language."""

    number: str
    subject: str
    headline: str


def agent_language(user: User, brand: Brand) -> str:
    """The agent's own language, else the brand's default, else English."""
    for language in (user.language, brand.default_language):
        if language in LANGUAGES:
            return language
    return "en"


def desk_url(path: str = "") -> str:
    """A link into the desk: the configured site address, never a request's host."""
    return f"{settings.SITE_URL.rstrip('/')}/desk/{path}"


def desk_ticket_url(number: str) -> str:
    return desk_url(f"tickets/{number}/")


def _sender() -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or "Frontdesk", address or "frontdesk@localhost"))


def _message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"agent.{secrets.token_hex(12)}@{domain}"


def _footer() -> str:
    return _("You get this mail because of your notification settings: %(url)s") % {
        "url": desk_url("notifications/settings/")
    }


def plan_agent_notices(notices: Sequence[AgentNotice]) -> list[OutboundMessage]:
    """One ``AGENT_NOTICE`` row per (event, agent address), inserted once; returns the rows (new or found)."""
    rows = []
    for notice in notices:
        if not notice.user.email:
            continue
        with translation.override(notice.language):
            text = "\n\n".join(
                [
                    notice.headline,
                    f"{notice.ticket.number}: {notice.ticket.subject}",
                    desk_ticket_url(notice.ticket.number),
                    "-- \n" + _footer(),
                ]
            )
        rows.append(
            OutboundMessage(
                brand_id=notice.ticket.brand_id,
                ticket=None,
                event=notice.event,
                kind=OutboundKind.AGENT_NOTICE,
                recipient=notice.user.email.lower(),
                from_address=_sender(),
                language=notice.language,
                subject=f"[{notice.ticket.number}] {notice.headline}"[:400],
                body_text=text + "\n",
                message_id=_message_id(),
                is_automatic=True,
            )
        )
    return insert_planned(rows)


def plan_digest(*, user: User, brand_id: int, language: str, lines: Sequence[DigestLine]) -> OutboundMessage:
    """One ``DIGEST`` row listing ``lines`` (no ticket, no event: a digest is about many)."""
    with translation.override(language):
        subject = translation.ngettext(
            "%(count)d notification from the help desk",
            "%(count)d notifications from the help desk",
            len(lines),
        ) % {"count": len(lines)}
        parts = [
            f"{line.number}: {line.subject}\n  {line.headline}\n  {desk_ticket_url(line.number)}"
            for line in lines
        ]
        text = "\n\n".join(
            [
                _("What happened since your last digest:"),
                *parts,
                _("All notifications: %(url)s") % {"url": desk_url("notifications/")},
                "-- \n" + _footer(),
            ]
        )
    outbound = OutboundMessage(
        brand_id=brand_id,
        ticket=None,
        event=None,
        kind=OutboundKind.DIGEST,
        recipient=user.email.lower(),
        from_address=_sender(),
        language=language,
        subject=subject[:400],
        body_text=text + "\n",
        message_id=_message_id(),
        is_automatic=True,
        status=OutboundStatus.PENDING,
    )
    outbound.save(force_insert=True)
    return outbound


def queue_agent_mail(outbounds: Sequence[OutboundMessage]) -> None:
    """Ring for sending the pending ones after the current transaction commits."""
    from frontdesk.mail.tasks import queue_sending

    queue_sending([o.pk for o in outbounds if o.status == OutboundStatus.PENDING])
