"""VK Callback API events as normalized entries. Pure: no database, no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontdesk.connectors.base import Author, Entry, PrivateMessage, PublicItem, moment, text_of
from frontdesk.connectors.choices import ItemKind


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _author(from_id: Any) -> Author:
    person = str(from_id)
    if person.lstrip("-").isdigit() and person.startswith("-"):
        return Author(person, f"club{person[1:]}", f"club{person[1:]}")
    return Author(person, f"id{person}", f"id{person}")


def parse_event(event: Mapping[str, Any]) -> list[Entry]:
    kind = event.get("type")
    body = _dict(event.get("object"))
    if kind == "message_new":
        message = _dict(body.get("message")) or body
        if "peer_id" not in message or "id" not in message:
            return []
        return [
            PrivateMessage(
                thread_id=str(message["peer_id"]),
                message_id=str(message["id"]),
                author=_author(message.get("from_id", message["peer_id"])),
                text=text_of(message.get("text")),
                sent_at=moment(message.get("date")),
            )
        ]
    if kind == "wall_reply_new":
        owner = body.get("post_owner_id", body.get("owner_id"))
        post, comment = body.get("post_id"), body.get("id")
        text = text_of(body.get("text"))
        if owner is None or post is None or comment is None or not text:
            return []
        if str(body.get("from_id", "")) == str(owner):  # the community answering under its own post
            return []
        return [
            PublicItem(
                external_id=f"wall{owner}_{post}_{comment}",
                kind=ItemKind.COMMENT,
                author=_author(body.get("from_id", "")),
                text=text,
                posted_at=moment(body.get("date")),
                url=f"https://vk.com/wall{owner}_{post}?reply={comment}",
                reply_target={"owner_id": str(owner), "post_id": str(post), "comment_id": str(comment)},
            )
        ]
    return []
