"""The JSON frames of the chat sockets (docs/chat.md), built from rows in one place for both sides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.chat.models import ChatMessage, ChatSession, ChatSettings
from frontdesk.core.errors import DomainError

# A chat file's link works this long (the transcript in the ticket keeps a copy for good).
FILE_LINK_SECONDS = 30 * 24 * 3600
_FILE_SALT = "frontdesk.chat.file"


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def file_link(message: ChatMessage) -> str:
    """An absolute link to the message's file, signed: the widget runs on another site, and a visitor has no
    account; whoever was given the link within ``FILE_LINK_SECONDS`` may download the file."""
    value = signing.TimestampSigner(salt=_FILE_SALT).sign(str(message.pk))
    return site_url() + reverse("chat:file", args=[value])


def message_id_from_link(value: str) -> int | None:
    try:
        return int(signing.TimestampSigner(salt=_FILE_SALT).unsign(value, max_age=FILE_LINK_SECONDS))
    except (signing.BadSignature, ValueError):
        return None


def message_frame(message: ChatMessage) -> dict[str, Any]:
    """A message as both sides see it (the agent's frame adds ``session``)."""
    attachment = None
    if message.attachment_name:
        attachment = {
            "name": message.attachment_name,
            "url": file_link(message),
            "size": message.attachment_size,
            "content_type": message.attachment_type,
        }
    return {
        "type": "message",
        "seq": message.seq,
        "client_id": message.client_id or None,
        "from": message.sender,
        "author": message.author_label,
        "text": message.text,
        "attachment": attachment,
        "at": message.created_at.isoformat(),
    }


def agent_name(session: ChatSession) -> str | None:
    if session.agent is None:
        return None
    return session.agent.name or session.agent.email


def session_frame(session: ChatSession) -> dict[str, Any]:
    """A session in the agent's queue frame (``waiting`` and ``mine``)."""
    return {
        "session": session.pk,
        "brand": {"id": session.brand_id, "slug": session.brand.slug, "name": session.brand.name},
        "visitor": session.visitor_name or session.customer.name,
        "email": session.customer.email or None,
        "page": session.page_url,
        "language": session.language,
        "since": session.waiting_since.isoformat(),
        "state": session.state,
        "line": session.line,
        "last_seq": session.last_seq,
        "ticket": session.ticket.number,
        "agent": agent_name(session),
    }


def greeting(chat: ChatSettings, language: str) -> str:
    greetings = chat.greetings if isinstance(chat.greetings, dict) else {}
    for candidate in (language, chat.brand.default_language, "en"):
        text = greetings.get(candidate)
        if isinstance(text, str) and text.strip():
            return text
    return _("Hello! How can we help you?")


def brand_frame(chat: ChatSettings, language: str) -> dict[str, Any]:
    brand: Brand = chat.brand
    return {
        "name": brand.name,
        "color": brand.primary_color,
        "greeting": greeting(chat, language),
        "languages": list(brand.languages or ["en"]),
        "max_attachment_bytes": chat.max_attachment_bytes,
    }


def error_frame(error: DomainError, **about: Any) -> dict[str, Any]:
    """An ``error`` frame for a refusal (``invalid`` for any input error), with what it was about."""
    code = error.code if error.code in ERROR_CODES else "invalid"
    if error.code == "permission_denied" or error.code == "not_found":
        code = "not_allowed"
    detail = str(error.detail)
    if detail == error.title:
        # Raised without a text of its own: the class's title, in the recipient's language.
        detail = _(error.title)
    frame: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
    frame.update({key: value for key, value in about.items() if value is not None})
    return frame


ERROR_CODES = frozenset(
    {
        "rate_limited",
        "too_many_chats",
        "too_large",
        "invalid",
        "not_allowed",
        "ended",
        "limit_reached",
        "taken",
    }
)
