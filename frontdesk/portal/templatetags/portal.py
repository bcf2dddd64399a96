"""``{% purl "page" key=value %}``: the path of a page of the current brand's portal, wherever it is reached."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def purl(context: template.Context, name: str, **kwargs: Any) -> str:
    portal = context["portal"]
    return str(portal.url(name, **kwargs))
