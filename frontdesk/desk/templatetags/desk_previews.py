"""``{{ attachment.content_type|preview_kind }}``: how the timeline shows an attachment (image, pdf or a link)."""

from __future__ import annotations

from django import template

from frontdesk.desk import previews

register = template.Library()


@register.filter
def preview_kind(content_type: str) -> str:
    return previews.preview_kind(content_type or "") or ""
