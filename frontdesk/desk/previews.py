"""Which attachments the desk may show inline: a short allow-list of image types and PDF, each checked against the
file's first bytes. The type an attachment declares comes from its sender, so a file only goes inline when its
content starts the way that type must; everything else (SVG and HTML included) stays a download."""

from __future__ import annotations

IMAGE = "image"
PDF = "pdf"

# Declared type -> (kind of preview, what the file must start with).
_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "image/png": (IMAGE, (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": (IMAGE, (b"\xff\xd8\xff",)),
    "image/gif": (IMAGE, (b"GIF87a", b"GIF89a")),
    "image/webp": (IMAGE, (b"RIFF",)),
    "application/pdf": (PDF, (b"%PDF-",)),
}
HEAD_BYTES = 16


def normalized_type(content_type: str) -> str:
    """``Image/PNG; name=x.png`` -> ``image/png``."""
    return content_type.split(";", 1)[0].strip().lower()


def preview_kind(content_type: str) -> str | None:
    """``image``, ``pdf`` or None for a type that is never shown inline."""
    entry = _SIGNATURES.get(normalized_type(content_type))
    return entry[0] if entry else None


def may_show_inline(content_type: str, head: bytes) -> bool:
    """An allowed type whose content starts as that type must (WebP: a RIFF container holding WEBP)."""
    kind = normalized_type(content_type)
    entry = _SIGNATURES.get(kind)
    if entry is None or not head.startswith(entry[1]):
        return False
    return kind != "image/webp" or head[8:12] == b"WEBP"
