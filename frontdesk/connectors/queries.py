"""Scoped reads of the connectors app: the social inbox, connectors, and daily sentiment counts for reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay
from django.utils import timezone

from frontdesk.connectors.choices import ItemStatus, ReplyStatus, Sentiment
from frontdesk.connectors.models import Connector, SocialItem, SocialReply, SocialThread
from frontdesk.connectors.registry import can_answer
from frontdesk.core.errors import NotFound
from frontdesk.users.actors import Actor

# How much of a failure's text a card or a timeline shows.
SHORT_REASON_CHARS = 160


def social_items_visible_to(
    actor: Actor,
    brand: int | None = None,
    status: str | None = None,
    sentiment: str | None = None,
) -> QuerySet[SocialItem]:
    """The social inbox items of the brands the actor serves as an agent (all for provider admins), newest
    first; narrowed to one brand (by id), status and sentiment when given. Nothing for customers and others.

    An unknown status or sentiment matches nothing (no error): the caller validates its filters.
    """
    if not (actor.is_agent or actor.is_system):
        return SocialItem.objects.none()
    items = SocialItem.objects.filter(actor.brand_scope()).select_related("connector", "ticket", "replied_by")
    if brand is not None:
        items = items.filter(brand_id=brand)
    if status:
        items = items.filter(status=status) if status in ItemStatus.values else items.none()
    if sentiment:
        items = items.filter(sentiment=sentiment) if sentiment in Sentiment.values else items.none()
    return items.order_by("-posted_at", "-id")


def access_social_item(actor: Actor, item_id: int | str) -> SocialItem:
    """One inbox item the actor may see; ``NotFound`` for a missing one and another brand's alike."""
    try:
        return social_items_visible_to(actor).get(pk=int(item_id))
    except (SocialItem.DoesNotExist, ValueError, TypeError):
        raise NotFound("social item") from None


def connectors_visible_to(actor: Actor) -> QuerySet[Connector]:
    """Connectors of the brands the actor serves as an agent (all for provider admins)."""
    if not (actor.is_agent or actor.is_system):
        return Connector.objects.none()
    return Connector.objects.filter(actor.brand_scope()).select_related("brand")


def social_thread_of_ticket(ticket_id: int) -> SocialThread | None:
    """The private conversation whose messages go to this ticket now (None for tickets of other channels)."""
    return (
        SocialThread.objects.filter(ticket_id=ticket_id)
        .select_related("connector", "identity")
        .order_by("-id")
        .first()
    )


@dataclass(frozen=True)
class ReplyState:
    """Where an answer to a network stands, as the desk shows it.

    ``state``: ``queued`` (waiting for its first attempt), ``sending``, ``sent`` (``at``: when), ``retrying``
    (a failure that may pass; ``at``: the next attempt, ``reason``: the last error) or ``failed`` (given up;
    ``reason``: why)."""

    reply_id: int
    state: str
    at: dt.datetime | None
    reason: str
    # The network's name ("Telegram bot", "VK community") and the connector's own name.
    network: str
    connector_name: str


def short_reason(error: str) -> str:
    """The first line of an error, cut to what a card shows."""
    line = next((part.strip() for part in error.splitlines() if part.strip()), "")
    return line if len(line) <= SHORT_REASON_CHARS else line[: SHORT_REASON_CHARS - 1].rstrip() + "…"


def reply_state(reply: SocialReply, *, now: dt.datetime | None = None) -> ReplyState:
    """The desk's view of one reply (its connector loaded with it)."""
    now = now or timezone.now()
    status, at, reason = reply.status, None, ""
    if status == ReplyStatus.SENT:
        state, at = "sent", reply.sent_at
    elif status == ReplyStatus.FAILED:
        state, reason = "failed", short_reason(reply.error)
    elif status == ReplyStatus.SENDING:
        state = "sending"
    elif reply.attempts and reply.error:
        state, at, reason = "retrying", reply.next_attempt_at, short_reason(reply.error)
    else:
        state = "queued"
    connector = reply.connector
    return ReplyState(reply.pk, state, at, reason, str(connector.get_kind_display()), connector.name)


def latest_reply_states(item_ids: Iterable[int]) -> dict[int, ReplyState]:
    """The state of each item's latest answer (from the inbox or from the item's ticket), by item id; items
    never answered are left out. One query whatever the number of items."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    now = timezone.now()
    states: dict[int, ReplyState] = {}
    replies = (
        SocialReply.objects.filter(item_id__in=ids).select_related("connector").order_by("item_id", "-id")
    )
    for reply in replies:
        assert reply.item_id is not None
        if reply.item_id not in states:
            states[reply.item_id] = reply_state(reply, now=now)
    return states


@dataclass(frozen=True)
class AnswerRoute:
    """Where an agent's public answer on a social ticket goes: its connector, and either the private
    conversation it is answered in or the inbox item it is answered under."""

    connector: Connector
    thread: SocialThread | None
    item: SocialItem | None


def answer_route(ticket_id: int, brand_id: int) -> AnswerRoute | None:
    """The connector an answer on this ticket goes back through; None when it cannot go back (not a social
    ticket, a generic webhook's item, an item that names nothing to answer under)."""
    thread = SocialThread.objects.filter(ticket_id=ticket_id).select_related("connector").first()
    item = None
    if thread is None:
        item = (
            SocialItem.objects.filter(ticket_id=ticket_id, brand_id=brand_id)
            .select_related("connector")
            .order_by("pk")
            .first()
        )
    connector = thread.connector if thread is not None else item.connector if item is not None else None
    if connector is None or not can_answer(connector.kind):
        return None
    if item is not None and not item.reply_target:
        return None
    return AnswerRoute(connector, thread, item)


def social_reply_states(actor: Actor, ticket_id: int) -> dict[int, ReplyState]:
    """For a ticket's timeline: the state of the network reply each of the ticket's messages went out as, by
    message id (an agent's public answer on a social ticket; nothing for other messages and tickets). Empty
    for an actor who is not an agent of the ticket's brand."""
    if not (actor.is_agent or actor.is_system):
        return {}
    replies = (
        SocialReply.objects.filter(actor.brand_scope(), event__ticket_id=ticket_id)
        .select_related("connector", "event")
        .order_by("id")
    )
    now = timezone.now()
    states: dict[int, ReplyState] = {}
    for reply in replies:
        assert reply.event is not None
        message_id = (reply.event.data or {}).get("message")
        if isinstance(message_id, int):
            states[message_id] = reply_state(reply, now=now)
    return states


@dataclass(frozen=True)
class DailySentiment:
    day: dt.date
    brand_id: int
    positive: int
    neutral: int
    negative: int


def daily_sentiment_counts(
    brand_ids: Iterable[int], start: dt.datetime, end: dt.datetime, *, zone: Any = None
) -> list[DailySentiment]:
    """Social inbox items posted in [start, end), counted per day (in ``zone``, default UTC) and brand by
    sentiment; days without items are left out. Ordered by day, then brand."""
    ids = sorted(set(brand_ids))
    if not ids:
        return []
    rows = (
        SocialItem.objects.filter(brand_id__in=ids, posted_at__gte=start, posted_at__lt=end)
        .annotate(day=TruncDay("posted_at", tzinfo=zone or dt.UTC))
        .values("day", "brand_id")
        .annotate(
            positive=Count("pk", filter=Q(sentiment=Sentiment.POSITIVE)),
            neutral=Count("pk", filter=Q(sentiment=Sentiment.NEUTRAL)),
            negative=Count("pk", filter=Q(sentiment=Sentiment.NEGATIVE)),
        )
        .order_by("day", "brand_id")
    )
    return [
        DailySentiment(
            day=row["day"].date() if isinstance(row["day"], dt.datetime) else row["day"],
            brand_id=row["brand_id"],
            positive=row["positive"],
            neutral=row["neutral"],
            negative=row["negative"],
        )
        for row in rows
    ]
