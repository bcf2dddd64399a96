"""Phone intake for an agent who types while talking: find the caller as they type (phone, email, name or a
ticket number), or take a new customer's details in the same form, and open the ticket with the call record
in one step. Also a call logged on an existing ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from frontdesk.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from frontdesk.core.search import MAX_QUERY_LENGTH
from frontdesk.desk.forms import LogCallForm, PhoneTicketForm
from frontdesk.desk.views.access import agent_view
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import OPEN_STATUSES, Channel, MessageKind, Status
from frontdesk.tickets.queries import (
    access_category,
    access_ticket,
    categories_visible_to,
    tickets_visible_to,
)
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import Actor
from frontdesk.users.queries import (
    access_agent,
    access_brand_by_id,
    access_customer,
    brands_visible_to,
    find_callers,
)

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand
    from frontdesk.tickets.models import Ticket
    from frontdesk.users.models import Customer

CALLERS = 10
# Open tickets shown under each caller found.
OPEN_TICKETS = 5
# Ticket numbers are at most this long.
NUMBER_LENGTH = 40
# Where a caller was found, as the results say it.
FOUND = {
    "ticket": gettext_lazy("ticket number"),
    "exact": gettext_lazy("phone or email"),
    "contact": gettext_lazy("phone or email"),
    "name": pgettext_lazy("a caller found by", "name"),
}
# Fields of the actions' errors and the form fields that show them.
ERROR_FIELDS = {"phones": "phone", "emails": "email", "customer": "customer", "duration_seconds": "duration"}


def _agent_brands(actor: Actor) -> list[Brand]:
    return [b for b in brands_visible_to(actor).order_by("name") if actor.serves(b.pk)]


def _brand(actor: Actor, brand_id: int) -> Brand:
    """A brand the agent serves; any other id is a 404."""
    brand = access_brand_by_id(actor, brand_id)
    if not actor.serves(brand.pk):
        raise NotFound("brand")
    return brand


def _form(
    actor: Actor, data: QueryDict | None = None, *, initial: dict[str, Any] | None = None
) -> PhoneTicketForm:
    brands = _agent_brands(actor)
    initial = dict(initial or {})
    if len(brands) == 1:
        initial.setdefault("brand", brands[0].pk)
    form = PhoneTicketForm(data, initial=initial)
    brand_id = str(form["brand"].value() or "")
    chosen = int(brand_id) if brand_id.isdigit() and 0 < int(brand_id) < 2**63 else None
    categories = list(categories_visible_to(actor).filter(brand_id=chosen)) if chosen else []
    form.offer(brands=brands, categories=categories)
    return form


def _page(
    request: HttpRequest,
    actor: Actor,
    form: PhoneTicketForm,
    *,
    caller: Customer | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    template = "desk/partials/phone_form.html" if request.htmx else "desk/phone.html"  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "form": form,
        "caller": caller,
        "max_length": MAX_QUERY_LENGTH,
        **(extra or {}),
    }
    if caller is not None:
        context["caller_tickets"] = _open_tickets(actor, [caller.pk]).get(caller.pk, [])
    return TemplateResponse(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@agent_view
def phone_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method != "POST":
        return _start(request, actor)
    form = _form(actor, request.POST)
    caller = _posted_caller(actor, form)
    if not form.is_valid():
        return _page(request, actor, form, caller=caller, status=422)
    try:
        ticket = _take_call(actor, form, caller)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        field = ERROR_FIELDS.get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, error.detail)
        return _page(request, actor, form, caller=caller, status=422)
    url = reverse("desk:ticket", args=[ticket.number])
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _start(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The empty form, or one started from elsewhere (the pop-up of an incoming call): ``?customer=`` picks
    that caller; ``?phone=`` looks the number up, picks the one customer it belongs to (in ``?brand=`` if
    given) or shows the matches and takes it as the new customer's number. Foreign ids are a 404."""
    params = request.GET
    initial: dict[str, Any] = {}
    caller: Customer | None = None
    brand_id = _id_param(params.get("brand", ""), "brand")
    if brand_id is not None:
        initial["brand"] = _brand(actor, brand_id).pk
    customer_id = _id_param(params.get("customer", ""), "customer")
    phone = " ".join(params.get("phone", "").split())[:MAX_QUERY_LENGTH]
    found: dict[str, Any] = {}
    if customer_id is not None:
        caller = access_customer(actor, customer_id)
    elif phone:
        try:
            hits = [(hit.customer, hit.found) for hit in find_callers(actor, phone, limit=CALLERS)]
        except InvalidInput:
            hits = []
        exact = [c for c, how in hits if how == "exact" and brand_id in (None, c.brand_id)]
        if len(exact) == 1:
            caller = exact[0]
        else:
            initial["phone"] = phone
            found = {
                "q": phone,
                "results": _results(actor, phone, hits),
                "new_customer": urlencode({"phone": phone}),
            }
    if caller is not None:
        initial |= {"customer": caller.pk, "brand": caller.brand_id}
    return _page(request, actor, _form(actor, initial=initial), caller=caller, extra=found)


def _id_param(value: str, what: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise NotFound(what)
    return int(value)


def _posted_caller(actor: Actor, form: PhoneTicketForm) -> Customer | None:
    """The caller picked on the page: one of the agent's customers; any other id is a 404."""
    value = str(form["customer"].value() or "")
    if not value.isdigit() or not 0 < int(value) < 2**63:
        return None
    return access_customer(actor, int(value))


def _take_call(actor: Actor, form: PhoneTicketForm, caller: Customer | None) -> Ticket:
    data = form.cleaned_data
    brand = _brand(actor, data["brand"])
    if caller is not None and caller.brand_id != brand.pk:
        raise InvalidInput(
            _("The caller is a customer of %(brand)s: choose that brand.") % {"brand": caller.brand.name},
            field="brand",
        )
    category = access_category(actor, data["category"]) if data.get("category") else None
    if category is not None and category.brand_id != brand.pk:
        raise InvalidInput(_("Choose a category of %(brand)s.") % {"brand": brand.name}, field="category")
    with transaction.atomic():
        customer = caller or user_actions.create_customer(
            brand,
            actor=actor,
            name=data["name"],
            phones=[data["phone"]] if data["phone"] else [],
            emails=[data["email"]] if data["email"] else [],
            language=data["language"],
        )
        ticket = ticket_actions.create_ticket(
            brand,
            actor=actor,
            customer=customer,
            subject=data["subject"],
            body=form.valid_body(),
            channel=Channel.PHONE,
            priority=data["priority"],
            category=category,
            # The agent who took the call has the ticket (and, solved on the call, it counts as theirs).
            assignee=access_agent(actor, actor.user_id) if actor.user_id and actor.serves(brand.pk) else None,
            kind=MessageKind.CALL,
            call_direction=data["direction"],
            call_duration_seconds=data["duration"],
        )
        if data["solved"]:
            ticket = ticket_actions.change_status(ticket, actor=actor, status=Status.SOLVED)
    return ticket


def _open_tickets(actor: Actor, customer_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The newest open tickets of each customer (at most OPEN_TICKETS), in one query."""
    if not customer_ids:
        return {}
    rows = (
        tickets_visible_to(actor)
        .filter(customer_id__in=sorted(set(customer_ids)), status__in=sorted(OPEN_STATUSES))
        .annotate(
            n=Window(
                RowNumber(), partition_by=F("customer_id"), order_by=[F("updated_at").desc(), F("id").desc()]
            )
        )
        .filter(n__lte=OPEN_TICKETS)
        .order_by("customer_id", "n")
        .values("customer_id", "number", "subject", "status", "updated_at")
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        row["status_label"] = Status(row["status"]).label
        found.setdefault(row["customer_id"], []).append(row)
    return found


def _ticket_caller(actor: Actor, text: str) -> Customer | None:
    """The customer of the ticket whose number was typed, if the agent may see it."""
    if " " in text or len(text) > NUMBER_LENGTH or not any(c.isdigit() for c in text):
        return None
    ticket = (
        tickets_visible_to(actor)
        .select_related("customer__organization", "customer__brand")
        .filter(number=text.upper())
        .first()
    )
    return ticket.customer if ticket is not None else None


@require_GET
@agent_view
def callers(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The callers matching the search box, each with their brand, organization and open tickets."""
    q = " ".join(request.GET.get("q", "").split())
    results: list[dict[str, Any]] = []
    error, status = "", 200
    if q:
        try:
            results = _results(actor, q)
        except InvalidInput as refused:
            error, status = refused.detail, 422
    context = {
        "q": q,
        "results": results,
        "error": error,
        "new_customer": urlencode(_new_customer_initial(q)),
    }
    return TemplateResponse(request, "desk/partials/phone_callers.html", context, status=status)


def _results(actor: Actor, q: str, hits: list[tuple[Customer, str]] | None = None) -> list[dict[str, Any]]:
    """The callers found for ``q`` (``hits``, or looked up here), the ticket number's customer first, each
    with their open tickets."""
    if hits is None:
        hits = [(hit.customer, hit.found) for hit in find_callers(actor, q, limit=CALLERS)]
    by_ticket = _ticket_caller(actor, q)
    if by_ticket is not None:
        hits = [(by_ticket, "ticket")] + [h for h in hits if h[0].pk != by_ticket.pk]
    tickets = _open_tickets(actor, [customer.pk for customer, _found in hits])
    return [
        {"customer": customer, "found": FOUND[found], "tickets": tickets.get(customer.pk, [])}
        for customer, found in hits
    ]


def _new_customer_initial(q: str) -> dict[str, str]:
    """What the agent typed, as the new customer's phone, email or name."""
    if not q:
        return {}
    if "@" in q:
        return {"email": q}
    if q.lstrip("+").replace(" ", "").replace("-", "").isdigit():
        return {"phone": q}
    return {"name": q}


@require_GET
@agent_view
def pick_caller(request: HttpRequest, actor: Actor, customer_id: int | None = None) -> HttpResponse:
    """The caller section of the form for a picked customer (with their brand chosen below), or empty fields
    for a new customer (filled with what the agent typed)."""
    if customer_id is None:
        initial = {k: v for k, v in request.GET.items() if k in ("name", "phone", "email")}
        form = _form(actor, initial=initial)
        return TemplateResponse(request, "desk/partials/phone_caller.html", {"form": form, "caller": None})
    caller = access_customer(actor, customer_id)
    form = _form(actor, initial={"customer": caller.pk, "brand": caller.brand_id})
    context = {
        "form": form,
        "caller": caller,
        "caller_tickets": _open_tickets(actor, [caller.pk]).get(caller.pk, []),
        "swap_brand": True,
    }
    return TemplateResponse(request, "desk/partials/phone_caller.html", context)


@require_GET
@agent_view
def phone_brand(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The brand and its categories, after the agent chose another brand."""
    value = request.GET.get("brand", "")
    if value and not (value.isdigit() and 0 < int(value) < 2**63):
        raise NotFound("brand")
    initial = {"brand": _brand(actor, int(value)).pk} if value else {}
    return TemplateResponse(
        request, "desk/partials/phone_brand.html", {"form": _form(actor, initial=initial)}
    )


@require_POST
@agent_view
def log_call(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """A call on an existing ticket. HTMX gets the page reloaded, a refused form back with 422. A call is added
    to the history whatever changed on the ticket meanwhile, so it carries no version."""
    ticket = access_ticket(actor, number)
    form = LogCallForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = ticket_actions.log_call(
                ticket,
                actor=actor,
                direction=data["direction"],
                duration_seconds=data["duration"] or 0,
                body=form.valid_body(),
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            field = ERROR_FIELDS.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.detail)
        else:
            url = f"{reverse('desk:ticket', args=[ticket.number])}#message-{message.pk}"
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponseClientRedirect(url)
            return HttpResponseRedirect(url)
    return TemplateResponse(
        request, "desk/partials/log_call.html", {"ticket": ticket, "call_form": form}, status=422
    )
