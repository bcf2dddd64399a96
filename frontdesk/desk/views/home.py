"""The start page: who you are, and for agents the queues with their counts (the way into the work) and the
tickets most recently updated."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.queues import sidebar
from frontdesk.tickets.queries import TicketFilters, filter_tickets
from frontdesk.tickets.queues import desk_for, saved_views_visible_to
from frontdesk.users.actors import actor_for
from frontdesk.users.queries import brands_visible_to

RECENT_TICKETS = 50


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)  # type: ignore[arg-type]
    brands = list(brands_visible_to(actor)) if request.user.is_authenticated else []
    context: dict[str, Any] = {
        "actor": actor,
        "brands": brands,
        "tickets": [],
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }
    if actor.is_agent:
        context["tickets"] = list(
            filter_tickets(actor, TicketFilters()).order_by("-updated_at", "-id")[:RECENT_TICKETS]
        )
        context["sidebar"] = sidebar(
            actor,
            desk_for(actor),
            list(saved_views_visible_to(actor)),
            brands=[b for b in brands if actor.serves(b.pk)],
        )
    return TemplateResponse(request, "desk/home.html", context)
