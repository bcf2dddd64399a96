"""A customer's requests in a brand's portal: the list (with their organization's for managers), each
request's public history, answering with attachments, closing and reopening.

A request is reached by the signed-in customer of this brand who may see it, or in a browser session that
opened the one-time link of a status look-up (``lookup``) for that request only. Everyone else gets 404."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from frontdesk.core.html import safe_html
from frontdesk.portal import lookup
from frontdesk.portal.forms import (
    SCOPE_ORGANIZATION,
    STATUS_ALL,
    STATUS_OPEN,
    STATUS_SOLVED,
    ReplyForm,
    RequestFilterForm,
)
from frontdesk.portal.site import Portal, customer_view, portal_view
from frontdesk.portal.statuses import event_line, status_label
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import OPEN_STATUSES, AuthorKind, Channel, EventKind, Status
from frontdesk.tickets.queries import (
    TicketFilters,
    access_attachment,
    access_ticket,
    events_visible_to,
    filter_tickets,
    ticket_rows,
    timeline_messages_visible_to,
)
from frontdesk.tickets.search import search_tickets
from frontdesk.users.actors import SYSTEM, Actor, actor_in_brand

if TYPE_CHECKING:
    from frontdesk.tickets.models import Ticket

PAGE_SIZE = 20
# Matches of a text search the list shows at most.
SEARCH_LIMIT = 100
_STATUSES: dict[str, list[str] | None] = {
    STATUS_OPEN: sorted(OPEN_STATUSES),
    STATUS_SOLVED: [Status.SOLVED.value, Status.CLOSED.value],
    STATUS_ALL: None,
}
# The history lines a customer sees besides the messages.
_EVENT_LINES = {
    EventKind.SOLVED,
    EventKind.CLOSED,
    EventKind.REOPENED,
    EventKind.STATUS_CHANGED,
    EventKind.MERGED,
}


@require_GET
@customer_view
def requests_list(request: HttpRequest, portal: Portal) -> HttpResponse:
    """The customer's requests in this brand, newest first, a page at a time (``before``: the last id shown);
    a manager may switch to their organization's. The same four queries for 3 requests or 300."""
    form = RequestFilterForm(request.GET)
    values = form.values()
    is_manager = bool(portal.actor.managed_organization_ids)
    organization = is_manager and values["scope"] == SCOPE_ORGANIZATION
    qs = filter_tickets(portal.actor, TicketFilters(status=_STATUSES[values["status"]]), details=False)
    qs = qs.filter(brand_id=portal.brand.pk)
    if not organization:
        qs = qs.filter(customer_id=portal.customer.pk)  # type: ignore[union-attr]
    search_error = ""
    if values["q"]:
        try:
            hits = search_tickets(portal.actor, values["q"], limit=SEARCH_LIMIT)
        except InvalidInput as error:
            hits, search_error = [], error.detail
        qs = qs.filter(pk__in=[hit.ticket.pk for hit in hits])
    if values["before"]:
        qs = qs.filter(pk__lt=values["before"])
    rows = list(ticket_rows(qs.order_by("-id"))[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for row in rows:
        row["status_label"] = status_label(row["status"])
        row["is_open"] = row["status"] in OPEN_STATUSES
    next_query = ""
    if more:
        params = request.GET.copy()
        params["before"] = str(rows[-1]["id"])
        next_query = params.urlencode()
    context = {
        "form": form,
        "filters": values,
        "rows": rows,
        "next_query": next_query,
        "is_manager": is_manager,
        "organization": organization,
        "search_error": search_error,
        "status_choices": form.fields["status"].choices,  # type: ignore[attr-defined]
    }
    return TemplateResponse(request, "portal/requests.html", context)


def _ticket_for(request: HttpRequest, portal: Portal, number: str) -> tuple[Ticket, Actor]:
    """The request and who acts on it: the signed-in customer, or the holder of a look-up link (as the
    request's customer, for this request only). ``NotFound`` otherwise."""
    number = number.upper()
    if portal.customer is not None:
        try:
            ticket = access_ticket(portal.actor, number)
        except NotFound:
            pass
        else:
            if ticket.brand_id == portal.brand.pk:
                return ticket, portal.actor
    if lookup.has_access(request, portal.brand.pk, number):
        ticket = access_ticket(SYSTEM, number)
        if ticket.brand_id == portal.brand.pk:
            as_customer = replace(
                actor_in_brand(ticket.customer), user_id=None, managed_organization_ids=frozenset()
            )
            return ticket, as_customer
    raise NotFound("ticket")


def _entry_point(request: HttpRequest, portal: Portal) -> HttpResponse | None:
    """Visitors who are not signed in are asked to, whatever the number (so a number's existence is not
    told); signed-in people who may not see the request get 404."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(request.get_full_path(), portal.url("signin"))


def _timeline(actor: Actor, ticket: Ticket) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for message in timeline_messages_visible_to(actor, ticket):
        items.append(
            {
                "kind": "message",
                "at": message.created_at,
                "id": message.pk,
                "message": message,
                "from_customer": message.author_kind == AuthorKind.CUSTOMER,
                "body": safe_html(message.body_html),
                "attachments": list(message.attachments.all()),
                "number": getattr(message, "origin_number", ticket.number),
            }
        )
    for event in events_visible_to(actor, ticket):
        if event.kind not in _EVENT_LINES:
            continue
        after = event.data.get("after") if isinstance(event.data, dict) else None
        items.append(
            {
                "kind": "event",
                "at": event.at,
                "id": event.pk,
                "event_label": event_line(event.kind, after),
            }
        )
    items.sort(key=lambda item: (item["at"], item["kind"] == "event", item["id"]))
    return items


def _page(
    request: HttpRequest,
    portal: Portal,
    ticket: Ticket,
    actor: Actor,
    *,
    form: ReplyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "error": error,
        "ticket": ticket,
        "status_label": status_label(ticket.status),
        "timeline": _timeline(actor, ticket),
        "form": form or ReplyForm(),
        "can_reply": ticket.status != Status.CLOSED,
        "can_solve": ticket.status in OPEN_STATUSES,
        "can_reopen": ticket.status == Status.SOLVED,
        "via_link": portal.customer is None or actor.user_id is None,
    }
    return TemplateResponse(request, "portal/ticket.html", context, status=status)


@require_GET
@portal_view
def ticket_page(request: HttpRequest, portal: Portal, number: str) -> HttpResponse:
    try:
        ticket, actor = _ticket_for(request, portal, number)
    except NotFound:
        redirect = _entry_point(request, portal)
        if redirect is not None:
            return redirect
        raise
    return _page(request, portal, ticket, actor)


def _posted(view: Any) -> Any:
    """A POST on a request: 404 for anyone who may not see it (signed in or not)."""

    def inner(request: HttpRequest, portal: Portal, number: str) -> HttpResponseBase:
        ticket, actor = _ticket_for(request, portal, number)
        return view(request, portal, ticket, actor)  # type: ignore[no-any-return]

    inner.__name__ = view.__name__
    return require_POST(portal_view(inner))


@_posted
def reply(request: HttpRequest, portal: Portal, ticket: Ticket, actor: Actor) -> HttpResponse:
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, portal, ticket, actor, form=form, status=422)
    try:
        with transaction.atomic():
            ticket_actions.reply_to_ticket(
                ticket, actor=actor, body=form.valid_body(), attachments=form.uploads, channel=Channel.WEB
            )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        form.add_error("body" if error.field == "body" else None, error.detail)
        return _page(request, portal, ticket, actor, form=form, status=422)
    return HttpResponseRedirect(portal.url("ticket", number=ticket.number) + "#reply")


def _set_status(
    request: HttpRequest, portal: Portal, ticket: Ticket, actor: Actor, status: str
) -> HttpResponse:
    try:
        ticket_actions.change_status(ticket, actor=actor, status=status)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _page(request, portal, ticket, actor, error=error.detail, status=422)
    return HttpResponseRedirect(portal.url("ticket", number=ticket.number))


@_posted
def solve(request: HttpRequest, portal: Portal, ticket: Ticket, actor: Actor) -> HttpResponse:
    """The customer's problem is solved: they close their request (it may still be reopened)."""
    return _set_status(request, portal, ticket, actor, Status.SOLVED)


@_posted
def reopen(request: HttpRequest, portal: Portal, ticket: Ticket, actor: Actor) -> HttpResponse:
    return _set_status(request, portal, ticket, actor, Status.OPEN)


@require_http_methods(["GET"])
@portal_view
def attachment(request: HttpRequest, portal: Portal, number: str, attachment_id: int) -> HttpResponseBase:
    """A file of a message the visitor may see, always as a download, never sniffed."""
    ticket, actor = _ticket_for(request, portal, number)
    found = access_attachment(actor, ticket, attachment_id)
    try:
        handle = found.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
