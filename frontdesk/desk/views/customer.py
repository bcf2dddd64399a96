"""The customer panel beside a ticket: contact details, organization, language and the customer's other
tickets, edited in place (name, language, emails and phones)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.desk.forms import CustomerEditForm
from frontdesk.desk.views.access import agent_view
from frontdesk.tickets.choices import Status
from frontdesk.tickets.queries import tickets_visible_to
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import Actor
from frontdesk.users.queries import access_customer, customer_contacts

if TYPE_CHECKING:
    from frontdesk.users.models import Customer

# The customer's other tickets shown in the panel, newest first.
OTHER_TICKETS = 10
# Fields of the actions' errors and the form fields that show them.
ERROR_FIELDS = {
    "emails": "add_email",
    "add_emails": "add_email",
    "phones": "add_phone",
    "add_phones": "add_phone",
}


def panel_context(actor: Actor, customer_id: int, *, ticket_id: int | None = None) -> dict[str, Any]:
    """What the panel shows, in three queries however many contacts and tickets the customer has: the
    customer with organization and brand, their contacts, their newest other tickets."""
    return _panel_context(actor, access_customer(actor, customer_id), ticket_id=ticket_id)


def _panel_context(actor: Actor, customer: Customer, *, ticket_id: int | None) -> dict[str, Any]:
    tickets = tickets_visible_to(actor).filter(customer_id=customer.pk)
    if ticket_id is not None:
        tickets = tickets.exclude(pk=ticket_id)
    # Newest first by creation: the (customer, -id) index reads just these rows, where an order by the last
    # update would read and sort every ticket of a long-standing customer.
    rows: list[dict[str, Any]] = [
        {**row, "status_label": Status(row["status"]).label}
        for row in tickets.order_by("-id").values("number", "subject", "status", "updated_at")[:OTHER_TICKETS]
    ]
    contacts = list(customer_contacts(customer))
    return {
        "customer": customer,
        "emails": [c for c in contacts if c.kind == "email"],
        "phones": [c for c in contacts if c.kind == "phone"],
        "other_tickets": rows,
        "panel_ticket_id": ticket_id,
    }


def _edit_form(customer: Customer, data: Any = None) -> CustomerEditForm:
    form = CustomerEditForm(data, initial={"name": customer.name, "language": customer.language})
    form.offer(list(customer_contacts(customer)))
    return form


def _ticket_id(request: HttpRequest) -> int | None:
    value = request.GET.get("ticket") or request.POST.get("ticket") or ""
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


@require_http_methods(["GET", "POST"])
@agent_view
def customer_panel(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    """GET: the panel, or with ``?edit=1`` its form. POST: save the form; the panel comes back, or the form
    with its errors and 422. A customer of another brand is a 404."""
    ticket_id = _ticket_id(request)
    customer = access_customer(actor, customer_id)
    if request.method == "GET" and not request.GET.get("edit"):
        return _panel(request, actor, customer, ticket_id)
    if request.method == "GET":
        return _form_response(request, customer, _edit_form(customer), ticket_id)
    form = _edit_form(customer, request.POST)
    if not form.is_valid():
        return _form_response(request, customer, form, ticket_id, status=422)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if data["remove"]:
                user_actions.remove_customer_contacts(customer, actor=actor, contact_ids=data["remove"])
            user_actions.update_customer(
                customer,
                actor=actor,
                name=data["name"],
                language=data["language"],
                add_emails=[data["add_email"]] if data["add_email"] else [],
                add_phones=[data["add_phone"]] if data["add_phone"] else [],
            )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        field = ERROR_FIELDS.get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, error.detail)
        # The customer as saved, not as the refused change left the instance.
        customer = access_customer(actor, customer_id)
        return _form_response(request, customer, form, ticket_id, status=422)
    return _panel(request, actor, customer, ticket_id)


def _panel(request: HttpRequest, actor: Actor, customer: Customer, ticket_id: int | None) -> HttpResponse:
    context = _panel_context(actor, customer, ticket_id=ticket_id)
    return TemplateResponse(request, "desk/partials/customer_panel.html", context)


def _form_response(
    request: HttpRequest,
    customer: Customer,
    form: CustomerEditForm,
    ticket_id: int | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"customer": customer, "form": form, "panel_ticket_id": ticket_id}
    return TemplateResponse(request, "desk/partials/customer_edit.html", context, status=status)
