"""The start page: who you are, where to go next, and for agents the tickets most recently updated."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from frontdesk.desk.timeline import viewer_zone
from frontdesk.tickets.queries import TicketFilters, filter_tickets
from frontdesk.users.actors import actor_for
from frontdesk.users.queries import brands_visible_to

RECENT_TICKETS = 50


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)  # type: ignore[arg-type]
    brands = list(brands_visible_to(actor)) if request.user.is_authenticated else []
    tickets = (
        list(filter_tickets(actor, TicketFilters()).order_by("-updated_at", "-id")[:RECENT_TICKETS])
        if actor.is_agent
        else []
    )
    return TemplateResponse(
        request,
        "desk/home.html",
        {
            "actor": actor,
            "brands": brands,
            "tickets": tickets,
            "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
        },
    )
