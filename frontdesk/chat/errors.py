"""What the chat refuses, each with the ``code`` its ``error`` frame carries (docs/chat.md)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from frontdesk.core.errors import Conflict, DomainError


class ChatEnded(Conflict):
    """The chat has ended: nothing more can be said in it."""

    code = "ended"
    title = gettext_noop("The chat has ended")


class ChatTaken(Conflict):
    """Another agent accepted the chat first (or it is no longer waiting)."""

    code = "taken"
    title = gettext_noop("Another agent has this chat")


class ChatLive(Conflict):
    """The ticket's chat is going on: its customer is answered in the chat, not by a mail from the reply box."""

    code = "chat_live"
    title = gettext_noop("The chat is going on")


class LimitReached(Conflict):
    """The agent already has as many chats as the brand allows at once."""

    code = "limit_reached"
    title = gettext_noop("Too many chats at once")


class TooLarge(DomainError):
    """A text or attachment over its size limit."""

    code = "too_large"
    status = 413
    title = gettext_noop("Too large")


class RateLimited(DomainError):
    """Too many messages too fast."""

    code = "rate_limited"
    status = 429
    title = gettext_noop("Too many messages")


class TooManyChats(DomainError):
    """Too many new chats from one address in an hour: the visitor is offered the e-mail form instead."""

    code = "too_many_chats"
    status = 429
    title = gettext_noop("Too many new chats")
