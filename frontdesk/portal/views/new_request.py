"""A new request on a brand's portal: pick a request type (its instructions, custom fields and documents),
write the subject and the question, attach files, send. Signed-in customers file as themselves; visitors give
their name and address, which finds or creates the brand's customer.

While the customer types, ``new_request_suggest`` (HTMX, after a pause) shows the brand's confident article
suggestions; each render, each suggested article opened (the article page counts ``?d=<key>``) and the end
(submitted with the number, or given up with "my question is answered") are recorded as one deflection, whose
key the form carries in a hidden field.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.core.errors import DomainError
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.choices import DeflectionOutcome
from frontdesk.kb.suggest import suggest_articles
from frontdesk.portal.forms_requests import DOCUMENT_PREFIX, FIELD_PREFIX, NewRequestForm
from frontdesk.portal.lookup import client_address
from frontdesk.portal.site import Portal, portal_view
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.request_types import (
    CustomFieldsInvalid,
    access_request_type,
    document_specs,
    field_specs,
    request_types_offered,
)
from frontdesk.users.actions import find_or_create_customer
from frontdesk.users.actors import SYSTEM, Actor, actor_in_brand

# Suggestions shown at most, and the shortest text worth a look-up.
SHOWN = 3
MIN_TEXT = 3
SENT_KEY = "portal_sent_request"
# Requests and letters a visitor (not signed in) may send per hour, from one address and for one email.
VISITOR_PER_IP_PER_HOUR = 20
VISITOR_PER_EMAIL_PER_HOUR = 10


def _spend(key: str, limit: int) -> bool:
    """Count one more use of ``key`` this hour; False once over ``limit``."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"portal-file:{digest}:{int(time.time() // 3600)}"
    if cache.add(cache_key, 1, timeout=3600):
        return True
    try:
        return int(cache.incr(cache_key)) <= limit
    except ValueError:
        cache.add(cache_key, 1, timeout=3600)
        return True


def visitor_allowed(request: HttpRequest, portal: Portal, form: Any) -> bool:
    """Whether a visitor may file one more request or letter now (customers signed in are not counted)."""
    if portal.customer is not None:
        return True
    results = [
        _spend(f"ip:{client_address(request)}", VISITOR_PER_IP_PER_HOUR),
        _spend(f"email:{portal.brand.pk}:{form.cleaned_data['email'].lower()}", VISITOR_PER_EMAIL_PER_HOUR),
    ]
    return all(results)


def visitor_initial(request: HttpRequest, portal: Portal) -> dict[str, str]:
    """A signed-in person who is not (yet) the brand's customer starts from their account's name and address."""
    if portal.customer is not None or not request.user.is_authenticated:
        return {}
    return {
        "name": getattr(request.user, "name", "") or "",
        "email": getattr(request.user, "email", "") or "",
    }


def too_many(form: Any) -> None:
    form.add_error(None, _("Too many requests from here in the last hour; please try again later."))


def _requester(portal: Portal, form: Any) -> tuple[Any, Actor]:
    """The customer filing and who acts: the signed-in customer, or the visitor's record in this brand."""
    if portal.customer is not None:
        return portal.customer, portal.actor
    customer = find_or_create_customer(
        portal.brand,
        actor=SYSTEM,
        email=form.cleaned_data["email"],
        name=form.cleaned_data["name"],
        language=portal.language,
    )
    return customer, actor_in_brand(customer)


def remember_sent(request: HttpRequest, number: str, *, email: str) -> None:
    """What the "sent" page shows, kept in the session (never taken from the address)."""
    request.session[SENT_KEY] = {"number": number, "email": email}


@require_http_methods(["GET", "POST"])
@portal_view
def new_request(request: HttpRequest, portal: Portal) -> HttpResponse:
    types = list(request_types_offered(portal.brand))
    slug = request.POST.get("type") or request.GET.get("type") or ""
    chosen = access_request_type(portal.brand, slug) if slug else (types[0] if len(types) == 1 else None)
    form_kwargs: dict[str, Any] = {
        "visitor": portal.customer is None,
        "fields": field_specs(chosen, portal.language) if chosen else (),
        "documents": document_specs(chosen, portal.language) if chosen else (),
    }
    status = 200
    if request.method == "POST" and (chosen is not None or not types):
        form = NewRequestForm(request.POST, request.FILES, **form_kwargs)
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
                    request_type=chosen,
                    custom_fields=form.custom_values(),
                    documents=form.document_uploads(),
                    attachments=form.uploads,
                )
            except CustomFieldsInvalid as error:
                prefix = DOCUMENT_PREFIX if error.field == "documents" else FIELD_PREFIX
                for key, message in error.errors.items():
                    name = prefix + key
                    form.add_error(name if name in form.fields else None, message)
            except DomainError as error:
                field = {"subject": "subject", "body": "description"}.get(error.field or "")
                form.add_error(field, error.detail)
            else:
                kb_actions.finish_deflection(
                    form.cleaned_data["deflection"],
                    outcome=DeflectionOutcome.SUBMITTED,
                    ticket_number=ticket.number,
                    brand=portal.brand,
                )
                remember_sent(request, ticket.number, email=customer.email or "")
                return HttpResponseRedirect(portal.url("new_request_sent"))
        status = status if status == 429 else 422
    else:
        form = NewRequestForm(initial=visitor_initial(request, portal), **form_kwargs)
    context = {
        "types": [
            {
                "slug": t.slug,
                "name": t.name_in(portal.language),
                "url": f"{portal.url('new_request')}?type={t.slug}",
            }
            for t in types
        ],
        "chosen": chosen,
        "chosen_name": chosen.name_in(portal.language) if chosen else "",
        "instructions": chosen.instructions_in(portal.language) if chosen else "",
        "form": form,
        "suggest_url": portal.url("new_request_suggest"),
        "cancel_url": portal.url("new_request_cancel"),
        "management_url": portal.url_or_none("write_to_management"),
    }
    return TemplateResponse(request, "portal/new_request.html", context, status=status)


@require_POST
@portal_view
def new_request_suggest(request: HttpRequest, portal: Portal) -> HttpResponse:
    """The confident suggestions for what is typed so far (HTMX partial), recorded under the form's
    deflection key; the partial also carries the key (new on the first render) back into the form."""
    text = " ".join(f"{request.POST.get('subject', '')} {request.POST.get('description', '')}".split())[:1000]
    key = request.POST.get("deflection", "")[:64]
    shown = []
    if len(text) >= MIN_TEXT:
        found = suggest_articles(brand_id=portal.brand.pk, language=portal.language, text=text, limit=SHOWN)
        shown = [s for s in found if s.confident][:SHOWN]
        key = str(
            kb_actions.record_suggestions(
                key,
                brand=portal.brand,
                language=portal.language,
                query=text,
                suggestions=shown,
                actor=portal.actor,
                customer=portal.customer,
            )
        )
    context = {
        "suggestions": [
            {"title": s.title, "url": f"{portal.url('kb_article', public_id=s.public_id)}?d={key}"}
            for s in shown
        ],
        "key": key,
        "typed": len(text) >= MIN_TEXT,
    }
    return TemplateResponse(request, "portal/partials/new_request_suggestions.html", context)


@require_POST
@portal_view
def new_request_cancel(request: HttpRequest, portal: Portal) -> HttpResponse:
    """ "My question is answered": the request is given up (the deflection ends as abandoned)."""
    key = request.POST.get("deflection", "")[:64]
    if key:
        kb_actions.finish_deflection(key, outcome=DeflectionOutcome.ABANDONED, brand=portal.brand)
    messages.success(request, _("We are glad you found the answer."))
    return HttpResponseRedirect(portal.url("home"))


@require_GET
@portal_view
def new_request_sent(request: HttpRequest, portal: Portal) -> HttpResponse:
    """The number of the request just sent, with where to follow it."""
    sent = request.session.get(SENT_KEY)
    if not isinstance(sent, dict) or not sent.get("number"):
        return HttpResponseRedirect(portal.url("new_request"))
    number = str(sent["number"])
    context = {
        "number": number,
        "email": sent.get("email", ""),
        "ticket_url": portal.url_or_none("ticket", number=number) if portal.customer is not None else None,
        "lookup_url": portal.url_or_none("lookup"),
    }
    return TemplateResponse(request, "portal/new_request_sent.html", context)
