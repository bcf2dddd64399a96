"""Calls to the Telegram Bot API (``FRONTDESK_TELEGRAM_API_URL``) through ``core.http``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.conf import settings

from frontdesk.connectors.base import SendError, call_json, fetch_bytes, message_parts
from frontdesk.connectors.models import Connector

# Updates asked for per getUpdates call, and the kinds of update the bot takes.
POLL_LIMIT = 100
ALLOWED_UPDATES = ["message", "channel_post"]


def _base() -> str:
    return str(getattr(settings, "FRONTDESK_TELEGRAM_API_URL", "https://api.telegram.org")).rstrip("/")


def _url(connector: Connector, method: str) -> str:
    return f"{_base()}/bot{quote(connector.bot_token, safe=':')}/{method}"


def call(connector: Connector, method: str, params: Mapping[str, Any] | None = None) -> Any:
    """Call ``method`` with JSON ``params``; the ``result`` of an ``ok`` answer, else ``SendError``."""
    if not connector.bot_token:
        raise SendError("The connector has no bot token.", retryable=False)
    body = json.dumps(dict(params or {}), ensure_ascii=False).encode("utf-8")
    data = call_json(
        _url(connector, method), body=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    if not isinstance(data, dict) or not data.get("ok"):
        description = str(data.get("description", "")) if isinstance(data, dict) else ""
        code = data.get("error_code") if isinstance(data, dict) else None
        retryable = code == 429 or (isinstance(code, int) and code >= 500)
        raise SendError(f"Telegram {method}: {code} {description}".strip()[:500], retryable=retryable)
    return data.get("result")


def get_updates(connector: Connector, offset: str) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"timeout": 0, "limit": POLL_LIMIT, "allowed_updates": ALLOWED_UPDATES}
    if offset.isdigit():
        params["offset"] = int(offset)
    result = call(connector, "getUpdates", params)
    return [update for update in result if isinstance(update, dict)] if isinstance(result, list) else []


def send_message(connector: Connector, chat_id: str, text: str, *, reply_to: str = "") -> str:
    """Send ``text`` (in several messages when it is longer than Telegram takes); the first message's id."""
    chat: int | str = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
    first = ""
    for number, part in enumerate(message_parts(text)):
        params: dict[str, Any] = {"chat_id": chat, "text": part}
        if reply_to.isdigit() and number == 0:
            params["reply_parameters"] = {"message_id": int(reply_to), "allow_sending_without_reply": True}
        result = call(connector, "sendMessage", params)
        first = first or (str(result.get("message_id", "")) if isinstance(result, dict) else "")
    return first


def set_webhook(connector: Connector, url: str) -> None:
    call(
        connector,
        "setWebhook",
        {"url": url, "secret_token": connector.secret, "allowed_updates": ALLOWED_UPDATES},
    )


def delete_webhook(connector: Connector) -> None:
    call(connector, "deleteWebhook", {"drop_pending_updates": False})


def download(connector: Connector, file_id: str, *, limit: int) -> bytes:
    """A file of a message: ``getFile`` names its path, which is then fetched (the Bot API serves files of at
    most 20 MB). ``SendError`` when either step fails or the file is larger than ``limit`` bytes."""
    result = call(connector, "getFile", {"file_id": file_id})
    path = result.get("file_path") if isinstance(result, dict) else None
    size = result.get("file_size") if isinstance(result, dict) else None
    if not isinstance(path, str) or not path:
        raise SendError("Telegram getFile: no file path", retryable=False)
    if isinstance(size, int) and size > limit:
        raise SendError(f"larger than {limit} bytes", retryable=False)
    token = quote(connector.bot_token, safe=":")
    return fetch_bytes(f"{_base()}/file/bot{token}/{quote(path, safe='/')}", limit=limit)
