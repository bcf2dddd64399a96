"""Writes of the connectors app: answers to the social inbox, tickets from it, replies queued for social
tickets, and a connector's receive mode (Telegram webhook or polling)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.connectors import intake
from frontdesk.connectors.base import SendError
from frontdesk.connectors.choices import ConnectorKind, ItemStatus, ReceiveMode, ReplyStatus
from frontdesk.connectors.models import Connector, SocialItem, SocialReply
from frontdesk.connectors.queries import answer_route
from frontdesk.connectors.registry import can_answer
from frontdesk.connectors.sending import record_connector_error
from frontdesk.connectors.service_level import ensure_social_service_level
from frontdesk.connectors.telegram import client as telegram
from frontdesk.core.errors import InvalidInput, InvalidTransition, require
from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets.choices import EventKind, MessageKind
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.actors import Actor
from frontdesk.users.permissions import can_configure_brand

# Telegram takes 4,096 characters per message, VK comments about as many.
MAX_REPLY_CHARS = 4000


def _ring(reply: SocialReply) -> None:
    from frontdesk.connectors.tasks import deliver_social_reply

    enqueue_on_commit(deliver_social_reply, reply.pk)


def _clean_reply(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write the answer first."), field="text")
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidInput(
            _("An answer has at most %(limit)d characters.") % {"limit": MAX_REPLY_CHARS}, field="text"
        )
    return text


def _lock_item(item: SocialItem, actor: Actor) -> SocialItem:
    require(actor.serves(item.brand_id))
    return (
        SocialItem.objects.select_for_update().select_related("connector", "connector__brand").get(pk=item.pk)
    )


@transaction.atomic
def reply_to_social_item(item: SocialItem, *, actor: Actor, text: str) -> SocialReply:
    """Answer an inbox item publicly through its network (a reply in the Telegram chat, a VK comment).

    One answer per item: asked again, the queued or sent one is returned as it is; one that failed is
    queued again with the new text."""
    item = _lock_item(item, actor)
    if not can_answer(item.connector.kind) or not item.reply_target:
        raise InvalidInput(_("Answers to this item cannot be sent from the desk."), field="text")
    text = _clean_reply(text)
    now = timezone.now()
    reply = SocialReply.objects.filter(item=item).first()
    if reply is not None and reply.status != ReplyStatus.FAILED:
        return reply
    if reply is None:
        reply = SocialReply.objects.create(
            brand_id=item.brand_id, connector_id=item.connector_id, item=item, text=text
        )
    else:
        reply.text, reply.status, reply.attempts, reply.next_attempt_at, reply.error = (
            text,
            ReplyStatus.PENDING,
            0,
            now,
            "",
        )
        reply.save(update_fields=["text", "status", "attempts", "next_attempt_at", "error"])
    item.reply_text, item.replied_at, item.replied_by_id, item.updated_at = text, now, actor.user_id, now
    fields = ["reply_text", "replied_at", "replied_by", "updated_at"]
    if item.status != ItemStatus.TICKETED:
        item.status = ItemStatus.ANSWERED
        fields.append("status")
    item.save(update_fields=fields)
    _ring(reply)
    return reply


@transaction.atomic
def dismiss_social_item(item: SocialItem, *, actor: Actor) -> SocialItem:
    """Set an item aside without answering it (again: nothing changes). A ticketed item stays with its ticket."""
    item = _lock_item(item, actor)
    if item.status == ItemStatus.DISMISSED:
        return item
    if item.status == ItemStatus.TICKETED:
        raise InvalidTransition(_("This item has a ticket; work on it there."), field="status")
    item.status, item.updated_at = ItemStatus.DISMISSED, timezone.now()
    item.save(update_fields=["status", "updated_at"])
    return item


@transaction.atomic
def make_ticket_from_item(item: SocialItem, *, actor: Actor) -> Ticket:
    """A ticket about an inbox item, opened by an agent; the item's ticket if it has one already."""
    item = _lock_item(item, actor)
    if item.ticket_id is not None:
        return Ticket.objects.get(pk=item.ticket_id)
    return intake.open_ticket_for_item(item, actor=actor)


def queue_ticket_reply(event: TicketEvent) -> SocialReply | None:
    """For an answer on a social ticket (a ``replied`` event, not a note): its reply to the network, queued
    once per event however often this runs. A private conversation's ticket is answered in the conversation;
    the ticket of a mention or comment, publicly under it (its inbox item then shows the answer)."""
    if event.kind != EventKind.REPLIED:
        return None
    route = answer_route(event.ticket_id, event.brand_id)
    if route is None:
        return None
    connector, thread, item = route.connector, route.thread, route.item
    message_id = (event.data or {}).get("message")
    if not isinstance(message_id, int):
        return None
    message = Message.objects.filter(pk=message_id, ticket_id=event.ticket_id, kind=MessageKind.REPLY).first()
    if message is None or not message.body_text.strip():
        return None
    if SocialReply.objects.filter(event=event).exists():
        return None
    try:
        with transaction.atomic():
            reply = SocialReply.objects.create(
                brand_id=event.brand_id,
                connector=connector,
                event=event,
                thread=thread,
                item=item,
                text=message.body_text,
            )
            if item is not None:
                now = timezone.now()
                SocialItem.objects.filter(pk=item.pk).update(
                    reply_text=message.body_text, replied_at=now, replied_by_id=event.actor_id, updated_at=now
                )
            _ring(reply)
    except IntegrityError:
        return None  # another worker queued it
    return reply


def resend_replies(reply_ids: list[int]) -> int:
    """Queue failed replies anew (from the admin); returns how many."""
    with transaction.atomic():
        replies = list(
            SocialReply.objects.select_for_update().filter(pk__in=reply_ids, status=ReplyStatus.FAILED)
        )
        for reply in replies:
            reply.status, reply.attempts, reply.next_attempt_at, reply.error = (
                ReplyStatus.PENDING,
                0,
                timezone.now(),
                "",
            )
            reply.save(update_fields=["status", "attempts", "next_attempt_at", "error"])
            _ring(reply)
    return len(replies)


def webhook_url(connector: Connector) -> str:
    """The address to give the network: our site's URL and the connector's unguessable key."""
    path = reverse("connectors:inbound", kwargs={"kind": connector.kind, "key": connector.key})
    return str(settings.SITE_URL).rstrip("/") + path


def is_public_https(url: str) -> bool:
    """Whether a network can call ``url``: HTTPS at a public name or address (not localhost, a bare host
    name, or a private, loopback or link-local address)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith((".localhost", ".local", ".internal", ".lan"))
    return address.is_global


def prepare_connector(connector: Connector, *, actor: Actor) -> None:
    """What a saved connector needs around it: the brand's one-business-day policy for negative mentions."""
    require(can_configure_brand(actor, connector.brand_id))
    ensure_social_service_level(connector.brand)


def set_receive_mode(connector: Connector, *, actor: Actor, mode: str) -> Connector:
    """Telegram: register our webhook URL with the bot (and its secret token), or remove it for polling.

    The network's refusal is kept as the connector's last error and raised as ``InvalidInput``."""
    require(can_configure_brand(actor, connector.brand_id))
    if connector.kind != ConnectorKind.TELEGRAM:
        raise InvalidInput(_("Only Telegram bots can switch between webhook and polling."), field="mode")
    if mode not in ReceiveMode.values:
        raise InvalidInput(_("Choose webhook or polling."), field="mode")
    if not connector.bot_token:
        raise InvalidInput(_("A Telegram bot needs its token."), field="bot_token")
    url = webhook_url(connector)
    if mode == ReceiveMode.WEBHOOK and not is_public_https(url):
        raise InvalidInput(
            _(
                "Telegram calls a webhook only at a public HTTPS address, and ours is %(url)s. Set "
                "FRONTDESK_URL to the site's public https:// address, or choose polling (Telegram: remove the "
                "webhook and poll), the choice for a local install."
            )
            % {"url": url},
            field="mode",
        )
    try:
        if mode == ReceiveMode.WEBHOOK:
            telegram.set_webhook(connector, url)
        else:
            telegram.delete_webhook(connector)
    except SendError as failure:
        record_connector_error(connector.pk, str(failure))
        if failure.unreachable:
            detail = _(
                "Could not reach %(host)s: %(reason)s. Check the server's connection and try again."
            ) % {
                "host": failure.unreachable,
                "reason": failure.reason,
            }
        else:
            detail = _("Telegram refused it: %(error)s") % {"error": failure}
        raise InvalidInput(detail, field="bot_token") from None
    Connector.objects.filter(pk=connector.pk).update(
        mode=mode, last_error="", last_error_at=None, updated_at=timezone.now()
    )
    connector.mode, connector.last_error, connector.last_error_at = mode, "", None
    return connector
