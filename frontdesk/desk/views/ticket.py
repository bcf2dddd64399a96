"""The ticket page: header, one timeline of messages, notes, calls and events, the delivery of our mail, and
the composer for replies and internal notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from frontdesk.chat.queries import refuse_mail_during_chat
from frontdesk.connectors.queries import answer_route, social_reply_states
from frontdesk.core.errors import DomainError, NotFound, PermissionDenied, TicketChanged
from frontdesk.desk import previews
from frontdesk.desk.forms import NOTE, ComposerForm, LogCallForm
from frontdesk.desk.timeline import build_timeline, delivery_of, mail_recipient, team_ids_in, viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.desk.views.customer import panel_context
from frontdesk.mail.actions import retry_outbound
from frontdesk.mail.queries import access_outbound, left_out_history, outbound_for_ticket
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.queries import (
    access_attachment,
    access_ticket,
    events_visible_to,
    timeline_messages_visible_to,
)
from frontdesk.tickets.request_types import request_details
from frontdesk.users.actors import Actor
from frontdesk.users.queries import teams_visible_to

if TYPE_CHECKING:
    from frontdesk.tickets.models import Message, Ticket


def _page(
    request: HttpRequest,
    actor: Actor,
    ticket: Ticket,
    form: ComposerForm | None = None,
    *,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The page, or for HTMX the ticket's part of it: header, timeline and composer."""
    # With the messages of tickets merged into this one (they stay on their own tickets).
    messages = list(timeline_messages_visible_to(actor, ticket))
    events = list(events_visible_to(actor, ticket))
    outbound = outbound_for_ticket(actor, ticket)
    team_ids = team_ids_in(events)
    team_names = (
        dict(teams_visible_to(actor).filter(pk__in=sorted(team_ids)).values_list("id", "name"))
        if team_ids
        else {}
    )
    # An answer on a social ticket went out to the network: where it stands, beside the mail deliveries.
    social = social_reply_states(actor, ticket.pk) if ticket.channel == Channel.SOCIAL else {}
    timeline = build_timeline(
        messages,
        events,
        outbound,
        team_names=team_names,
        mail_to=mail_recipient(ticket),
        social_replies=social,
    )
    if form is None:
        form = ComposerForm(initial={"version": ticket.version})
    context = {
        **_reply_goes(ticket),
        "ticket": ticket,
        "timeline": timeline,
        "form": form,
        "stale": stale,
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
        "request_details": request_details(ticket, get_language() or ticket.language),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(request, "desk/partials/ticket.html", context, status=status)
    # The whole page also has the customer panel and the call form beside the ticket.
    context |= panel_context(actor, ticket.customer_id, ticket_id=ticket.pk)
    context["call_form"] = LogCallForm()
    return TemplateResponse(request, "desk/ticket.html", context, status=status)


@require_GET
@agent_view
def ticket_page(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    return _page(request, actor, access_ticket(actor, number))


def _send(actor: Actor, ticket: Ticket, form: ComposerForm) -> Message:
    data = form.cleaned_data
    body = form.valid_body()
    if data["kind"] == NOTE:
        return ticket_actions.add_note(
            ticket, actor=actor, body=body, attachments=form.uploads, version=data["version"]
        )
    refuse_mail_during_chat(ticket)
    return ticket_actions.reply_to_ticket(
        ticket,
        actor=actor,
        body=body,
        attachments=form.uploads,
        status=data["status"] or None,
        version=data["version"],
    )


@require_POST
@agent_view
def post_message(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """Reply or note from the composer. A post made on an outdated page is not sent: the composer comes
    back with a warning and the new timeline, and sending it again confirms."""
    ticket = access_ticket(actor, number)
    form = ComposerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, actor, ticket, form, status=422)
    try:
        message = _send(actor, ticket, form)
    except TicketChanged as changed:
        data = request.POST.copy()
        data["version"] = str(changed.extra.get("current", ""))
        ticket = access_ticket(actor, number)
        return _page(request, actor, ticket, ComposerForm(data, request.FILES), stale=True, status=409)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.detail)
        return _page(request, actor, ticket, form, status=422)
    if not request.htmx:  # type: ignore[attr-defined]
        url = reverse("desk:ticket", args=[ticket.number])
        return HttpResponseRedirect(f"{url}#message-{message.pk}")
    return _page(request, actor, access_ticket(actor, number))


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


def _reply_goes(ticket: Ticket) -> dict[str, str | bool]:
    """Where the composer says a reply goes: by mail to an address, back to a network, or nowhere (a customer
    without an address, a network that cannot be answered): it then stays on the ticket. A chat is answered in
    the chat panel and says nothing here."""
    if ticket.channel == Channel.CHAT:
        return {}
    if ticket.channel == Channel.SOCIAL:
        route = answer_route(ticket.pk, ticket.brand_id)
        if route is not None:
            return {
                "reply_network": str(route.connector.get_kind_display()),
                "reply_connector": route.connector.name,
            }
        return {"reply_nowhere": True}
    address = mail_recipient(ticket)
    return {"reply_mail_to": address} if address else {"reply_nowhere": True}


@require_GET
@agent_view
def quoted_history(request: HttpRequest, actor: Actor, number: str, message_id: int) -> HttpResponse:
    """The quoted history that a mail's answer carried, folded under the message (fetched when unfolded)."""
    ticket = access_ticket(actor, number)
    response = HttpResponse(left_out_history(actor, ticket, message_id))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@agent_view
def download_attachment(
    request: HttpRequest, actor: Actor, number: str, attachment_id: int
) -> HttpResponseBase:
    """A download, as outside content must be. With ``?inline=1`` an image or PDF whose first bytes match its
    declared type is shown instead, in its own type, still sandboxed and never sniffed; anything else (SVG and
    HTML included) stays a download."""
    ticket = access_ticket(actor, number)
    attachment = access_attachment(actor, ticket, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    inline = False
    if request.GET.get("inline") == "1":
        inline = previews.may_show_inline(attachment.content_type, handle.read(previews.HEAD_BYTES))
        handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=previews.normalized_type(attachment.content_type)
        if inline
        else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
