"""Search: tickets by number, subject, message text and the customer's name, email or phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from frontdesk.api.auth import current_actor
from frontdesk.api.idempotency import json_response
from frontdesk.api.presenters import ticket_json
from frontdesk.api.routers.common import refuse_unknown_params
from frontdesk.api.schemas.search import TicketSearchIn, TicketSearchOut
from frontdesk.tickets.search import search_tickets as search

router = Router(tags=["search"])


@router.get(
    "/tickets",
    response={200: TicketSearchOut},
    summary="Search tickets",
    description=(
        "The tickets the caller may see that match `q`, best first: the exact number, then a piece of a "
        "number, the customer's email or phone, their name, the subject, a message. Customers search their "
        "own tickets and public messages. An empty or too long `q` is refused with 422."
    ),
)
def search_tickets(request: HttpRequest, params: Query[TicketSearchIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, TicketSearchIn)
    hits = search(actor, params.q, limit=params.limit)
    items = [
        {"ticket": ticket_json(actor, hit.ticket), "score": round(hit.score, 3), "found": sorted(hit.found)}
        for hit in hits
    ]
    return json_response(200, {"items": items})
