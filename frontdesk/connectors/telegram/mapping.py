"""Telegram ``Update`` objects as normalized entries: private chats to conversations, group and channel
posts to mentions in the social inbox. Pure: no database, no network."""

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

PUBLIC_CHATS = frozenset({"group", "supergroup", "channel"})


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _author(message: Mapping[str, Any]) -> Author:
    person = _dict(message.get("from"))
    if person:
        name = " ".join(str(person.get(key) or "") for key in ("first_name", "last_name")).strip()
        return Author(
            str(person.get("id", "")),
            name[:200],
            text_of(person.get("username"), 100),
            text_of(person.get("language_code"), 16),
        )
    chat = _dict(message.get("sender_chat")) or _dict(message.get("chat"))
    return Author(
        str(chat.get("id", "")), text_of(chat.get("title"), 200), text_of(chat.get("username"), 100)
    )


def _text(message: Mapping[str, Any]) -> str:
    return text_of(message.get("text")) or text_of(message.get("caption"))


# Files of these kinds in a message: the name and type Telegram gives, else these (kind, extension, type).
_FILE_KINDS = (
    ("document", "bin", "application/octet-stream"),
    ("video", "mp4", "video/mp4"),
    ("audio", "mp3", "audio/mpeg"),
    ("voice", "ogg", "audio/ogg"),
    ("video_note", "mp4", "video/mp4"),
    ("animation", "mp4", "video/mp4"),
)


def _files(message: Mapping[str, Any], message_id: str) -> tuple[FileRef, ...]:
    """The files of a private message: the largest size of a photo, and a document, video, audio or voice."""
    files = []
    sizes = [size for size in message.get("photo") or () if isinstance(size, Mapping) and size.get("file_id")]
    if sizes:
        largest = max(
            sizes,
            key=lambda size: (whole_number(size.get("width")) or 0) * (whole_number(size.get("height")) or 0),
        )
        files.append(
            FileRef(
                str(largest["file_id"]),
                f"photo-{message_id}.jpg",
                "image/jpeg",
                whole_number(largest.get("file_size")),
            )
        )
    for kind, extension, content_type in _FILE_KINDS:
        item = _dict(message.get(kind))
        if item.get("file_id"):
            files.append(
                FileRef(
                    str(item["file_id"]),
                    text_of(item.get("file_name"), 200) or f"{kind}-{message_id}.{extension}",
                    text_of(item.get("mime_type"), 100) or content_type,
                    whole_number(item.get("file_size")),
                )
            )
            break  # a message carries one of these at most
    return tuple(files)


def parse_update(update: Mapping[str, Any]) -> list[Entry]:
    """The entries of one update: none for kinds the bot does not handle (edits, joins, bots' own posts)."""
    message = _dict(update.get("message")) or _dict(update.get("channel_post"))
    chat = _dict(message.get("chat"))
    if not message or "id" not in chat or "message_id" not in message:
        return []
    if _dict(message.get("from")).get("is_bot"):
        return []
    chat_id, message_id = str(chat["id"]), str(message["message_id"])
    text = _text(message)
    author = _author(message)
    sent_at = moment(message.get("date"))
    if chat.get("type") == "private":
        return [PrivateMessage(chat_id, message_id, author, text, sent_at, _files(message, message_id))]
    if chat.get("type") in PUBLIC_CHATS and text:
        username = text_of(chat.get("username"), 100)
        url = f"https://t.me/{username}/{message_id}" if username else ""
        return [
            PublicItem(
                external_id=f"{chat_id}:{message_id}",
                kind=ItemKind.MENTION,
                author=author,
                text=text,
                posted_at=sent_at,
                url=url,
                reply_target={"chat_id": chat_id, "message_id": message_id},
            )
        ]
    return []
