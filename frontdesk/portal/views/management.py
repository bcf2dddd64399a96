"""A letter to the brand's management: a ticket that only the brand's managers see among the agents. Signed-in
customers write as themselves; visitors give their name and address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import DomainError
from frontdesk.portal.forms_requests import ManagementForm
from frontdesk.portal.site import Portal, portal_view
from frontdesk.portal.views.new_request import (
    _requester,
    remember_sent,
    too_many,
    visitor_allowed,
    visitor_initial,
)
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel


@require_http_methods(["GET", "POST"])
@portal_view
def write_to_management(request: HttpRequest, portal: Portal) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ManagementForm(request.POST, request.FILES, visitor=portal.customer is None)
        if form.is_valid() and not visitor_allowed(request, portal, form):
            too_many(form)
            status = 429
        elif form.is_valid():
            try:
                customer, actor = _requester(portal, form)
                ticket = ticket_actions.create_ticket(
                    portal.brand,
                    actor=actor,
                    customer=customer,
                    subject=form.cleaned_data["subject"],
                    body=form.body,  # type: ignore[arg-type]
                    channel=Channel.WEB,
                    language=portal.language,
                    attachments=form.uploads,
                    for_management=True,
                )
            except DomainError as error:
                field = {"subject": "subject", "body": "description"}.get(error.field or "")
                form.add_error(field, error.detail)
            else:
                remember_sent(request, ticket.number, email=customer.email or "")
                return HttpResponseRedirect(portal.url("new_request_sent"))
        status = status if status == 429 else 422
    else:
        form = ManagementForm(initial=visitor_initial(request, portal), visitor=portal.customer is None)
    return TemplateResponse(request, "portal/management.html", {"form": form}, status=status)
