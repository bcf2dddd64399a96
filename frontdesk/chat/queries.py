"""Scoped reads of the live chat: agents see the sessions of the brands they serve, nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.chat.choices import SessionState
from frontdesk.chat.errors import ChatLive
from frontdesk.chat.frames import file_link
from frontdesk.chat.models import AgentPresence, ChatMessage, ChatSession, ChatSettings
from frontdesk.core.errors import NotFound
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import Actor
from frontdesk.users.models import AgentMembership

# An agent counts as online this long after their chat panel's socket last touched their presence row (the
# socket touches it every ``PRESENCE_EVERY`` seconds while it is open).
ONLINE_SECONDS = 60
PRESENCE_EVERY = 20


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _with_parts(qs: QuerySet[ChatSession]) -> QuerySet[ChatSession]:
    return qs.select_related("brand", "customer", "ticket", "agent")


def sessions_visible_to(actor: Actor) -> QuerySet[ChatSession]:
    """Every session of the brands the agent serves (all brands for provider admins); none for others."""
    if not actor.is_agent and not actor.is_system:
        return ChatSession.objects.none()
    return _with_parts(ChatSession.objects.filter(actor.brand_scope()))


def access_session(actor: Actor, session_id: int | str) -> ChatSession:
    """A session the agent may see; ``NotFound`` for missing, malformed and other brands' sessions alike."""
    try:
        return sessions_visible_to(actor).get(pk=int(session_id))
    except (ChatSession.DoesNotExist, TypeError, ValueError):
        raise NotFound("chat") from None


def _line_scope(actor: Actor) -> Q:
    """Waiting sessions an agent may take: those of their brands for their support line or a lower one."""
    if actor.sees_all_brands:
        return Q()
    scope = Q(pk__in=[])
    for brand_id, line in sorted(actor.agent_lines.items()):
        scope |= Q(brand_id=brand_id, line__lte=line)
    return scope


def waiting_sessions_for(actor: Actor) -> QuerySet[ChatSession]:
    """The chats waiting in the queues of the agent's brands and lines, longest waiting first."""
    return (
        sessions_visible_to(actor)
        .filter(_line_scope(actor), state=SessionState.WAITING)
        .order_by("waiting_since", "id")
    )


# What ``frames.session_frame`` reads of a session and its parts.
_FRAME_FIELDS = (
    "id",
    "brand_id",
    "visitor_name",
    "page_url",
    "language",
    "waiting_since",
    "state",
    "line",
    "last_seq",
    "brand__slug",
    "brand__name",
    "customer__name",
    "customer__email",
    "ticket__number",
    "agent__name",
    "agent__email",
)


def waiting_by_line(brand_ids: list[int], per_line: int) -> QuerySet[ChatSession]:
    """The ``per_line`` longest-waiting chats of each support line of each brand (not scoped: for the queue
    pushes, which each agent's socket filters by the brands and lines it serves)."""
    ranked = (
        ChatSession.objects.filter(brand_id__in=brand_ids, state=SessionState.WAITING)
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("brand_id"), F("line")], order_by=[F("waiting_since"), F("id")]
            )
        )
        .filter(place__lte=per_line)
    )
    return (
        ranked.select_related("brand", "customer", "ticket", "agent")
        .only(*_FRAME_FIELDS)
        .order_by("waiting_since", "id")
    )


def active_sessions_for(actor: Actor) -> QuerySet[ChatSession]:
    """The agent's own active chats, oldest first."""
    if actor.user_id is None:
        return ChatSession.objects.none()
    return (
        sessions_visible_to(actor)
        .filter(state=SessionState.ACTIVE, agent_id=actor.user_id)
        .order_by("accepted_at", "id")
    )


def transcript(session: ChatSession, after_seq: int = 0) -> QuerySet[ChatMessage]:
    """The session's messages after ``after_seq``, in order (the caller has access to the session)."""
    return ChatMessage.objects.filter(session_id=session.pk, seq__gt=max(0, int(after_seq))).order_by("seq")


def online_for_brand(brand: Brand | int) -> bool:
    """Whether an agent of the brand has the chat panel open (in any process) within ``ONLINE_SECONDS``."""
    brand_id = brand if isinstance(brand, int) else brand.pk
    cutoff = timezone.now() - timedelta(seconds=ONLINE_SECONDS)
    agents = AgentMembership.objects.filter(brand_id=brand_id).values("user_id")
    return AgentPresence.objects.filter(last_seen_at__gte=cutoff, user_id__in=agents).exists()


def chat_settings_for(brand: Brand | int) -> ChatSettings | None:
    """The brand's chat settings, None when it has none."""
    brand_id = brand if isinstance(brand, int) else brand.pk
    return ChatSettings.objects.filter(brand_id=brand_id).select_related("brand").first()


def enabled_chat_for_slug(slug: str) -> ChatSettings | None:
    """The chat settings of an active brand with the chat turned on, by the brand's slug."""
    return (
        ChatSettings.objects.filter(brand__slug=slug, brand__is_active=True, is_enabled=True)
        .select_related("brand")
        .first()
    )


def session_for_token(brand: Brand | int, token: str) -> ChatSession | None:
    """The brand's session of this visitor token, if any."""
    if not token or len(token) > 200:
        return None
    brand_id = brand if isinstance(brand, int) else brand.pk
    return _with_parts(ChatSession.objects.filter(brand_id=brand_id, token_hash=hash_token(token))).first()


def message_by_id(message_id: int) -> ChatMessage | None:
    """A message by id, for a signed attachment link (the signature is the access check)."""
    return ChatMessage.objects.filter(pk=message_id).select_related("session").first()


def attachment_url(message: ChatMessage) -> str | None:
    """The absolute, signed download link of the message's file (as the sockets send it: valid for 30 days),
    or None for a message without a file. For the desk's panel, to link files of earlier messages."""
    return file_link(message) if message.attachment_name else None


def refuse_mail_during_chat(ticket: Ticket) -> None:
    """An agent's reply written outside the chat (the desk's reply box, the API) goes by mail; while the
    ticket's chat is going on (waiting or active) the customer is in the chat window, so it is refused with
    ``ChatLive`` instead of mailing someone who is waiting for an answer on the page. One query, for chat
    tickets only."""
    if ticket.channel != Channel.CHAT:
        return
    if ChatSession.objects.filter(ticket_id=ticket.pk).exclude(state=SessionState.ENDED).exists():
        raise ChatLive(
            _(
                "This ticket's chat is going on: answer the customer in the chat panel. A reply from here goes by mail once the chat has ended."
            )
        )


@dataclass(frozen=True)
class ChatCounts:
    """A brand's live chats opened in a period: how many, accepted by an agent, ended while still waiting
    (missed), and the median wait from the visitor's first message to the (last) accept, in seconds."""

    brand_id: int
    started: int = 0
    accepted: int = 0
    missed: int = 0
    median_wait: float | None = None


def chat_counts(
    brand_ids: Iterable[int], periods: Sequence[tuple[dt.datetime, dt.datetime]]
) -> list[list[ChatCounts]]:
    """For each period [start, end): the chats opened in it per brand (brands without any left out), all in one
    query; the rows' two times are read to take the median wait in Python (the same on SQLite and
    PostgreSQL)."""
    ids = sorted(set(brand_ids))
    if not ids or not periods:
        return [[] for _period in periods]
    rows = ChatSession.objects.filter(
        brand_id__in=ids,
        created_at__gte=min(start for start, _end in periods),
        created_at__lt=max(end for _start, end in periods),
    ).values_list("brand_id", "state", "created_at", "accepted_at")
    found: list[dict[int, dict[str, Any]]] = [{} for _period in periods]
    for brand_id, state, created_at, accepted_at in rows:
        for (start, end), per_brand in zip(periods, found, strict=True):
            if not start <= created_at < end:
                continue
            counts = per_brand.setdefault(brand_id, {"started": 0, "accepted": 0, "missed": 0, "waits": []})
            counts["started"] += 1
            if accepted_at is not None:
                counts["accepted"] += 1
                counts["waits"].append(max(0.0, (accepted_at - created_at).total_seconds()))
            elif state == SessionState.ENDED:
                counts["missed"] += 1
    return [
        [
            ChatCounts(
                brand_id,
                counts["started"],
                counts["accepted"],
                counts["missed"],
                statistics.median(counts["waits"]) if counts["waits"] else None,
            )
            for brand_id, counts in sorted(per_brand.items())
        ]
        for per_brand in found
    ]
