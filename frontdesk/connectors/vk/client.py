"""Calls to the VK API (``FRONTDESK_VK_API_URL``) through ``core.http``: form-encoded POSTs, JSON answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from frontdesk.connectors.base import Author, SendError, call_json, message_parts
from frontdesk.connectors.models import Connector

API_VERSION = "5.199"
# VK error codes worth trying again: too many requests per second, flood control, internal server error.
RETRY_CODES = frozenset({6, 9, 10})


def call(connector: Connector, method: str, params: Mapping[str, Any]) -> Any:
    """Call ``method``; the ``response`` of the answer, else ``SendError`` with VK's code and message."""
    if not connector.access_token:
        raise SendError("The connector has no access token.", retryable=False)
    base = str(getattr(settings, "FRONTDESK_VK_API_URL", "https://api.vk.com")).rstrip("/")
    form = {**{key: str(value) for key, value in params.items()}, "access_token": connector.access_token}
    form["v"] = API_VERSION
    data = call_json(
        f"{base}/method/{method}",
        body=urlencode(form).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if not isinstance(data, dict) or "response" not in data:
        error = data.get("error") if isinstance(data, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("error_code")
        message = f"VK {method}: {code} {error.get('error_msg', '')}".strip()[:500]
        raise SendError(message, retryable=code in RETRY_CODES)
    return data["response"]


def _id_of(response: Any, key: str) -> str:
    if isinstance(response, dict):
        return str(response.get(key, ""))
    return str(response) if isinstance(response, int) else ""


def send_message(connector: Connector, peer_id: str, text: str, *, key: str = "") -> str:
    """``messages.send``, in several messages when ``text`` is longer than VK takes; the first one's id.

    ``key`` (our reply's id) makes each part's random_id, the same on every attempt, so VK drops a part it
    already has when a reply is sent again."""
    first = ""
    for number, part in enumerate(message_parts(text)):
        random_id = int(key) * 8 + number if key.isdigit() else 0
        params: dict[str, Any] = {"peer_id": peer_id, "message": part, "random_id": random_id}
        first = first or _id_of(call(connector, "messages.send", params), "message_id")
    return first


def create_comment(connector: Connector, target: Mapping[str, Any], text: str, *, key: str = "") -> str:
    params: dict[str, Any] = {
        "owner_id": target.get("owner_id", ""),
        "post_id": target.get("post_id", ""),
        "message": text,
        "from_group": connector.group_id,
    }
    if target.get("comment_id"):
        params["reply_to_comment"] = target["comment_id"]
    if key:
        params["guid"] = key
    return _id_of(call(connector, "wall.createComment", params), "comment_id")


def user(connector: Connector, user_id: str) -> Author | None:
    """``users.get``: the person's name and screen name."""
    found = call(connector, "users.get", {"user_ids": user_id, "fields": "screen_name"})
    person = found[0] if isinstance(found, list) and found and isinstance(found[0], dict) else None
    if person is None:
        return None
    name = " ".join(str(person.get(key) or "") for key in ("first_name", "last_name")).strip()
    return Author(user_id, name[:200] or f"id{user_id}", str(person.get("screen_name") or "")[:100])


def long_poll(connector: Connector, ts: str) -> tuple[list[dict[str, Any]], str]:
    """The community's events after ``ts`` by the Bots Long Poll API (without waiting: the worker asks every
    minute), and the ``ts`` to ask from next. A fresh server and key are asked for each time
    (``groups.getLongPollServer``); with no ``ts`` yet, or when VK says the history is gone, it starts from
    now."""
    server = call(connector, "groups.getLongPollServer", {"group_id": connector.group_id})
    if not isinstance(server, dict) or not all(
        isinstance(server.get(k), str | int) for k in ("server", "key", "ts")
    ):
        raise SendError("VK groups.getLongPollServer: no server", retryable=True)
    address = str(server["server"])
    if urlsplit(address).scheme not in ("http", "https"):
        raise SendError("VK groups.getLongPollServer: not a web address", retryable=False)
    start = ts if ts.isdigit() else str(server["ts"])
    query = urlencode({"act": "a_check", "key": server["key"], "ts": start, "wait": 0})
    data = call_json(f"{address}?{query}")
    if not isinstance(data, dict):
        raise SendError("VK long poll: not an object", retryable=True)
    if "failed" in data:
        # 1: events were lost, go on from the ts given; 2, 3: key or history expired, start again from now.
        if data.get("failed") == 1 and str(data.get("ts", "")).isdigit():
            return [], str(data["ts"])
        return [], str(server["ts"])
    updates = data.get("updates")
    next_ts = str(data.get("ts", start))
    return [u for u in updates if isinstance(u, dict)] if isinstance(updates, list) else [], next_ts
