"""The start page: who you are, where to go next."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from frontdesk.users.actors import actor_for
from frontdesk.users.queries import brands_visible_to


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)  # type: ignore[arg-type]
    brands = list(brands_visible_to(actor)) if request.user.is_authenticated else []
    return TemplateResponse(request, "desk/home.html", {"actor": actor, "brands": brands})
