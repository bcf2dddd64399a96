"""Status by number, and the links our mail carries.

The look-up answers the same page, status and (at least) time whether or not the number and address match;
when they do, a one-time link goes by mail to that address. Opening a link takes a press of a button, so that
a mail scanner fetching the link does not spend it."""

from __future__ import annotations

import time

from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdesk.portal import lookup as access
from frontdesk.portal.forms import LookupForm
from frontdesk.portal.site import CONFIRMED_ADDRESS_KEY, Portal, portal_view
from frontdesk.tickets.access_links import open_access_link, send_ticket_access_link
from frontdesk.users.actions import account_for_signin_link, customer_for_signin_token


@require_http_methods(["GET", "POST"])
@portal_view
def lookup_form(request: HttpRequest, portal: Portal) -> HttpResponse:
    if request.method == "GET":
        return TemplateResponse(request, "portal/lookup.html", {"form": LookupForm()})
    started = time.monotonic()
    form = LookupForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "portal/lookup.html", {"form": form}, status=422)
    number, email = form.cleaned_data["number"], form.cleaned_data["email"]
    if not access.allowed(request, portal.brand.pk, number, email):
        context = {"form": form, "limited": True}
        return TemplateResponse(request, "portal/lookup.html", context, status=429)
    send_ticket_access_link(portal.brand, number=number, email=email)
    # The same answer, at least as late, whether or not a mail was sent.
    time.sleep(max(0.0, access.MIN_ANSWER_SECONDS - (time.monotonic() - started)))
    return TemplateResponse(request, "portal/lookup_sent.html", {"email": email, "number": number})


@require_http_methods(["GET", "POST"])
@portal_view
def lookup_open(request: HttpRequest, portal: Portal, token: str) -> HttpResponseBase:
    """GET: a button to open the request; POST: the link is spent, and this browser session may see and answer
    that one request for a while."""
    if request.method == "GET":
        return TemplateResponse(request, "portal/link_open.html", {"kind": "lookup"})
    ticket = open_access_link(portal.brand, token)
    if ticket is None:
        return TemplateResponse(request, "portal/link_spent.html", {"kind": "lookup"}, status=404)
    access.grant(request, portal.brand.pk, ticket.number)
    return HttpResponseRedirect(portal.url("ticket", number=ticket.number))


@require_http_methods(["GET", "POST"])
@portal_view
def welcome(request: HttpRequest, portal: Portal, token: str) -> HttpResponseBase:
    """The sign-in link of an acknowledgement: GET asks to press a button; POST makes the account of the
    customer it was sent to (once), confirms the address and signs in."""
    if request.method == "GET":
        return TemplateResponse(request, "portal/link_open.html", {"kind": "welcome"})
    customer = customer_for_signin_token(portal.brand, token)
    if customer is None:
        return TemplateResponse(request, "portal/link_spent.html", {"kind": "welcome"}, status=404)
    user = account_for_signin_link(customer)
    if user is None:
        messages.info(request, _("Please sign in with your password."))
        return HttpResponseRedirect(portal.url("signin"))
    address = user.email.lower()
    found, _created = EmailAddress.objects.get_or_create(
        user=user, email=address, defaults={"verified": True, "primary": True}
    )
    if not found.verified:
        found.verified = True
        found.save(update_fields=["verified"])
    target = portal.url_or_none("requests") or portal.url("home")
    response: HttpResponseBase = perform_login(request, user, redirect_url=target, email=address)
    request.session[CONFIRMED_ADDRESS_KEY] = address
    return response
