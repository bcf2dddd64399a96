"""The portal a request is on: its brand, its language, and the customer signed in to it.

A brand's portal answers at ``/portal/<slug>/`` and, for a brand with a ``portal_host``, at the root of that
host (``PortalHostMiddleware`` switches the URL configuration). Views take a ``Portal`` from ``portal_view``
and build their links with ``Portal.url`` (or ``{% purl %}`` in templates), which works in both places.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from frontdesk.brands.queries import portal_brand, portal_brand_by_id
from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.users.actions import link_customer_account
from frontdesk.users.actors import NOBODY, Actor, actor_for, actor_in_brand
from frontdesk.users.queries import access_customer

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand
    from frontdesk.users.models import Customer

PortalView = Callable[..., HttpResponseBase]
SUPPORTED = tuple(code for code, _name in settings.LANGUAGES)
LAYOUT_LINKS = ("home", "new_request", "requests", "lookup", "signin", "signup", "signout", "kb_search")


@dataclass
class Portal:
    """One brand's portal as one request sees it."""

    brand: Brand
    # Reached at the root of the brand's own host (else under /portal/<slug>/).
    on_host: bool
    language: str
    # The signed-in person's customer record in this brand (None for visitors and for people without one).
    customer: Customer | None = None
    # What that customer may reach here: their tickets in this brand only; NOBODY for visitors.
    actor: Actor = NOBODY
    languages: list[str] = field(default_factory=list)

    def url(self, name: str, **kwargs: Any) -> str:
        """The path of portal page ``name`` of this brand, on whichever address the portal is reached."""
        if not self.on_host:
            kwargs = {"brand": self.brand.slug, **kwargs}
        return reverse(f"portal:{name}", kwargs=kwargs)

    def url_or_none(self, name: str, **kwargs: Any) -> str | None:
        """``url`` for a page that may not be installed (yet): None then."""
        try:
            return self.url(name, **kwargs)
        except NoReverseMatch:
            return None

    @cached_property
    def links(self) -> dict[str, str | None]:
        """The pages the layout links to, by name; None for a page not installed."""
        return {name: self.url_or_none(name) for name in LAYOUT_LINKS}

    @property
    def on_accent(self) -> str:
        """Black or white, whichever reads better on the brand's colour (WCAG relative luminance)."""
        return on_colour(self.brand.primary_color)


def on_colour(colour: str) -> str:
    try:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    except (ValueError, IndexError):
        return "#ffffff"
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with white is (1.05) / (L + 0.05), with black (L + 0.05) / 0.05: pick the larger.
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#000000"


def brand_languages(brand: Brand) -> list[str]:
    offered = [code for code in brand.languages or [] if code in SUPPORTED]
    return offered or [settings.LANGUAGE_CODE]


def choose_language(request: HttpRequest, brand: Brand, customer: Customer | None = None) -> str:
    """The visitor's choice (the language switch's cookie), their profile, the browser's preference, each
    only among the brand's languages; else the brand's first language."""
    offered = brand_languages(brand)
    candidates = [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
    if customer is not None:
        candidates.append(customer.language)
    candidates.append(getattr(request.user, "language", "") or "")
    candidates += [
        code.split("-")[0].lower()
        for code, _q in parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    ]
    return next((code for code in candidates if code in offered), offered[0])


# Set by a sign-in link from our mail: the address it was sent to, proven by opening it.
CONFIRMED_ADDRESS_KEY = "portal_confirmed_address"


def address_confirmed(request: HttpRequest) -> bool:
    """Whether the signed-in person has shown they receive mail at their account's address: a confirmed
    address (allauth), a sign-in by an emailed code in this session, or a link from our mail."""
    from allauth.account.authentication import get_authentication_records
    from allauth.account.models import EmailAddress

    email = (getattr(request.user, "email", "") or "").lower()
    if not email:
        return False
    if request.session.get(CONFIRMED_ADDRESS_KEY) == email:
        return True
    for record in get_authentication_records(request, request.user):
        if record.get("method") == "code" and str(record.get("email") or "").lower() == email:
            return True
    return bool(
        EmailAddress.objects.filter(user_id=request.user.pk, email__iexact=email, verified=True).exists()
    )


def resolve_portal(request: HttpRequest, slug: str | None) -> Portal:
    """The portal of the request, or ``Http404`` for an unknown or inactive brand."""
    if slug is not None:
        brand, on_host = portal_brand(slug), False
    else:
        brand_id = getattr(request, "portal_brand_id", None)
        brand, on_host = (portal_brand_by_id(brand_id) if brand_id else None), True
    if brand is None:
        raise Http404
    customer = None
    actor = NOBODY
    if request.user.is_authenticated:
        account = actor_for(request.user)
        customer_id = account.customer_ids.get(brand.pk)
        if customer_id is not None:
            customer = access_customer(account, customer_id)
        elif not account.serves(brand.pk) and address_confirmed(request):
            # First visit to this brand's portal with a proven address: the brand's record of that address
            # (tickets filed by mail or phone) becomes theirs, or a new one is made. Not for the brand's own
            # agents, who look at its portal without becoming its customers.
            customer = link_customer_account(
                brand, user=request.user, language=choose_language(request, brand)
            )
        if customer is not None:
            actor = actor_in_brand(customer)
    portal = Portal(
        brand=brand,
        on_host=on_host,
        language=choose_language(request, brand, customer),
        customer=customer,
        actor=actor,
        languages=brand_languages(brand),
    )
    request.portal = portal  # type: ignore[attr-defined]
    return portal


def viewer_zone(request: HttpRequest, portal: Portal) -> zoneinfo.ZoneInfo:
    """Times in the person's own zone if they set one, else in the brand's."""
    for name in (getattr(request.user, "time_zone", "") or "", portal.brand.time_zone):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def render_in(portal: Portal, response: HttpResponseBase) -> HttpResponseBase:
    """Render a lazy response now, in the portal's language, and say which language it is in."""
    render = getattr(response, "render", None)
    if render is not None and not getattr(response, "is_rendered", True):
        render()
    response.headers["Content-Language"] = portal.language
    return response


def portal_view(view: PortalView) -> PortalView:
    """A page of a brand's portal, open to everyone: ``view(request, portal, ...)`` runs in the portal's
    language. Objects the visitor may not see are 404; an action refused on a visible object is 403."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, brand: str | None = None, **kwargs: Any
    ) -> HttpResponseBase:
        portal = resolve_portal(request, brand)
        with translation.override(portal.language), timezone.override(viewer_zone(request, portal)):
            try:
                response = view(request, portal, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.detail) from None
            except PermissionDenied as error:
                return HttpResponseForbidden(error.detail)
            return render_in(portal, response)

    return wrapper


def customer_view(view: PortalView) -> PortalView:
    """A portal page for the signed-in customer of the brand: visitors go to the portal's sign-in page."""

    @wraps(view)
    def inner(request: HttpRequest, portal: Portal, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), portal.url("signin"))
        if portal.customer is None:
            # Signed in, but not (yet) this brand's customer: an unconfirmed address, or one that belongs
            # to a customer with another account.
            context = {"taken": address_confirmed(request), "next": request.get_full_path()}
            return TemplateResponse(request, "portal/account/confirm_address.html", context)
        return view(request, portal, *args, **kwargs)

    return portal_view(inner)


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``portal`` on the portal's pages (None elsewhere)."""
    return {"portal": getattr(request, "portal", None)}
