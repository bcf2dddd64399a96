"""Tags of the page header: ``{% is_desk_agent as agent %}``, ``{% is_settings_admin as admin %}`` and
``{% notification_bell %}`` (the bell with the unread count).

They cost the page no query: the actor and the count come from the cache, and where the cache has no count
the bell fetches it after the page loaded.
"""

from __future__ import annotations

from typing import Any

from django import template

from frontdesk.notifications.queries import cached_unread_count
from frontdesk.users.actors import NOBODY, Actor, actor_for

register = template.Library()


def _actor(context: template.Context) -> Actor:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return NOBODY
    return actor_for(user)


@register.simple_tag(takes_context=True)
def is_desk_agent(context: template.Context) -> bool:
    return _actor(context).is_agent


@register.simple_tag(takes_context=True)
def is_settings_admin(context: template.Context) -> bool:
    """A provider admin or a brand admin: the header links to the settings (the admin site)."""
    actor = _actor(context)
    return actor.is_provider_admin or bool(actor.admin_brand_ids)


@register.inclusion_tag("desk/partials/notification_bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    actor = _actor(context)
    if not actor.is_agent:
        return {"show": False}
    return {"show": True, "unread": cached_unread_count(actor), "fetch": True}
