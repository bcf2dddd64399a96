"""Article bodies as the editor writes them (Markdown: paragraphs, headings, lists, links, images, code,
tables) turned into HTML for a page. Raw HTML in the source is not passed through, and the result still goes
through the nh3 sanitizer, so an article can never carry a script or a dangerous link."""

from __future__ import annotations

from functools import cache

from django.utils.safestring import SafeString
from markdown_it import MarkdownIt

from frontdesk.core.html import html_to_text, safe_html, sanitize_html


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def body_to_html(body: str) -> str:
    """Sanitized HTML of an article body (a plain string, for the API and for search)."""
    return sanitize_html(_parser().render(body or ""))


def render_body(body: str) -> SafeString:
    """Sanitized HTML of an article body, marked safe for a template."""
    return safe_html(_parser().render(body or ""))


def body_to_text(body: str) -> str:
    """The plain text of an article body (snippets, search)."""
    return html_to_text(body_to_html(body))


def excerpt(body: str, limit: int = 200) -> str:
    """The opening of an article body as one line of plain text, cut at a word, for lists and suggestions."""
    text = " ".join(body_to_text(body).split())
    if len(text) <= limit:
        return text
    # One character more: a word that ends exactly at the limit is kept whole.
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(".,;:—-– ") + "…"
