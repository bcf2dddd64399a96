"""VK Callback API events as normalized entries. Pure: no database, no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontdesk.connectors.base import (
    Author,
    Entry,
    FileRef,
    PrivateMessage,
    PublicItem,
    moment,
    text_of,
    whole_number,
)
from frontdesk.connectors.choices import ItemKind


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _author(from_id: Any) -> Author:
    person = str(from_id)
    if person.lstrip("-").isdigit() and person.startswith("-"):
        return Author(person, f"club{person[1:]}", f"club{person[1:]}")
    return Author(person, f"id{person}", f"id{person}")


def _web(url: Any) -> str:
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""


def _files(message: Mapping[str, Any]) -> tuple[FileRef, ...]:
    """The photos (the largest size) and documents of a message, by the addresses VK gives for them (the
    address is the file's reference; ``download`` fetches it)."""
    files = []
    for number, attachment in enumerate(message.get("attachments") or (), start=1):
        attachment = _dict(attachment)
        if attachment.get("type") == "photo":
            sizes = [_dict(size) for size in _dict(attachment.get("photo")).get("sizes") or ()]
            sizes = [size for size in sizes if _web(size.get("url"))]
            if sizes:
                largest = max(
                    sizes,
                    key=lambda size: (
                        (whole_number(size.get("width")) or 0) * (whole_number(size.get("height")) or 0)
                    ),
                )
                files.append(FileRef(largest["url"], f"photo-{message.get('id')}-{number}.jpg", "image/jpeg"))
        elif attachment.get("type") == "doc":
            doc = _dict(attachment.get("doc"))
            if _web(doc.get("url")):
                extension = text_of(doc.get("ext"), 10)
                title = text_of(doc.get("title"), 200) or f"document-{message.get('id')}-{number}"
                name = (
                    title
                    if not extension or title.lower().endswith(f".{extension.lower()}")
                    else f"{title}.{extension}"
                )
                files.append(FileRef(doc["url"], name, "", whole_number(doc.get("size"))))
    return tuple(files)


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
                files=_files(message),
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
