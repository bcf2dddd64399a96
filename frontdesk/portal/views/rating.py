"""Rating a solved request: from the links of the rating mail (signed, no sign-in needed) or, signed in, from
the request's page. Good or bad with a comment; a bad rating brings a team lead's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.portal.forms_requests import RatingForm
from frontdesk.portal.site import Portal, customer_view, portal_view
from frontdesk.tickets.choices import Rating, Status
from frontdesk.tickets.queries import access_ticket
from frontdesk.tickets.satisfaction import (
    can_rate,
    rate_ticket,
    rate_ticket_by_token,
    rating_of,
    ticket_for_rating_token,
)

if TYPE_CHECKING:
    from frontdesk.tickets.models import Ticket, TicketRating


def _page(
    request: HttpRequest, portal: Portal, ticket: Ticket, rate: Any, *, follow_url: str | None
) -> HttpResponse:
    current = rating_of(ticket)
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                rating: TicketRating = rate(form.cleaned_data["rating"], form.cleaned_data["comment"])
            except PermissionDenied:
                raise
            except DomainError as error:
                form.add_error("comment" if error.field == "comment" else None, error.detail)
            else:
                context = {"ticket": ticket, "bad": rating.rating == Rating.BAD, "follow_url": follow_url}
                return TemplateResponse(request, "portal/rate_done.html", context)
        status = 422
    else:
        chosen = request.GET.get("rating", "")
        initial = {"rating": chosen if chosen in Rating.values else (current.rating if current else "")}
        if current is not None:
            initial["comment"] = current.comment
        form = RatingForm(initial=initial)
    context = {
        "ticket": ticket,
        "form": form,
        "current": current,
        "solved": ticket.status in (Status.SOLVED, Status.CLOSED),
        "follow_url": follow_url,
    }
    return TemplateResponse(request, "portal/rate.html", context, status=status)


@require_http_methods(["GET", "POST"])
@portal_view
def rate_by_link(request: HttpRequest, portal: Portal, token: str) -> HttpResponse:
    """The page a rating mail's link opens: the link stands for the request's customer, for rating only."""
    ticket = ticket_for_rating_token(token[:500], brand_id=portal.brand.pk)

    def rate(rating: str, comment: str) -> TicketRating:
        return rate_ticket_by_token(token, brand_id=portal.brand.pk, rating=rating, comment=comment)

    follow_url = portal.url_or_none("ticket", number=ticket.number) if portal.customer is not None else None
    return _page(request, portal, ticket, rate, follow_url=follow_url)


@require_http_methods(["GET", "POST"])
@customer_view
def rate_request(request: HttpRequest, portal: Portal, number: str) -> HttpResponse:
    """Rating one's own request from its page (a colleague or manager who sees it may not rate it: 404)."""
    ticket = access_ticket(portal.actor, number.upper())
    if not can_rate(portal.actor, ticket):
        raise NotFound("ticket")

    def rate(rating: str, comment: str) -> TicketRating:
        return rate_ticket(ticket, actor=portal.actor, rating=rating, comment=comment)

    return _page(request, portal, ticket, rate, follow_url=portal.url_or_none("ticket", number=ticket.number))
