"""The admin site: open to provider admins and brand admins only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        """Everyone signs in on the one sign-in page (password, code by mail, second factor), which sends them
        back here; the admin's own form would let staff accounts in only. Someone signed in without access
        gets the admin's page saying so."""
        if request.user.is_authenticated:
            return super().login(request, extra_context)
        target = request.GET.get("next") or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
