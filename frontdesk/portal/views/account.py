"""Sign-in, sign-up and password recovery in a brand's portal: django-allauth's own views (their forms, rate
limits, login stages and second factors), shown in the brand's look and language and leading back into the
portal. Agents sign in here as anywhere else: a second factor they set up is still asked for."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.views import (
    ConfirmLoginCodeView,
    LoginView,
    PasswordResetFromKeyView,
    PasswordResetView,
    RequestLoginCodeView,
    SignupView,
)
from allauth.core import ratelimit
from allauth.core.ratelimit import RateLimited
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.portal.site import Portal, PortalView, portal_view


def _portal(view: Any) -> Portal:
    return view.request.portal  # type: ignore[no-any-return]


class _InPortal:
    """Where allauth's views lead: the ``next`` page if it is safe, else the customer's requests."""

    request: HttpRequest

    def get_next_url(self) -> str | None:
        return super().get_next_url()  # type: ignore[misc, no-any-return]

    def get_default_success_url(self) -> str:
        portal = _portal(self)
        return portal.url_or_none("requests") or portal.url("home")

    def get_success_url(self) -> str:
        return self.get_next_url() or self.get_default_success_url()

    def get_authenticated_redirect_url(self) -> str:
        return self.get_success_url()

    def passthrough(self, url: str) -> str:
        return self.passthrough_next_url(url)  # type: ignore[attr-defined, no-any-return]


class SignIn(_InPortal, LoginView):  # type: ignore[misc]
    template_name = "portal/account/signin.html"


class SignInCode(_InPortal, RequestLoginCodeView):  # type: ignore[misc]
    template_name = "portal/account/signin_code.html"

    def get_success_url(self) -> str:
        return self.passthrough(_portal(self).url("signin_code_confirm"))


class SignInCodeConfirm(_InPortal, ConfirmLoginCodeView):  # type: ignore[misc]
    template_name = "portal/account/signin_code_confirm.html"

    def _verify_form_valid(self, form: Any) -> HttpResponse:
        return self._process.finish(self.get_success_url())  # type: ignore[no-any-return]

    def _resend_form_valid(self, form: Any) -> HttpResponse:
        try:
            self._process.resend()
        except RateLimited:
            messages.error(self.request, _("Too many codes were asked for. Try again later."))
        return HttpResponseRedirect(self.passthrough(_portal(self).url("signin_code_confirm")))


class SignUp(_InPortal, SignupView):  # type: ignore[misc]
    template_name = "portal/account/signup.html"


class PasswordReset(_InPortal, PasswordResetView):  # type: ignore[misc]
    template_name = "portal/account/password_reset.html"

    def get_success_url(self) -> str:
        return _portal(self).url("password_reset_done")


class PasswordResetKey(_InPortal, PasswordResetFromKeyView):  # type: ignore[misc]
    """The page of the link in a password reset mail; the new password leads to the sign-in page."""

    template_name = "portal/account/password_reset_key.html"

    def get_success_url(self) -> str:
        return _portal(self).url("signin")


def _in_portal(view_class: type[Any]) -> PortalView:
    inner = view_class.as_view()

    @portal_view
    def page(request: HttpRequest, portal: Portal, **kwargs: Any) -> HttpResponse:
        return inner(request, **kwargs)  # type: ignore[no-any-return]

    page.__name__ = view_class.__name__
    return page


signin = _in_portal(SignIn)
signin_code = _in_portal(SignInCode)
signin_code_confirm = _in_portal(SignInCodeConfirm)
signup = _in_portal(SignUp)
password_reset = _in_portal(PasswordReset)
password_reset_key = _in_portal(PasswordResetKey)


@portal_view
def password_reset_done(request: HttpRequest, portal: Portal) -> HttpResponse:
    return TemplateResponse(request, "portal/account/password_reset_done.html", {})


@require_POST
@portal_view
def signout(request: HttpRequest, portal: Portal) -> HttpResponse:
    get_adapter(request).logout(request)
    return HttpResponseRedirect(portal.url("home"))


@require_POST
@portal_view
def confirm_address(request: HttpRequest, portal: Portal) -> HttpResponse:
    """For a person signed in with a password whose address was never confirmed: sign out and sign in again
    with a code sent to that address, which confirms it."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(portal.url("signin"))
    email = user.email
    get_adapter(request).logout(request)
    if not ratelimit.consume(request, action="request_login_code", key=email.lower()):
        messages.error(request, _("Too many codes were asked for. Try again later."))
        return HttpResponseRedirect(portal.url("signin"))
    LoginCodeVerificationProcess.initiate(request=request, user=user, email=email)
    next_url = request.POST.get("next") or ""
    target = portal.url("signin_code_confirm")
    if next_url and get_adapter(request).is_safe_url(next_url):
        target = f"{target}?{urlencode({'next': next_url})}"
    return HttpResponseRedirect(target)
