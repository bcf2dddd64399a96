"""The one interface every network's adapter implements, and the normalized items adapters produce.

An adapter is stateless: it reads a connector's settings and talks to its network through ``core.http``.

- ``receive(connector, request)`` checks an inbound webhook request (secret, signature, JSON) and splits it
  into raw updates ``(external id, payload)``; an answer the network expects at once (VK's confirmation code)
  comes back as ``Received.answer``. Bad input raises ``Refused`` (a 4xx with a JSON error).
- ``parse(connector, payload)`` turns one stored raw payload into normalized entries: ``PrivateMessage`` (a
  conversation that becomes a ticket) or ``PublicItem`` (a mention or comment for the social inbox).
- ``fetch(connector)`` polls the network for new updates after the connector's cursor (``Fetched``).
- ``describe(connector, author)`` fills in the name of a person the network sent only an id of (VK); the
  author as it is when the network cannot say.
- ``send_message(connector, thread_id, text, key=...)`` answers in a private conversation,
  ``reply_public(connector, target, text, key=...)`` under a public post; both return the network's id of what
  was posted and raise ``SendError`` (``retryable`` or not). ``key`` is our reply's id, for networks that drop
  a repeated send by a key of the caller's (VK's random_id).

External ids make every step idempotent: raw payloads are unique per (connector, update id), inbox items per
(connector, post id), conversations per (connector, chat id).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from django.utils import timezone

from frontdesk.connectors.choices import ItemKind
from frontdesk.core import http

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdesk.connectors.models import Connector


class Refused(Exception):
    """An inbound request we do not take: answered with ``status`` and a JSON error ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class SendError(Exception):
    """A call to a network's API that failed; ``retryable`` says whether trying later may help."""

    def __init__(self, message: str, *, retryable: bool, unreachable: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        # When no answer came: the host that could not be reached, and why (a connection error, a timeout).
        self.unreachable = unreachable
        self.reason = reason


class NotSupported(SendError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


@dataclass(frozen=True)
class Author:
    external_id: str
    name: str = ""
    username: str = ""
    # The language the network says the person uses (a tag like "ru" or "pt-br"), if it says.
    language: str = ""


@dataclass(frozen=True)
class FileRef:
    """A file a message carries, as the network names it: fetched by the adapter's ``download``."""

    ref: str  # the network's id of the file (Telegram's file_id)
    name: str
    content_type: str = ""
    size: int | None = None  # what the network says, if it says


@dataclass(frozen=True)
class PrivateMessage:
    """A message in a private conversation with the brand: it goes to the conversation's ticket."""

    thread_id: str
    message_id: str
    author: Author
    text: str
    sent_at: dt.datetime
    files: tuple[FileRef, ...] = ()


@dataclass(frozen=True)
class PublicItem:
    """A public mention or comment for the brand's social inbox."""

    external_id: str
    kind: ItemKind
    author: Author
    text: str
    posted_at: dt.datetime
    url: str = ""
    # Where an answer goes (chat and message ids, or VK owner, post and comment ids).
    reply_target: Mapping[str, Any] = field(default_factory=dict)


Entry = PrivateMessage | PublicItem


@dataclass(frozen=True)
class Received:
    """An inbound request taken: its raw updates to store, and the body to answer with."""

    updates: Sequence[tuple[str, dict[str, Any]]] = ()
    answer: str | dict[str, Any] = field(default_factory=lambda: {"ok": True})


@dataclass(frozen=True)
class Fetched:
    updates: Sequence[tuple[str, dict[str, Any]]]
    cursor: str


class Adapter(Protocol):
    kind: str

    def receive(self, connector: Connector, request: HttpRequest) -> Received: ...

    def parse(self, connector: Connector, payload: Mapping[str, Any]) -> list[Entry]: ...

    def fetch(self, connector: Connector) -> Fetched: ...

    def describe(self, connector: Connector, author: Author) -> Author: ...

    def send_message(self, connector: Connector, thread_id: str, text: str, *, key: str = "") -> str: ...

    def reply_public(
        self, connector: Connector, target: Mapping[str, Any], text: str, *, key: str = ""
    ) -> str: ...

    def download(self, connector: Connector, file: FileRef, *, limit: int) -> bytes: ...


# API calls wait at most this long (core.http's connect and total timeouts).
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 15.0
RETRY_STATUSES = frozenset({408, 429})


def _request(
    url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None, **options: Any
) -> http.Response:
    """GET (or POST ``body``) through ``core.http``; ``SendError`` when no answer came. Secrets in the URL
    (Telegram's bot token) never reach the message: errors name only the host."""
    options = {"connect_timeout": CONNECT_TIMEOUT, "total_timeout": TOTAL_TIMEOUT, **options}
    try:
        if body is None:
            return http.get(url, headers=headers, **options)
        return http.post(url, body=body, headers=headers, **options)
    except http.HttpError as failure:
        host = urlsplit(url).hostname or ""
        reason = str(failure) or type(failure).__name__
        raise SendError(
            f"could not reach {host}: {reason}", retryable=failure.retryable, unreachable=host, reason=reason
        ) from None


def call_json(url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None) -> Any:
    """GET (or POST ``body``) and decode the JSON answer; ``SendError`` on failure."""
    response = _request(url, body=body, headers=headers)
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        data = None
    if response.status >= 500 or response.status in RETRY_STATUSES:
        raise SendError(f"HTTP {response.status}", retryable=True)
    if data is None:
        raise SendError(f"HTTP {response.status}: the answer is not JSON", retryable=response.status >= 300)
    return data


def fetch_bytes(url: str, *, limit: int) -> bytes:
    """The body of a GET: ``SendError`` on failure, or when it is larger than ``limit`` bytes (not
    retryable)."""
    response = _request(url, max_response_bytes=limit)
    if response.status != 200:
        retryable = response.status >= 500 or response.status in RETRY_STATUSES
        raise SendError(f"HTTP {response.status}", retryable=retryable)
    if response.truncated:
        raise SendError(f"larger than {limit} bytes", retryable=False)
    return response.body


def whole_number(value: Any) -> int | None:
    """A network's integer field (a size, a width), None when it is missing or anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text_of(value: Any, limit: int = 20000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def moment(unix: Any) -> dt.datetime:
    """A network's Unix time as an aware datetime (now when missing or nonsense)."""
    if isinstance(unix, int | float) and not isinstance(unix, bool) and 0 < unix < 2**33:
        return dt.datetime.fromtimestamp(unix, tz=dt.UTC)
    return timezone.now()


# The largest inbound body taken, in bytes.
MAX_BODY_BYTES = 256 * 1024


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def json_object(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object; ``Refused`` (400) for anything else."""
    from django.utils.translation import gettext as _

    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, "too_large", _("The request body is too large."))
    try:
        # NUL characters and non-finite numbers are valid JSON to Python but cannot be stored (PostgreSQL).
        if b"\\u0000" in body:
            raise ValueError("NUL")
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused(400, "bad_json", _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refused(400, "bad_json", _("The request body must be a JSON object."))
    return data


# Telegram and VK take at most 4,096 characters per message.
MESSAGE_CHARS = 4000


def message_parts(text: str, size: int = MESSAGE_CHARS) -> list[str]:
    """``text`` cut into messages of at most ``size`` characters, at a line break where there is one."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest] if rest else parts
