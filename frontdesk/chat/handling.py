"""The database side of the chat sockets: each function runs one frame's work in a worker thread (the sockets
call them through ``database_sync_to_async``) and returns what to send, as plain data.

Only ids, checked again here, come in from the sockets; every read goes through ``chat.queries`` and every
write through ``chat.actions``.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from frontdesk.chat import actions
from frontdesk.chat.choices import NO_SESSION, Sender, SessionState
from frontdesk.chat.errors import TooLarge
from frontdesk.chat.frames import agent_name, brand_frame, message_frame, session_frame, site_url
from frontdesk.chat.models import ChatSession, ChatSettings
from frontdesk.chat.queries import (
    access_session,
    active_sessions_for,
    enabled_chat_for_slug,
    online_for_brand,
    session_for_token,
    transcript,
    waiting_by_line,
    waiting_sessions_for,
)
from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.kb.suggest import suggest_articles
from frontdesk.kb.urls_public import article_url
from frontdesk.tickets.content import AttachmentIn
from frontdesk.users.actors import SYSTEM, Actor, actor_for
from frontdesk.users.queries import access_agent, brands_visible_to

# A token the widget may keep: what ``actions.new_token`` makes (URL-safe base64), within reason.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
SUGGESTIONS = 3
MAX_QUERY = 500


def chat_for_slug(slug: str) -> ChatSettings | None:
    return enabled_chat_for_slug(slug)


def usable_token(token: object) -> str | None:
    return token if isinstance(token, str) and _TOKEN.match(token) else None


def clean_language(language: object, chat: ChatSettings) -> str:
    """The visitor's language if the brand offers it (and we speak it), else the brand's own."""
    value = language.split("-")[0].lower() if isinstance(language, str) else ""
    offered = chat.brand.languages if isinstance(chat.brand.languages, list) else []
    if value in actions.LANGUAGES and (not offered or value in offered):
        return value
    return chat.brand.default_language


# --- Visitor --------------------------------------------------------------------------------------------


def session_id_for(chat: ChatSettings, token: str | None) -> int | None:
    session = session_for_token(chat.brand_id, token) if token else None
    return session.pk if session is not None else None


def visitor_replay(session_id: int, after_seq: int) -> list[dict[str, Any]]:
    """The messages after ``after_seq`` of the visitor's own session (the socket holds its token)."""
    return [message_frame(m) for m in transcript(ChatSession(pk=session_id), after_seq=after_seq)]


@dataclass
class Welcome:
    token: str
    session_id: int | None
    frame: dict[str, Any]
    replay: list[dict[str, Any]] = field(default_factory=list)


def welcome(chat: ChatSettings, *, token: str | None, last_seq: int, language: str) -> Welcome:
    """The answer to a visitor's ``hello``: their session (resumed by the token) and what they missed."""
    session = session_for_token(chat.brand_id, token) if token else None
    token = token or actions.new_token()
    state, agent, replay = NO_SESSION, None, []
    if session is not None:
        state, agent = session.state, agent_name(session)
        replay = [message_frame(m) for m in transcript(session, after_seq=last_seq)]
    frame = {
        "type": "welcome",
        "token": token,
        "session": state,
        "online": online_for_brand(chat.brand_id),
        "brand": brand_frame(chat, language),
        "agent": agent,
    }
    return Welcome(token, session.pk if session is not None else None, frame, replay)


@dataclass
class Outcome:
    """What a write sends: an ``ack`` to the writer, frames to the session's group, news for the queue."""

    session_id: int | None = None
    ack: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    status: dict[str, Any] | None = None
    queue_brand_id: int | None = None
    # With ``queue_brand_id``: the session's entry in the brand's queue when it waits now, None when it left it.
    queue_entry: dict[str, Any] | None = None
    new_session: bool = False
    ended: bool = False
    join_agent: int | None = None
    leave_agent: int | None = None


def decode_file(frame: dict[str, Any], chat: ChatSettings) -> AttachmentIn:
    """The ``attachment`` frame's file: a name, a type and base64 data within the brand's size limit."""
    data = frame.get("data")
    name = frame.get("name")
    if not isinstance(data, str) or not isinstance(name, str) or not name.strip():
        raise InvalidInput(_("A file needs a name and its data in base64."), field="data")
    if len(data) > (chat.max_attachment_bytes + 2) // 3 * 4 + 4:
        raise TooLarge(_("A file may have at most %(limit)d bytes.") % {"limit": chat.max_attachment_bytes})
    try:
        raw = base64.b64decode(data.split(",", 1)[-1] if data.startswith("data:") else data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("The file's data is not base64."), field="data") from None
    content_type = frame.get("content_type")
    return AttachmentIn(name.strip()[:200], content_type if isinstance(content_type, str) else "", raw)


def visitor_name(frame: dict[str, Any]) -> str:
    """The name the visitor gives with their first frame: ``visitor_name``; a ``message`` may give it as
    ``name`` too (older widgets), an ``attachment`` never, since its ``name`` is the file's."""
    value = frame.get("visitor_name")
    if value is None and frame.get("type") == "message":
        value = frame.get("name")
    return value if isinstance(value, str) else ""


def visitor_posts(
    chat: ChatSettings,
    *,
    session_id: int | None,
    token: str,
    frame: dict[str, Any],
    page: str,
    language: str,
) -> Outcome:
    """A visitor's ``message`` or ``attachment``: the first opens the session and its ticket."""
    client_id = frame.get("client_id")
    attachment = decode_file(frame, chat) if frame.get("type") == "attachment" else None
    text = "" if attachment is not None else frame.get("text")
    if isinstance(text, str) and len(text) > actions.MAX_TEXT:
        raise TooLarge(_("A message has at most %(limit)d characters.") % {"limit": actions.MAX_TEXT})
    with translation.override(language):
        if session_id is None:
            posted = actions.start_session(
                chat,
                token=token,
                client_id=client_id,  # type: ignore[arg-type]  # checked by the action
                text=text,  # type: ignore[arg-type]
                attachment=attachment,
                name=visitor_name(frame),
                email=str(frame.get("email") or ""),
                page=page,
                language=language,
            )
        else:
            posted = actions.post_visitor_message(
                ChatSession(pk=session_id, brand_id=chat.brand_id),
                client_id=client_id,  # type: ignore[arg-type]
                text=text,  # type: ignore[arg-type]
                attachment=attachment,
            )
    message = posted.message
    outcome = Outcome(session_id=message.session_id, ack={"type": "ack", "client_id": message.client_id})
    outcome.ack["seq"] = message.seq  # type: ignore[index]
    if posted.created:
        outcome.message = message_frame(message)
        outcome.new_session = session_id is None and message.seq == 1
        if outcome.new_session:
            outcome.queue_brand_id = chat.brand_id
            outcome.queue_entry = session_frame(message.session)  # with its parts, as the action made them
            outcome.status = {"state": SessionState.WAITING, "agent": None}
    return outcome


def visitor_ends(session_id: int) -> Outcome:
    session = ChatSession.objects.get(pk=session_id)
    session, ended = actions.end_session(session, by=Sender.VISITOR)
    outcome = Outcome(session_id=session.pk, ended=True, queue_brand_id=session.brand_id)
    if ended:
        last = transcript(session, after_seq=session.last_seq - 1).first()
        outcome.message = message_frame(last) if last is not None else None
        outcome.status = {"state": SessionState.ENDED, "agent": agent_name(session)}
    return outcome


def suggestions(chat: ChatSettings, *, text: object, language: str) -> dict[str, Any]:
    query = " ".join(text.split())[:MAX_QUERY] if isinstance(text, str) else ""
    found = suggest_articles(brand_id=chat.brand_id, language=language, text=query, limit=SUGGESTIONS)
    articles = [
        {"title": s.title, "url": site_url() + article_url(chat.brand, s.public_id)}
        for s in found
        if s.confident
    ]
    return {"type": "suggestions", "articles": articles}


def offline(chat: ChatSettings, *, frame: dict[str, Any], language: str, page: str) -> dict[str, Any]:
    with translation.override(language):
        ticket = actions.send_offline_message(
            chat,
            name=str(frame.get("name") or ""),
            email=str(frame.get("email") or ""),
            text=frame.get("text"),  # type: ignore[arg-type]  # checked by the action
            language=language,
            page=page,
        )
    return {"type": "offline_received", "number": ticket.number}


# --- Agent ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentPlan:
    user_id: int
    actor: Actor
    brand_ids: list[int]
    # The agent's own language (their profile), or "" to follow their browser's.
    language: str = ""


def agent_plan(user: Any) -> AgentPlan | None:
    """The agent behind a desk socket and the brands whose chat queues they hear; None for anyone else."""
    if user is None or not user.is_authenticated:
        return None
    actor = actor_for(user)
    if not actor.is_agent or actor.user_id is None:
        return None
    if actor.sees_all_brands:
        brand_ids = sorted(brands_visible_to(actor).values_list("id", flat=True))
    else:
        brand_ids = sorted(actor.agent_brand_ids)
    language = getattr(user, "language", "") or ""
    return AgentPlan(actor.user_id, actor, brand_ids, language if language in actions.LANGUAGES else "")


def ui_language(profile: str, *, cookie: str | None, accept: str | None) -> str:
    """The language of an agent's desk as the desk picks it for a page: their profile's, else the language
    cookie's, else the browser's ``Accept-Language``, else the site's default."""
    if profile:
        return profile
    if cookie and cookie in actions.LANGUAGES:
        return cookie
    for code, _quality in parse_accept_lang_header(accept or ""):
        language = code.split("-")[0].lower()
        if language in actions.LANGUAGES:
            return language
    return str(settings.LANGUAGE_CODE)


# An agent's socket reads this many of the longest-waiting chats of each line of its brands (when it opens,
# and again now and then: the pushes keep it current in between); its ``queue`` frame lists at most
# ``QUEUE_LIMIT`` of those it may take.
QUEUE_PER_LINE = 500
QUEUE_LIMIT = 500


@dataclass
class WaitingLists:
    """The waiting chats of some brands (brand id → frames, longest waiting first), as read at ``read_at``
    (the reader's clock when the read began: a later read knows of every change an earlier one knew of)."""

    read_at: float
    by_brand: dict[int, list[dict[str, Any]]]


def waiting_lists(brand_ids: list[int]) -> WaitingLists:
    read_at = time.time()
    lists: dict[int, list[dict[str, Any]]] = {brand_id: [] for brand_id in brand_ids}
    for session in waiting_by_line(brand_ids, QUEUE_PER_LINE):
        lists[session.brand_id].append(session_frame(session))
    return WaitingLists(read_at, lists)


def may_take(actor: Actor, entry: dict[str, Any]) -> bool:
    """Whether a pushed waiting chat is one the agent may accept (their brand, their line or a lower one)."""
    brand_id = entry["brand"]["id"]
    return actor.serves(brand_id) and (actor.sees_all_brands or entry["line"] <= actor.line_in(brand_id))


def my_sessions(actor: Actor) -> list[dict[str, Any]]:
    """The agent's active chats as the ``queue`` frame's ``mine``."""
    return [session_frame(s) for s in active_sessions_for(actor)]


@dataclass
class AgentStart:
    own: list[tuple[int, int]]
    waiting: WaitingLists
    mine: list[dict[str, Any]]


def agent_start(actor: Actor, brand_ids: list[int]) -> AgentStart:
    """What an agent's socket reads when it opens: its own chats (id, last seq) and the queue."""
    mine = list(active_sessions_for(actor))
    return AgentStart(
        own=[(s.pk, s.last_seq) for s in mine],
        waiting=waiting_lists(brand_ids),
        mine=[session_frame(s) for s in mine],
    )


def session_id_of(frame: dict[str, Any]) -> int:
    value = frame.get("session")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(_("Name the chat (session)."), field="session")
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(_("Name the chat (session)."), field="session") from None


def resumable(actor: Actor, wanted: object) -> dict[int, int]:
    """The ``hello``'s sessions (id → last seq) that are the agent's own, or at least of their brands."""
    if not isinstance(wanted, dict):
        return {}
    found: dict[int, int] = {}
    for key, seq in list(wanted.items())[:50]:
        try:
            session = access_session(actor, key)
        except NotFound:
            continue
        found[session.pk] = seq if isinstance(seq, int) and seq >= 0 else 0
    return found


def replay(actor: Actor, session_id: int, after_seq: int) -> list[dict[str, Any]]:
    session = access_session(actor, session_id)
    return [{**message_frame(m), "session": session.pk} for m in transcript(session, after_seq=after_seq)]


def _status(session: ChatSession) -> dict[str, Any]:
    return {"state": session.state, "agent": agent_name(session)}


def status_of(actor: Actor, session_id: int) -> dict[str, Any]:
    """The agent's ``status`` frame fields of a session."""
    session = access_session(actor, session_id)
    return {"session_state": session.state, "agent": agent_name(session)}


def agent_accepts(actor: Actor, frame: dict[str, Any]) -> Outcome:
    session = access_session(actor, session_id_of(frame))
    session, joined = actions.accept_session(session, actor=actor)
    return Outcome(
        session_id=session.pk,
        message=message_frame(joined),
        status=_status(session),
        queue_brand_id=session.brand_id,
        join_agent=actor.user_id,
    )


def agent_posts(actor: Actor, frame: dict[str, Any]) -> Outcome:
    session = ChatSession(pk=session_id_of(frame))
    text = frame.get("text")
    if isinstance(text, str) and len(text) > actions.MAX_TEXT:
        raise TooLarge(_("A message has at most %(limit)d characters.") % {"limit": actions.MAX_TEXT})
    # The action reads the session under its lock and checks the agent serves its brand (else NotFound).
    posted = actions.post_agent_message(
        session,
        actor=actor,
        client_id=frame.get("client_id"),  # type: ignore[arg-type]  # checked by the action
        text=text,  # type: ignore[arg-type]
    )
    message = posted.message
    return Outcome(
        session_id=session.pk,
        ack={"type": "ack", "session": session.pk, "client_id": message.client_id, "seq": message.seq},
        message=message_frame(message) if posted.created else None,
    )


def agent_transfers(actor: Actor, frame: dict[str, Any]) -> Outcome:
    session = access_session(actor, session_id_of(frame))
    to_agent, to_line = frame.get("to_agent"), frame.get("to_line")
    agent = None
    if to_agent is not None:
        if isinstance(to_agent, bool) or not isinstance(to_agent, int):
            raise InvalidInput(_("Name the agent by their user id."), field="to_agent")
        try:
            agent = access_agent(actor, to_agent)
        except NotFound:
            raise InvalidInput(_("That agent does not serve this brand."), field="to_agent") from None
    if to_line is not None and (isinstance(to_line, bool) or not isinstance(to_line, int)):
        raise InvalidInput(_("A support line is 1, 2 or 3."), field="to_line")
    before = session.agent_id
    session, note = actions.transfer_session(
        session,
        actor=actor,
        to_agent=agent,
        to_line=to_line,
        note=frame.get("note"),  # type: ignore[arg-type]  # checked by the action
    )
    waiting = waiting_sessions_for(SYSTEM).filter(pk=session.pk).first()
    return Outcome(
        session_id=session.pk,
        message=message_frame(note),
        status=_status(session),
        queue_brand_id=session.brand_id,
        queue_entry=session_frame(waiting) if waiting is not None else None,
        join_agent=agent.pk if agent is not None else None,
        leave_agent=before,
    )


def agent_ends(actor: Actor, frame: dict[str, Any]) -> Outcome:
    session = access_session(actor, session_id_of(frame))
    session, ended = actions.end_session(session, by=Sender.AGENT, actor=actor)
    outcome = Outcome(session_id=session.pk, ended=True, queue_brand_id=session.brand_id)
    if ended:
        last = transcript(session, after_seq=session.last_seq - 1).first()
        outcome.message = message_frame(last) if last is not None else None
        outcome.status = _status(session)
    return outcome


def may_type(actor: Actor, session_id: int) -> bool:
    try:
        session = access_session(actor, session_id)
    except NotFound:
        return False
    return session.agent_id == actor.user_id and session.state == SessionState.ACTIVE


def presence(chat: ChatSettings) -> dict[str, Any]:
    """Whether an agent of the chat's brand is online now (the widget asks while its panel is open)."""
    return {"type": "presence", "online": online_for_brand(chat.brand_id)}


def touch(user_id: int, *, online: bool = True) -> None:
    actions.touch_presence(user_id, online=online)


def agent_id_of(session_id: int) -> int | None:
    return ChatSession.objects.filter(pk=session_id).values_list("agent_id", flat=True).first()
