"""The admin site: open to provider admins and brand admins only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from frontdesk.users.actors import Actor, actor_for


def request_actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)  # type: ignore[arg-type]


class FrontdeskAdminSite(admin.AdminSite):
    site_header = _("Frontdesk administration")
    site_title = _("Frontdesk")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        if not (request.user.is_active and request.user.is_authenticated):
            return False
        actor = request_actor(request)
        return actor.is_provider_admin or bool(actor.admin_brand_ids)
