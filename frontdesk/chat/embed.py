"""The snippet a brand puts on its website to embed the chat."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frontdesk.brands.models import Brand
from frontdesk.chat.frames import site_url


def widget_url(base: str | None = None) -> str:
    return (base if base is not None else site_url()).rstrip("/") + reverse("chat:widget")


def snippet_html(brand: Brand, *, base: str | None = None) -> SafeString:
    """``<script src=".../chat/widget.js" data-brand="slug" async></script>`` as markup for a page."""
    return format_html('<script src="{}" data-brand="{}" async></script>', widget_url(base), brand.slug)


def snippet(brand: Brand, *, base: str | None = None) -> str:
    """The same snippet as text to show and copy (escaped wherever it is shown)."""
    return "".join(snippet_html(brand, base=base))
