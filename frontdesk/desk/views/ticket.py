"""The ticket page: header, one timeline of messages, notes, calls and events, and the delivery of our mail."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from frontdesk.desk.timeline import build_timeline, delivery_of, team_ids_in, viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.mail.actions import retry_outbound
from frontdesk.mail.queries import access_outbound, outbound_for_ticket
from frontdesk.tickets.queries import access_attachment, access_ticket, events_visible_to, messages_visible_to
from frontdesk.users.actors import Actor
from frontdesk.users.queries import teams_visible_to


@require_GET
@agent_view
def ticket_page(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    ticket = access_ticket(actor, number)
    messages = list(messages_visible_to(actor, ticket))
    events = list(events_visible_to(actor, ticket))
    outbound = outbound_for_ticket(actor, ticket)
    team_ids = team_ids_in(events)
    team_names = (
        dict(teams_visible_to(actor).filter(pk__in=sorted(team_ids)).values_list("id", "name"))
        if team_ids
        else {}
    )
    timeline = build_timeline(messages, events, outbound, team_names=team_names)
    return TemplateResponse(
        request,
        "desk/ticket.html",
        {
            "ticket": ticket,
            "timeline": timeline,
            "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
        },
    )


@require_POST
@agent_view
def retry_mail(request: HttpRequest, actor: Actor, number: str, outbound_id: int) -> HttpResponse:
    """Send a failed or interrupted mail again; HTMX gets the delivery line back, a plain form the page."""
    ticket = access_ticket(actor, number)
    outbound = access_outbound(actor, ticket, outbound_id)
    retry_outbound(outbound, actor=actor)
    if not request.htmx:  # type: ignore[attr-defined]
        url = reverse("desk:ticket", args=[ticket.number])
        return HttpResponseRedirect(f"{url}#delivery-{outbound.pk}")
    outbound = access_outbound(actor, ticket, outbound_id)
    return TemplateResponse(
        request,
        "desk/partials/delivery.html",
        {
            "ticket": ticket,
            "delivery": delivery_of(outbound, now=timezone.now()),
            "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
        },
    )


@require_GET
@agent_view
def download_attachment(
    request: HttpRequest, actor: Actor, number: str, attachment_id: int
) -> HttpResponseBase:
    """Always a download, never shown inline: an attachment is outside content."""
    ticket = access_ticket(actor, number)
    attachment = access_attachment(actor, ticket, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
