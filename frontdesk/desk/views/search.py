"""Search: tickets by number, subject, message text and the customer's name, email or phone, as the agent
types (the box asks again after a pause in typing; the page answers HTMX with the results only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frontdesk.core.errors import InvalidInput
from frontdesk.core.search import MAX_QUERY_LENGTH
from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.tickets.search import Found, search_tickets
from frontdesk.users.actors import Actor

RESULTS = 50

FOUND_LABELS = {
    Found.NUMBER: _("number"),
    Found.NUMBER_PART: _("number"),
    Found.CONTACT: _("email or phone"),
    Found.CUSTOMER: _("customer"),
    Found.SUBJECT: _("subject"),
    Found.MESSAGE: _("message"),
}
# The order in which the places of a match are listed.
FOUND_ORDER = list(FOUND_LABELS)


@require_GET
@agent_view
def search_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    q = request.GET.get("q", "")
    hits: list[Any] = []
    error = ""
    status = 200
    if q.strip():
        try:
            hits = search_tickets(actor, q, limit=RESULTS)
        except InvalidInput as refused:
            error, status = refused.detail, 422
    results = [
        {
            "ticket": hit.ticket,
            # Each place once, in FOUND_ORDER ("number" stands for both kinds of number match).
            "found": list(dict.fromkeys(str(FOUND_LABELS[f]) for f in FOUND_ORDER if f in hit.found)),
        }
        for hit in hits
    ]
    template = "desk/partials/search_results.html" if request.htmx else "desk/search.html"  # type: ignore[attr-defined]
    context = {
        "q": q,
        "searched": bool(q.strip()),
        "results": results,
        "error": error,
        "max_length": MAX_QUERY_LENGTH,
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }
    return TemplateResponse(request, template, context, status=status)
