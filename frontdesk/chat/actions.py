"""Every write of the live chat. The sockets call these; nothing else saves chat rows.

Written as if each runs twice at once: a session's row is locked before its next sequence number is taken and
before a ``client_id`` is looked up (so a message sent twice is stored once), an accept is a conditional UPDATE
(one of two agents wins), and an agent's presence row is locked while their chats are counted (so their limit
holds). Locks are taken in one order: the agent's presence row, the session, then the ticket.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.brands.models import Brand
from frontdesk.chat.choices import Sender, SessionState
from frontdesk.chat.errors import ChatEnded, ChatTaken, LimitReached, TooLarge
from frontdesk.chat.models import AgentPresence, ChatMessage, ChatSession, ChatSettings
from frontdesk.chat.queries import hash_token, session_for_token
from frontdesk.core.errors import InvalidInput, NotFound, require
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, Status
from frontdesk.tickets.content import AttachmentIn, StoredFile, make_body, store_attachment
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.transcripts import add_chat_transcript, record_chat_response
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, Actor, actor_for, actor_in_brand
from frontdesk.users.models import Customer, User

MAX_TEXT = 4000
MAX_CLIENT_ID = 64
MAX_NAME = 200
MAX_PAGE = 1000
MAX_NOTE = 2000
LANGUAGES = ("en", "ru", "pl")
SUBJECT_CHARS = 80


@dataclass(frozen=True)
class Posted:
    """A stored message; ``created`` is False when the same ``client_id`` had been stored before."""

    message: ChatMessage
    created: bool


def new_token() -> str:
    """A visitor's session token: kept in their browser, stored here only as its hash."""
    return secrets.token_urlsafe(32)


# --- Checks ---------------------------------------------------------------------------------------------


def clean_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= MAX_CLIENT_ID:
        raise InvalidInput(_("A message needs a client_id of 1 to 64 characters."), field="client_id")
    return client_id


def clean_text(text: object, *, required: bool = True) -> str:
    if text is None and not required:
        return ""
    if not isinstance(text, str):
        raise InvalidInput(_("The text must be a string."), field="text")
    if len(text) > MAX_TEXT:
        raise TooLarge(_("A message has at most %(limit)d characters.") % {"limit": MAX_TEXT}, field="text")
    text = text.strip()
    if required and not text:
        raise InvalidInput(_("The message is empty."), field="text")
    return text


def _clean_language(language: str) -> str:
    language = (language or "").split("-")[0].lower()
    return language if language in LANGUAGES else ""


def _stored(chat: ChatSettings, attachment: AttachmentIn | None) -> StoredFile | None:
    if attachment is None:
        return None
    if len(attachment.data) > chat.max_attachment_bytes:
        raise TooLarge(
            _("A file may have at most %(limit)d bytes.") % {"limit": chat.max_attachment_bytes},
            field="data",
        )
    if not attachment.data:
        raise InvalidInput(_("The file is empty."), field="data")
    return store_attachment(attachment, field="data")


def _settings(session: ChatSession) -> ChatSettings:
    found = ChatSettings.objects.filter(brand_id=session.brand_id).first()
    return found if found is not None else ChatSettings(brand_id=session.brand_id)


# --- Sequence -------------------------------------------------------------------------------------------


_SESSION_PARTS = ("brand", "ticket", "agent", "customer")


def _lock_session(session_id: int, parts: tuple[str, ...] = _SESSION_PARTS) -> ChatSession:
    """The session's row, locked (its own row only: the joined ``parts`` are read, not locked)."""
    try:
        return ChatSession.objects.select_for_update(of=("self",)).select_related(*parts).get(pk=session_id)
    except (ChatSession.DoesNotExist, TypeError, ValueError):
        raise NotFound("chat") from None


def _stored_message(session_id: int, sender: Sender, client_id: str) -> ChatMessage | None:
    if not client_id:
        return None
    return ChatMessage.objects.filter(session_id=session_id, sender=sender, client_id=client_id).first()


def _append(
    session: ChatSession,
    *,
    sender: Sender,
    text: str,
    client_id: str = "",
    author: User | None = None,
    author_label: str = "",
    stored: StoredFile | None = None,
    looked_up: bool = False,
) -> Posted:
    """The next message of a locked session, or the one already stored under this sender's ``client_id``
    (``looked_up``: the caller has just looked for it under the same lock)."""
    existing = None if looked_up else _stored_message(session.pk, sender, client_id)
    if existing is not None:
        return Posted(existing, created=False)
    session.last_seq += 1
    ChatSession.objects.filter(pk=session.pk).update(last_seq=session.last_seq)
    message = ChatMessage(
        session=session,
        brand_id=session.brand_id,
        seq=session.last_seq,
        client_id=client_id,
        sender=sender,
        author=author,
        author_label=author_label[:MAX_NAME],
        text=text,
        created_at=timezone.now(),
    )
    if stored is not None:
        message.attachment = stored.file
        message.attachment_name = stored.filename
        message.attachment_type = stored.content_type[:100]
        message.attachment_size = stored.size
    message.save(force_insert=True)
    return Posted(message, created=True)


def _system_message(session: ChatSession, text: str) -> ChatMessage:
    """A line from Frontdesk itself (joined, transferred, ended), in the visitor's language."""
    return _append(session, sender=Sender.SYSTEM, text=text).message


def _visitor_label(session: ChatSession) -> str:
    return session.visitor_name or session.customer.name or _("Visitor")


# --- Visitor --------------------------------------------------------------------------------------------


def _customer_for(chat: ChatSettings, *, name: str, email: str, language: str) -> Customer:
    brand = chat.brand
    if email:
        return user_actions.find_or_create_customer(
            brand, actor=SYSTEM, email=email, name=name, language=language
        )
    return user_actions.create_customer(brand, actor=SYSTEM, name=name or _("Visitor"), language=language)


def _subject(text: str, name: str) -> str:
    line = " ".join(text.split())
    if not line:
        return _("Chat with %(name)s") % {"name": name or _("Visitor")}
    return line if len(line) <= SUBJECT_CHARS else line[: SUBJECT_CHARS - 1] + "…"


def start_session(
    chat: ChatSettings,
    *,
    token: str,
    client_id: str,
    text: str = "",
    attachment: AttachmentIn | None = None,
    name: str = "",
    email: str = "",
    page: str = "",
    language: str = "",
) -> Posted:
    """The visitor's first message: their customer (by ``email`` if given, else a new "Visitor" without an
    address), a ticket on channel ``chat`` with the message, the waiting session and its message 1. A second
    first message with the same token (two tabs, a resend) lands in the session the first one opened."""
    if not chat.is_enabled:
        raise InvalidInput(_("The chat is not available."), field="brand")
    client_id = clean_client_id(client_id)
    text = clean_text(text, required=attachment is None)
    name = " ".join(str(name or "").split())[:MAX_NAME]
    email = str(email or "").strip()
    language = _clean_language(language)
    if not token or len(token) > 200:
        raise InvalidInput(_("The session token is missing."), field="token")
    existing = session_for_token(chat.brand_id, token)
    if existing is not None:
        return post_visitor_message(existing, client_id=client_id, text=text, attachment=attachment)
    stored = _stored(chat, attachment)
    try:
        with transaction.atomic(), translation.override(language or chat.brand.default_language):
            customer = _customer_for(chat, name=name, email=email, language=language)
            body_text = text or _("(sent a file: %(name)s)") % {"name": stored.filename if stored else ""}
            ticket = ticket_actions.create_ticket(
                chat.brand,
                actor=actor_in_brand(customer),
                customer=customer,
                subject=_subject(text, name or customer.name),
                body=make_body(text=body_text),
                channel=Channel.CHAT,
                language=language,
            )
            now = timezone.now()
            session = ChatSession.objects.create(
                brand_id=chat.brand_id,
                token_hash=hash_token(token),
                customer=customer,
                ticket=ticket,
                page_url=str(page or "")[:MAX_PAGE],
                language=language,
                visitor_name=name,
                created_at=now,
                waiting_since=now,
            )
            session.brand = chat.brand
            return _append(
                session,
                sender=Sender.VISITOR,
                text=text,
                client_id=client_id,
                author_label=name or customer.name,
                stored=stored,
            )
    except IntegrityError:
        # The same token opened its session at the same moment elsewhere: this message goes there.
        existing = session_for_token(chat.brand_id, token)
        if existing is None:
            raise
        return post_visitor_message(existing, client_id=client_id, text=text, attachment=attachment)


@transaction.atomic
def post_visitor_message(
    session: ChatSession, *, client_id: str, text: str = "", attachment: AttachmentIn | None = None
) -> Posted:
    """A message of the visitor (text or a file) in their session; the same ``client_id`` again is the same
    message."""
    client_id = clean_client_id(client_id)
    text = clean_text(text, required=attachment is None)
    session = _lock_session(session.pk, ("customer",))
    existing = _stored_message(session.pk, Sender.VISITOR, client_id)
    if existing is not None:
        return Posted(existing, created=False)
    if session.state == SessionState.ENDED:
        raise ChatEnded(_("This chat has ended."))
    stored = _stored(_settings(session), attachment) if attachment is not None else None
    return _append(
        session,
        sender=Sender.VISITOR,
        text=text,
        client_id=client_id,
        author_label=_visitor_label(session),
        stored=stored,
        looked_up=True,
    )


# --- Agents ---------------------------------------------------------------------------------------------


def _check_agent(actor: Actor, session: ChatSession) -> None:
    if not actor.is_agent or actor.user_id is None or not actor.serves(session.brand_id):
        raise NotFound("chat")


def _lock_presence(user_id: int) -> None:
    """Lock the agent's presence row (made if missing): their accepts and transfers to them queue up here."""
    AgentPresence.objects.bulk_create([AgentPresence(user_id=user_id)], ignore_conflicts=True)
    list(AgentPresence.objects.select_for_update().filter(user_id=user_id).values_list("user_id"))


def _check_room(user_id: int, brand_id: int, *, other: User | None = None) -> None:
    """Refuse one more chat to an agent who has the brand's number of chats (their presence row is locked);
    ``other`` names that agent when someone else asked (a transfer to them)."""
    found = (
        ChatSettings.objects.filter(brand_id=brand_id).values_list("max_chats_per_agent", flat=True).first()
    )
    limit = found if found is not None else ChatSettings().max_chats_per_agent
    active = ChatSession.objects.filter(agent_id=user_id, state=SessionState.ACTIVE).count()
    if active >= limit and other is not None:
        raise LimitReached(
            ngettext(
                "%(name)s already has %(count)d chat, the most this brand allows at once.",
                "%(name)s already has %(count)d chats, the most this brand allows at once.",
                active,
            )
            % {"name": _agent_name(other), "count": active}
        )
    if active >= limit:
        raise LimitReached(
            ngettext(
                "You already have %(count)d chat, the most this brand allows at once.",
                "You already have %(count)d chats, the most this brand allows at once.",
                active,
            )
            % {"count": active}
        )


def _agent_name(user: User) -> str:
    return user.name or user.email


def _assign(ticket: Ticket, *, actor: Actor, assignee: User | None) -> None:
    ticket_actions.assign_ticket(ticket, actor=actor, assignee=assignee, details={"chat": True})


@transaction.atomic
def accept_session(session: ChatSession, *, actor: Actor) -> tuple[ChatSession, ChatMessage]:
    """The agent takes a waiting chat: one conditional UPDATE, so of two agents at once one wins and the other
    gets ``ChatTaken``; an agent at the brand's limit gets ``LimitReached``. The ticket is assigned to them."""
    _check_agent(actor, session)
    assert actor.user_id is not None
    if session.line > actor.line_in(session.brand_id):
        raise NotFound("chat")
    _lock_presence(actor.user_id)
    _check_room(actor.user_id, session.brand_id)
    now = timezone.now()
    taken = ChatSession.objects.filter(pk=session.pk, state=SessionState.WAITING).update(
        state=SessionState.ACTIVE, agent_id=actor.user_id, accepted_at=now
    )
    session = _lock_session(session.pk)
    if not taken:
        if session.state == SessionState.ENDED:
            raise ChatEnded(_("This chat has ended."))
        raise ChatTaken(_("Another agent has accepted this chat."))
    assert session.agent is not None
    _assign(session.ticket, actor=actor, assignee=session.agent)
    with translation.override(session.language or session.brand.default_language):
        note = _("%(name)s joined the chat.") % {"name": _agent_name(session.agent)}
    return session, _system_message(session, note)


@transaction.atomic
def post_agent_message(
    session: ChatSession,
    *,
    actor: Actor,
    client_id: str,
    text: str = "",
    attachment: AttachmentIn | None = None,
) -> Posted:
    """The agent's message in their active chat. The first one is the ticket's first response.

    ``session`` may be a bare ``ChatSession(pk=...)``: the locked row is read here, and whether the agent
    serves its brand is checked on it. Once the ticket has its first response an answer is four statements:
    the lock, the ``client_id`` look-up, the sequence number and the message."""
    client_id = clean_client_id(client_id)
    text = clean_text(text, required=attachment is None)
    session = _lock_session(session.pk, ("ticket", "agent"))
    _check_agent(actor, session)
    existing = _stored_message(session.pk, Sender.AGENT, client_id)
    if existing is not None:
        return Posted(existing, created=False)
    if session.state == SessionState.ENDED:
        raise ChatEnded(_("This chat has ended."))
    if session.state != SessionState.ACTIVE or session.agent_id != actor.user_id:
        raise ChatTaken(_("This chat is not yours: accept it first."))
    assert session.agent is not None
    posted = _append(
        session,
        sender=Sender.AGENT,
        text=text,
        client_id=client_id,
        author=session.agent,
        author_label=_agent_name(session.agent),
        stored=_stored(_settings(session), attachment) if attachment is not None else None,
        looked_up=True,
    )
    if session.ticket.first_response_at is None:
        # Only the first answer changes the ticket (read with the session; the action checks it again under
        # the ticket's lock).
        record_chat_response(session.ticket, actor=actor, session_id=session.pk)
    return posted


def _may_hand_over(actor: Actor, session: ChatSession) -> bool:
    """The chat's agent, or an admin of its brand."""
    return session.agent_id == actor.user_id or actor.administers(session.brand_id)


def _transfer_worklog(actor: Actor, note: str) -> WorkLog:
    """The work log of a chat passed to another line, for that line's agents (in the transferring agent's
    language, as any work log they write)."""
    return WorkLog(
        diagnosis=_("Transferred from the live chat by %(name)s.") % {"name": actor.label},
        steps_taken=_("See the chat."),
        request=note or _("Please take over the chat."),
    )


def _move_ticket(ticket: Ticket, *, actor: Actor, to_line: int, note: str) -> None:
    """The chat's ticket follows it to the line: escalated up (with a work log), handed back down (returned to
    line 1, then escalated to line 2 when the chat went from line 3 to 2), or just unassigned on its line. A
    solved or closed ticket stays where it is (it cannot be escalated; the chat goes on regardless)."""
    if ticket.line == to_line or ticket.status in (Status.SOLVED, Status.CLOSED):
        _assign(ticket, actor=actor, assignee=None)
        return
    log = _transfer_worklog(actor, note)
    if to_line < ticket.line:
        # The chat waits in line 1's queue: whoever accepts it gets the ticket, not its earlier owner.
        ticket = ticket_actions.return_ticket(ticket, actor=actor, worklog=log, to_owner=False)
    if to_line > ticket.line:
        ticket_actions.escalate_ticket(ticket, actor=actor, worklog=log, to_line=to_line)


def _clean_note(note: object) -> str:
    if note is None:
        return ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise InvalidInput(
            _("A transfer note is a text of at most %(limit)d characters.") % {"limit": MAX_NOTE},
            field="note",
        )
    return note.strip()


@transaction.atomic
def transfer_session(
    session: ChatSession,
    *,
    actor: Actor,
    to_agent: User | None = None,
    to_line: int | None = None,
    note: str = "",
) -> tuple[ChatSession, ChatMessage]:
    """Hand the chat to another agent of the brand (within their limit) or back to the queue of a support
    line (1-3), where that line's agents may accept it. The ticket goes with it: reassigned to the agent, or
    escalated to a higher line with a work log (its request is the agent's ``note``, if any), or handed back to
    a lower one."""
    _check_agent(actor, session)
    note = _clean_note(note)
    if (to_agent is None) == (to_line is None):
        raise InvalidInput(_("Transfer to an agent or to a support line."), field="to_agent")
    if to_line is not None and to_line not in (1, 2, 3):
        raise InvalidInput(_("A support line is 1, 2 or 3."), field="to_line")
    if to_agent is not None:
        if not to_agent.is_active or not actor_for(to_agent).serves(session.brand_id) or not to_agent.pk:
            raise InvalidInput(_("That agent does not serve this brand."), field="to_agent")
        if to_agent.pk == session.agent_id:
            raise InvalidInput(_("The chat is already with that agent."), field="to_agent")
        _lock_presence(to_agent.pk)
        _check_room(to_agent.pk, session.brand_id, other=to_agent)
    session = _lock_session(session.pk)
    if session.state == SessionState.ENDED:
        raise ChatEnded(_("This chat has ended."))
    require(session.state == SessionState.ACTIVE and _may_hand_over(actor, session))
    if to_agent is not None and to_agent.pk == session.agent_id:
        raise InvalidInput(_("The chat is already with that agent."), field="to_agent")
    with translation.override(session.language or session.brand.default_language):
        if to_agent is not None:
            session.agent = to_agent
            session.accepted_at = timezone.now()
            session.save(update_fields=["agent", "accepted_at"])
            said = _("The chat was transferred to %(name)s.") % {"name": _agent_name(to_agent)}
        else:
            assert to_line is not None
            session.agent = None
            session.state = SessionState.WAITING
            session.line = to_line
            session.waiting_since = timezone.now()
            session.save(update_fields=["agent", "state", "line", "waiting_since"])
            said = _("The chat was transferred to another specialist; please wait a moment.")
    if to_line is not None:
        _move_ticket(session.ticket, actor=actor, to_line=to_line, note=note)
    else:
        _assign(session.ticket, actor=actor, assignee=to_agent)
    return session, _system_message(session, said)


# --- End ------------------------------------------------------------------------------------------------


def _zone(brand: Brand) -> ZoneInfo:
    try:
        return ZoneInfo(brand.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _transcript_text(session: ChatSession, messages: list[ChatMessage]) -> str:
    """One line per message, at the brand's local time (its zone and the day are said at the top)."""
    zone = _zone(session.brand)
    started = (messages[0].created_at if messages else session.created_at).astimezone(zone)
    lines = [
        _("Chat transcript (%(page)s)") % {"page": session.page_url}
        if session.page_url
        else _("Chat transcript"),
        _("Times of %(day)s in %(zone)s.") % {"day": started.date().isoformat(), "zone": zone.key},
    ]
    for message in messages:
        at = message.created_at.astimezone(zone).strftime("%H:%M:%S")
        who = message.author_label or message.get_sender_display()
        said = message.text
        if message.attachment_name:
            file_note = _("[file: %(name)s, %(size)d bytes]") % {
                "name": message.attachment_name,
                "size": message.attachment_size,
            }
            said = f"{said} {file_note}".strip()
        lines.append(f"[{at}] {who}: {said}")
    return "\n".join(lines)


def _transcript_files(messages: list[ChatMessage]) -> list[AttachmentIn]:
    files = []
    for message in messages:
        if not message.attachment:
            continue
        with message.attachment.open("rb") as handle:
            data = handle.read()
        files.append(AttachmentIn(message.attachment_name, message.attachment_type, data))
    return files[: ticket_actions.MAX_ATTACHMENTS]


@transaction.atomic
def end_session(session: ChatSession, *, by: Sender, actor: Actor | None = None) -> tuple[ChatSession, bool]:
    """End the chat (the visitor, an agent of the brand, or the system) and write its transcript into the
    ticket as a public message on channel ``chat`` (no mail). Ending an ended chat changes nothing: the second
    value is False."""
    if by == Sender.AGENT:
        if actor is None:
            raise InvalidInput(_("An agent ends a chat as themselves."), field="actor")
        _check_agent(actor, session)
    session = _lock_session(session.pk)
    if session.state == SessionState.ENDED:
        return session, False
    if by == Sender.AGENT and actor is not None and session.state == SessionState.ACTIVE:
        require(_may_hand_over(actor, session))
    with translation.override(session.language or session.brand.default_language):
        if by == Sender.VISITOR:
            note = _("The visitor ended the chat.")
        elif by == Sender.AGENT and session.agent is not None:
            note = _("%(name)s ended the chat.") % {"name": _agent_name(session.agent)}
        else:
            note = _("The chat has ended.")
        _system_message(session, note)
        session.state = SessionState.ENDED
        session.ended_at = timezone.now()
        session.ended_by = by
        session.save(update_fields=["state", "ended_at", "ended_by"])
        messages = list(ChatMessage.objects.filter(session_id=session.pk).order_by("seq"))
        add_chat_transcript(
            session.ticket,
            text=_transcript_text(session, messages),
            session_id=session.pk,
            attachments=_transcript_files(messages),
            label=_("Live chat"),
        )
    return session, True


def idle_sessions(*, idle: timedelta) -> list[int]:
    """Chats not ended whose last message is older than ``idle`` (the visitor left, or no one came)."""
    last = ChatMessage.objects.filter(session_id=OuterRef("pk")).order_by("-seq").values("created_at")[:1]
    return list(
        ChatSession.objects.filter(state__in=[SessionState.WAITING, SessionState.ACTIVE])
        .annotate(last_at=Subquery(last))
        .filter(last_at__lt=timezone.now() - idle)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )


# --- Offline --------------------------------------------------------------------------------------------


def send_offline_message(
    chat: ChatSettings, *, name: str, email: str, text: str, language: str = "", page: str = ""
) -> Ticket:
    """No agent is online: the visitor leaves a message with their address, which opens a ticket the way a
    mail does (channel ``email``), so the brand's acknowledgement goes out and the answer comes by mail."""
    if not chat.is_enabled:
        raise InvalidInput(_("The chat is not available."), field="brand")
    text = clean_text(text)
    email = str(email or "").strip()
    if not email:
        raise InvalidInput(_("Leave your email address so that we can answer."), field="email")
    name = " ".join(str(name or "").split())[:MAX_NAME]
    language = _clean_language(language)
    if page:
        sent_from = _("Sent from %(page)s") % {"page": str(page)[:MAX_PAGE]}
        text = f"{text}\n\n{sent_from}"
    with transaction.atomic():
        customer = user_actions.find_or_create_customer(
            chat.brand, actor=SYSTEM, email=email, name=name, language=language
        )
        return ticket_actions.create_ticket(
            chat.brand,
            actor=actor_in_brand(customer),
            customer=customer,
            subject=_subject(text.split("\n\n")[0], name),
            body=make_body(text=text),
            channel=Channel.EMAIL,
            language=language,
        )


# --- Presence -------------------------------------------------------------------------------------------


def touch_presence(user_id: int, *, online: bool = True) -> None:
    """The chat panel's socket says its agent is still there (or, ``online=False``, has closed it)."""
    seen = timezone.now() if online else None
    if not AgentPresence.objects.filter(user_id=user_id).update(last_seen_at=seen):
        AgentPresence.objects.bulk_create(
            [AgentPresence(user_id=user_id, last_seen_at=seen)], ignore_conflicts=True
        )
