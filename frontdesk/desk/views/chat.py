"""The desk's chat panel: the chats waiting in the queues of the agent's brands and lines, the agent's own active
chats, and one conversation at a time with the visitor's page, the customer's earlier tickets and the brand's
canned answers. The pages are rendered here; the agent's socket (``ws/desk/chat/``, docs/chat.md) accepts,
sends, transfers and ends, and tells the page what to fetch again. Also the chat block of a chat ticket's page,
and a canned answer for the conversation's composer: a chat adds no signature, so the answer goes in with its
sign-off as written (the ticket page's picker, whose results the composer shows, leaves out a sign-off the reply
mail repeats; the panel's script sends the pick here instead).

The URLs are included by ``desk/urls.py`` under ``chat/`` (names in the ``desk`` namespace).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from frontdesk.chat.choices import SessionState
from frontdesk.chat.queries import (
    access_session,
    active_sessions_for,
    attachment_url,
    sessions_visible_to,
    transcript,
    waiting_sessions_for,
)
from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.desk.views.customer import panel_context
from frontdesk.tickets.canned import (
    access_canned_answer,
    add_to_reply,
    placeholder_values,
    render_text,
)
from frontdesk.tickets.queries import access_ticket
from frontdesk.users.actors import Actor
from frontdesk.users.queries import agents_visible_to

if TYPE_CHECKING:
    from frontdesk.chat.models import ChatMessage, ChatSession
    from frontdesk.tickets.models import Ticket

# Support lines a chat may be handed to.
LINES = (1, 2, 3)


def _zone(request: HttpRequest) -> Any:
    return viewer_zone(getattr(request.user, "time_zone", ""))


def _with_file_links(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Each message with a file gets ``file_url``, the chat's signed link to it (as the sockets hand it out)."""
    for message in messages:
        message.file_url = attachment_url(message) or ""  # type: ignore[attr-defined]
    return messages


def _queue_context(actor: Actor, current: int | None = None) -> dict[str, Any]:
    """The waiting chats of the agent's brands and lines, longest waiting first, and the agent's own active
    chats: two queries however many there are."""
    return {
        "waiting": list(waiting_sessions_for(actor)),
        "mine": list(active_sessions_for(actor)),
        "current_session": current,
    }


def _conversation_context(actor: Actor, session: ChatSession) -> dict[str, Any]:
    """One conversation: its messages in order, the customer's panel with their other tickets, and the agents of
    the brand it may be transferred to."""
    mine = session.state == SessionState.ACTIVE and session.agent_id == actor.user_id
    messages = _with_file_links(list(transcript(session)))
    context: dict[str, Any] = {
        "session": session,
        # Not ``messages``: the layout shows Django's messages under that name.
        "chat_messages": messages,
        "last_seq": messages[-1].seq if messages else 0,
        # The visitor's page is a link only when it is a web address (it comes from their browser).
        "page_link": session.page_url if session.page_url.startswith(("https://", "http://")) else "",
        "is_mine": mine,
        # What the actions would allow: a waiting chat of the agent's line (or a lower one); ending a waiting
        # chat, or an active one that is theirs (a brand admin: any).
        "may_accept": session.state == SessionState.WAITING
        and (actor.sees_all_brands or session.line <= actor.agent_lines.get(session.brand_id, 0)),
        "may_end": session.state == SessionState.WAITING
        or (session.state == SessionState.ACTIVE and (mine or actor.administers(session.brand_id))),
        "lines": LINES,
        "agents": [],
    }
    if mine or (session.state == SessionState.ACTIVE and actor.administers(session.brand_id)):
        context["may_transfer"] = True
        context["agents"] = list(
            agents_visible_to(actor)
            .filter(memberships__brand_id=session.brand_id)
            .exclude(pk=session.agent_id or 0)
            .order_by("name", "email")
        )
    context |= panel_context(actor, session.customer_id, ticket_id=session.ticket_id)
    return context


@require_GET
@agent_view
def chat_panel(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The panel with the queue and no conversation open."""
    context = _queue_context(actor) | {"viewer_tz": _zone(request)}
    return TemplateResponse(request, "desk/chat.html", context)


@require_GET
@agent_view
def chat_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The queue's part of the panel, fetched again when the socket says it changed."""
    current = request.GET.get("current", "")
    context = _queue_context(actor, int(current) if current.isdigit() and len(current) < 19 else None)
    context["viewer_tz"] = _zone(request)
    return TemplateResponse(request, "desk/partials/chat_queue.html", context)


@require_GET
@agent_view
def chat_session(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """One conversation: the page with the queue beside it, or for HTMX the conversation's part only. Another
    brand's chat is a 404."""
    session = access_session(actor, session_id)
    context = _conversation_context(actor, session) | {"viewer_tz": _zone(request)}
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(request, "desk/partials/chat_conversation.html", context)
    context |= _queue_context(actor, session.pk)
    return TemplateResponse(request, "desk/chat.html", context)


@require_GET
@agent_view
def chat_ticket(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """The chat block of a chat ticket's page: each chat of the ticket with its state, and its transcript while
    it is not over (then the transcript is a message of the ticket)."""
    ticket = access_ticket(actor, number)
    sessions = list(sessions_visible_to(actor).filter(ticket_id=ticket.pk).order_by("created_at", "id"))
    chats = [
        {
            "session": session,
            "chat_messages": _with_file_links(list(transcript(session)))
            if session.state != SessionState.ENDED
            else [],
        }
        for session in sessions
    ]
    context = {
        "ticket": ticket,
        "chats": chats,
        "live": any(session.state != SessionState.ENDED for session in sessions),
        "viewer_tz": _zone(request),
    }
    return TemplateResponse(request, "desk/partials/chat_ticket_block.html", context)


def _chat_ticket(actor: Actor, session_id: int) -> tuple[ChatSession, Ticket]:
    """The agent's chat (another brand's is a 404) and its ticket, as the ticket page would show it."""
    session = access_session(actor, session_id)
    return session, access_ticket(actor, session.ticket.number)


@require_POST
@agent_view
def chat_canned_insert(request: HttpRequest, actor: Actor, session_id: int, answer_id: int) -> HttpResponse:
    """The composer's text box with the answer put below what the agent wrote, placeholders filled and its
    closing lines kept: unlike a reply mail, a chat message is not signed."""
    _session, ticket = _chat_ticket(actor, session_id)
    answer = access_canned_answer(actor, ticket, answer_id)
    text = render_text(answer.body, placeholder_values(ticket, actor))
    body = add_to_reply(request.POST.get("body", ""), text)
    return TemplateResponse(
        request, "desk/partials/chat_canned_body.html", {"body": body, "number": ticket.number}
    )


urlpatterns = [
    path("", chat_panel, name="chat"),
    path("queue/", chat_queue, name="chat_queue"),
    path("<int:session_id>/", chat_session, name="chat_session"),
    path("tickets/<str:number>/", chat_ticket, name="chat_ticket"),
    path("<int:session_id>/canned/<int:answer_id>/", chat_canned_insert, name="chat_canned_insert"),
]
