"""The one place where outside HTML is cleaned and marked safe."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe  # noqa: TID251

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}

_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote|pre)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def sanitize_html(value: str) -> str:
    """Clean HTML from outside: no scripts, styles, event handlers or dangerous URLs."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(value: str) -> str:
    """Plain text of (already sanitized) HTML, keeping paragraph breaks."""
    text = _BLOCK_END.sub("\n", value)
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_to_html(value: str) -> str:
    """HTML paragraphs of plain text, every character escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", value.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def safe_html(value: str) -> SafeString:
    """Sanitize and mark safe for templates: the only way outside HTML reaches a page."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - cleaned by nh3 on the line itself


def format_translated(text: str, **values: str) -> SafeString:
    """A translated text with ``%(name)s`` placeholders as HTML, the text and the values escaped (what
    ``{% blocktranslate with name=... %}`` writes, but for a text written in code)."""
    return mark_safe(html.escape(text) % {key: conditional_escape(value) for key, value in values.items()})  # noqa: S308
