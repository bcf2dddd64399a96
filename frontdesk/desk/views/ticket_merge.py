"""Merging, splitting and linking from the ticket page: a panel beside the ticket (loaded after the page, so
the page itself costs nothing more) with "Merge into…" (confirmed with both subjects), "Link…" with the linked
tickets, and "Split off" on a customer's message. Refusals come back as form errors (422), never as a 500."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.desk.views.access import agent_view
from frontdesk.tickets.merging import link_tickets, merge_tickets, split_message, unlink_tickets
from frontdesk.tickets.queries import (
    access_ticket,
    linked_tickets_visible_to,
    merged_into_visible_to,
    messages_visible_to,
    tickets_visible_to,
)
from frontdesk.users.actors import Actor

if TYPE_CHECKING:
    from frontdesk.tickets.models import Ticket


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into ticket"), max_length=40, error_messages={"required": _("Give a ticket number.")}
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class LinkForm(forms.Form):
    other = forms.CharField(
        label=_("Link to ticket"), max_length=40, error_messages={"required": _("Give a ticket number.")}
    )


def _other(actor: Actor, form: forms.Form, field: str) -> Ticket | None:
    """The ticket named in ``field`` (as typed, or in capitals: "box-26-000060" finds BOX-26-000060), or None
    with a form error (another brand's looks like a missing one)."""
    typed = form.cleaned_data[field].strip()
    for number in dict.fromkeys((typed, typed.upper())):
        try:
            return access_ticket(actor, number)
        except NotFound:
            continue
    form.add_error(field, _("No ticket with this number is available to you."))
    return None


def _panel(
    request: HttpRequest,
    actor: Actor,
    ticket: Ticket,
    *,
    merge_form: MergeForm | None = None,
    link_form: LinkForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    merged_into = None
    if ticket.merged_into_id is not None:
        merged_into = (
            tickets_visible_to(actor).filter(pk=ticket.merged_into_id).only("number", "subject").first()
        )
    context = {
        "ticket": ticket,
        "merged_into": merged_into,
        "merged": list(merged_into_visible_to(actor, ticket).only("number", "subject")),
        "links": list(linked_tickets_visible_to(actor, ticket).only("number", "subject", "status")),
        "merge_form": merge_form or MergeForm(initial={"version": ticket.version}),
        "link_form": link_form or LinkForm(),
        **extra,
    }
    return TemplateResponse(request, "desk/partials/ticket_merge.html", context, status=status)


def _go_to(request: HttpRequest, number: str) -> HttpResponse:
    url = reverse("desk:ticket", args=[number])
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


@require_GET
@agent_view
def panel(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    return _panel(request, actor, access_ticket(actor, number))


@require_POST
@agent_view
def merge(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """Without ``confirm``: show both tickets and ask. With it: merge and open the survivor."""
    ticket = access_ticket(actor, number)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _panel(request, actor, ticket, merge_form=form, status=422)
    survivor = _other(actor, form, "into")
    if survivor is None:
        return _panel(request, actor, ticket, merge_form=form, status=422)
    # What merge_tickets would refuse about the pair is said before the confirmation, not after it.
    if survivor.pk == ticket.pk:
        form.add_error("into", _("A ticket cannot be merged into itself."))
        return _panel(request, actor, ticket, merge_form=form, status=422)
    if survivor.brand_id != ticket.brand_id:
        form.add_error("into", _("The other ticket belongs to another brand."))
        return _panel(request, actor, ticket, merge_form=form, status=422)
    if not form.cleaned_data["confirm"]:
        return _panel(request, actor, ticket, merge_form=form, confirm_into=survivor)
    try:
        survivor = merge_tickets(ticket, into=survivor, actor=actor, version=form.cleaned_data["version"])
    except PermissionDenied:
        raise
    except DomainError as error:
        form.add_error("into", error.detail)
        return _panel(request, actor, access_ticket(actor, number), merge_form=form, status=422)
    return _go_to(request, survivor.number)


@require_POST
@agent_view
def link(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    ticket = access_ticket(actor, number)
    form = LinkForm(request.POST)
    other = _other(actor, form, "other") if form.is_valid() else None
    if other is not None and other.pk == ticket.pk:
        form.add_error("other", _("A ticket cannot be merged or linked with itself."))
        other = None
    if other is None:
        return _panel(request, actor, ticket, link_form=form, status=422)
    try:
        link_tickets(ticket, other=other, actor=actor)
    except PermissionDenied:
        raise
    except DomainError as error:
        form.add_error("other", error.detail)
        return _panel(request, actor, ticket, link_form=form, status=422)
    if not request.htmx:  # type: ignore[attr-defined]
        return _go_to(request, ticket.number)
    return _panel(request, actor, access_ticket(actor, number))


@require_POST
@agent_view
def unlink(request: HttpRequest, actor: Actor, number: str, other: str) -> HttpResponse:
    ticket = access_ticket(actor, number)
    unlink_tickets(ticket, other=access_ticket(actor, other), actor=actor)
    if not request.htmx:  # type: ignore[attr-defined]
        return _go_to(request, ticket.number)
    return _panel(request, actor, access_ticket(actor, number))


@require_POST
@agent_view
def split(request: HttpRequest, actor: Actor, number: str, message_id: int) -> HttpResponse:
    """Open a new ticket from a customer's message and go to it; a refusal comes back in the panel."""
    ticket = access_ticket(actor, number)
    message = messages_visible_to(actor, ticket).filter(pk=message_id).select_related("ticket").first()
    if message is None:
        raise NotFound("message")
    try:
        new = split_message(message, actor=actor)
    except PermissionDenied:
        raise
    except DomainError as error:
        return _panel(request, actor, ticket, split_error=error.detail, status=422)
    return _go_to(request, new.number)
